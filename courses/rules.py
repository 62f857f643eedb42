"""Pure rules of module progress: plain data in, plain data out, no database.

Services use these to decide whether a module may be completed; selectors use the same
functions to explain to a trainee what is still missing, so the two never disagree.
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from courses.blocks import COMPLETABLE_BLOCK_TYPES

BLOCK_LABELS = {
    "video": "Watch the video",
    "resource": "Read the resource",
    "reflection_prompt": "Write your reflection",
    "activity": "Do the activity",
    "written_assignment": "Get your assignment passed",
    "recorded_session": "Get your performance evaluation passed",
    "quiz": "Pass the quiz",
}


@dataclass(frozen=True)
class BlockSpec:
    """What the rules need to know about one block of a module body."""

    block_id: str
    block_type: str
    required: bool
    title: str = ""

    @property
    def completable(self) -> bool:
        return self.block_type in COMPLETABLE_BLOCK_TYPES

    @property
    def counts_toward_completion(self) -> bool:
        return self.completable and self.required

    @property
    def label(self) -> str:
        action = BLOCK_LABELS.get(self.block_type, "Finish this part")
        return f"{action}: {self.title}" if self.title else action


def outstanding_blocks(blocks: list[BlockSpec], done_ids: set[str]) -> list[BlockSpec]:
    """Required, completable blocks not yet done, in page order."""
    return [b for b in blocks if b.counts_toward_completion and b.block_id not in done_ids]


def missing_requirements(
    *, blocks: list[BlockSpec], done_ids: set[str], synchronous: bool, attended: bool
) -> list[str]:
    """Plain-English list of what stops a module from being completed (empty: it may be)."""
    missing = [block.label for block in outstanding_blocks(blocks, done_ids)]
    if synchronous and not attended:
        missing.append("Attend a live session of this module (your trainer records attendance)")
    return missing


def progress_percent(done: int, total: int) -> int:
    """Whole-number percentage, never above 100; an empty programme counts as 0 % done."""
    if total <= 0:
        return 0
    return min(100, (max(done, 0) * 100) // total)


def completion_hours(*, education_hours: Decimal, synchronous: bool) -> tuple[Decimal, Decimal]:
    """(education hours, synchronous hours) a module earns; live modules earn both."""
    return education_hours, (education_hours if synchronous else Decimal("0"))


@dataclass(frozen=True)
class VideoSource:
    """How to show a video: an embeddable player, a native <video> file, or just a link."""

    kind: str  # "embed" | "file" | "link" | "unsupported" (not a web address: never linked)
    url: str
    mime_type: str = ""


_VIDEO_FILE_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


def video_source(url: str) -> VideoSource:
    """Turn a YouTube/Vimeo page address into its privacy-friendly embed address."""
    parsed = urlparse(url.strip())
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parsed.path
    if parsed.scheme not in ("http", "https"):
        return VideoSource("unsupported", "")
    video_id = ""
    if host == "youtu.be":
        video_id = path.strip("/").split("/")[0]
    elif host in ("youtube.com", "youtube-nocookie.com"):
        if path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        elif path.startswith(("/embed/", "/shorts/", "/live/")):
            video_id = path.split("/")[2] if len(path.split("/")) > 2 else ""
    if video_id and video_id.replace("-", "").replace("_", "").isalnum():
        return VideoSource("embed", f"https://www.youtube-nocookie.com/embed/{video_id}")
    if host in ("vimeo.com", "player.vimeo.com"):
        numeric = [part for part in path.split("/") if part.isdigit()]
        if numeric:
            return VideoSource("embed", f"https://player.vimeo.com/video/{numeric[0]}")
    for extension, mime_type in _VIDEO_FILE_TYPES.items():
        if path.lower().endswith(extension):
            return VideoSource("file", url.strip(), mime_type)
    return VideoSource("link", url.strip())


def block_specs(raw_blocks) -> list[BlockSpec]:
    """BlockSpecs from a StreamField's raw data (a list of {"type", "value", "id"} dicts)."""
    specs = []
    for raw in raw_blocks:
        value = raw.get("value")
        value = value if isinstance(value, dict) else {}
        title = value.get("title") or value.get("prompt") or ""
        if len(title) > 80:
            title = title[:79].rstrip() + "…"
        specs.append(
            BlockSpec(
                block_id=raw.get("id") or "",
                block_type=raw.get("type") or "",
                required=bool(value.get("required", False)),
                title=title,
            )
        )
    return specs
