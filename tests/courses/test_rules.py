"""Pure progress rules and the video address rule, tested exhaustively with hypothesis."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from courses import rules
from courses.blocks import COMPLETABLE_BLOCK_TYPES

block_types = st.sampled_from(
    ["text", "video", "resource", "reflection_prompt", "key_points", "activity"]
)
specs = st.lists(
    st.builds(
        rules.BlockSpec,
        block_id=st.uuids().map(str),
        block_type=block_types,
        required=st.booleans(),
        title=st.text(max_size=20),
    ),
    max_size=12,
    unique_by=lambda spec: spec.block_id,
)


@given(specs, st.data())
def test_outstanding_blocks_are_exactly_the_required_completable_ones_not_done(blocks, data):
    done = set(data.draw(st.lists(st.sampled_from([b.block_id for b in blocks] or ["x"]))))
    outstanding = rules.outstanding_blocks(blocks, done)
    expected = [
        b
        for b in blocks
        if b.required and b.block_type in COMPLETABLE_BLOCK_TYPES and b.block_id not in done
    ]
    assert outstanding == expected


@given(specs, st.booleans(), st.booleans())
def test_nothing_missing_once_every_required_block_is_done_and_attended(blocks, sync, attended):
    all_done = {b.block_id for b in blocks}
    missing = rules.missing_requirements(
        blocks=blocks, done_ids=all_done, synchronous=sync, attended=attended
    )
    assert bool(missing) == (sync and not attended)


@given(specs)
def test_missing_lists_one_line_per_outstanding_block(blocks):
    missing = rules.missing_requirements(
        blocks=blocks, done_ids=set(), synchronous=False, attended=False
    )
    assert len(missing) == sum(b.counts_toward_completion for b in blocks)


@given(st.integers(min_value=-5, max_value=500), st.integers(min_value=-5, max_value=500))
def test_progress_percent_is_bounded_and_monotonic(done, total):
    percent = rules.progress_percent(done, total)
    assert 0 <= percent <= 100
    if total > 0 and 0 <= done < total:
        assert percent <= rules.progress_percent(done + 1, total)
    if total > 0 and done >= total:
        assert percent == 100


@given(st.decimals(min_value=0, max_value=999, places=2), st.booleans())
def test_completion_hours_synchronous_never_exceeds_education(hours, synchronous):
    education, sync = rules.completion_hours(education_hours=hours, synchronous=synchronous)
    assert education == hours
    assert sync == (hours if synchronous else Decimal("0"))
    assert sync <= education


def test_block_specs_read_raw_stream_data():
    raw = [
        {"type": "text", "value": "<p>Hi</p>", "id": "a"},
        {"type": "video", "value": {"title": "Intro", "required": True}, "id": "b"},
        {"type": "reflection_prompt", "value": {"prompt": "Why?", "required": False}, "id": "c"},
    ]
    assert rules.block_specs(raw) == [
        rules.BlockSpec("a", "text", False, ""),
        rules.BlockSpec("b", "video", True, "Intro"),
        rules.BlockSpec("c", "reflection_prompt", False, "Why?"),
    ]
    assert rules.block_specs(raw)[1].label == "Watch the video: Intro"


def test_video_source_embeds_youtube_and_vimeo_privately():
    youtube = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert rules.video_source("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3").url == youtube
    assert rules.video_source("https://youtu.be/dQw4w9WgXcQ").url == youtube
    assert rules.video_source("https://m.youtube.com/shorts/dQw4w9WgXcQ").url == youtube
    vimeo = rules.video_source("https://vimeo.com/76979871")
    assert (vimeo.kind, vimeo.url) == ("embed", "https://player.vimeo.com/video/76979871")


def test_video_source_plays_files_natively_and_links_anything_else():
    mp4 = rules.video_source("https://cdn.example.org/talk.MP4")
    assert (mp4.kind, mp4.mime_type) == ("file", "video/mp4")
    assert rules.video_source("https://example.org/a.webm").mime_type == "video/webm"
    assert rules.video_source("https://example.org/page").kind == "link"
    assert rules.video_source("javascript:alert(1)") == rules.VideoSource("unsupported", "")
    assert rules.video_source("https://www.youtube.com/watch?v=<script>").kind == "link"


@given(st.text(max_size=60))
def test_video_source_only_embeds_known_hosts(url):
    source = rules.video_source(url)
    if source.kind == "embed":
        assert source.url.startswith(
            ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")
        )
