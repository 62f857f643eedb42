from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from courses.grading import rules
from courses.grading.rules import CriterionSpec, PassRule

CRITERIA = [
    CriterionSpec(1, 3, False, Decimal(1), "Agreements"),
    CriterionSpec(2, 3, True, Decimal(1), "Marker A"),
    CriterionSpec(3, 3, True, Decimal(1), "Marker B"),
    CriterionSpec(4, 1, False, Decimal(1), "Ethics"),
]


def test_pass_rule_names_each_shortfall():
    shortfalls = rules.pass_rule_shortfalls(
        criteria=CRITERIA,
        levels={1: "approaching", 4: "meets"},
        observed=set(),
        rule=PassRule("meets", 50),
    )
    assert shortfalls == [
        "Agreements: below “Meets”",
        "3 Establishes and Maintains Agreements: 0 of 2 markers observed, 50% needed",
    ]


def test_pass_rule_met():
    assert not rules.pass_rule_shortfalls(
        criteria=CRITERIA, levels={1: "meets", 4: "exceeds"}, observed={2}, rule=PassRule()
    )


def test_a_marker_also_missed_elsewhere_counts_as_observed():
    assert rules.observed_marker_ids([(2, False), (2, True), (3, False)]) == {2}


@given(
    levels=st.dictionaries(st.sampled_from([1, 4]), st.sampled_from([c for c, _ in rules.LEVELS])),
    observed=st.sets(st.sampled_from([2, 3])),
)
def test_weighted_percent_between_0_and_100_and_passes_need_no_shortfall(levels, observed):
    percent = rules.weighted_percent(CRITERIA, levels, observed)
    assert 0 <= percent <= 100
    tallies = rules.marker_tallies(CRITERIA, observed)
    assert sum(t.observed for t in tallies) == len(observed)
    shortfalls = rules.pass_rule_shortfalls(
        criteria=CRITERIA, levels=levels, observed=observed, rule=PassRule("meets", 50)
    )
    all_meet = all(rules.LEVEL_POINTS.get(levels.get(i), -1) >= 2 for i in (1, 4))
    assert (not shortfalls) == (all_meet and bool(observed))


def test_transcript_every_problem_names_its_line():
    text = (
        "[00:00:05] Coach: Hello.\n"
        "Client: Hi.\n"
        "Narrator: something\n"
        "[00:00:30] Client: More.\n"
        "[00:00:10] Coach: Back in time.\n"
        "[01:10:00] Client: Too late.\n"
    )
    lines, problems = rules.transcript_check(text, recording_seconds=1500)
    assert [p.split(":")[0] for p in problems] == ["Line 2", "Line 3", "Line 5", "Line 6"]
    assert "after the end of the recording (00:25:00)" in problems[-1]
    assert lines[0] == rules.TranscriptLine(1, "coach", 5, "Hello.")


def test_transcript_continuation_by_same_speaker_needs_no_stamp():
    lines, problems = rules.transcript_check(
        "00:00:01 Coach (Ann): Hi.\nCoach: still me\n[00:00:09] Client: Hello.",
        recording_seconds=60,
    )
    assert problems == []
    assert rules.line_start_seconds(lines, 2) == 1
    assert rules.line_start_seconds(lines, 3) == 9


@given(st.lists(st.integers(1, 50), min_size=1, unique=True), st.none() | st.integers(0, 60))
def test_round_robin_cycles_through_every_candidate(candidates, last):
    chosen = rules.round_robin_next(candidates, last)
    assert chosen in candidates
    seen, current = set(), last
    for _ in candidates:
        current = rules.round_robin_next(candidates, current)
        seen.add(current)
    assert seen == set(candidates)


def test_round_robin_without_candidates():
    assert rules.round_robin_next([], 3) is None


@given(st.lists(st.integers(0, 3), max_size=10), st.data())
def test_quiz_percent(correct, data):
    answers = data.draw(st.lists(st.none() | st.integers(0, 3), max_size=12))
    percent = rules.quiz_percent(correct, answers)
    assert 0 <= percent <= 100
    assert rules.quiz_percent(correct, correct) == (100 if correct else 0)


def test_duration_range():
    assert rules.duration_problem(25 * 60, min_minutes=20, max_minutes=60) == ""
    assert "00:19:59 long" in rules.duration_problem(1199, min_minutes=20, max_minutes=60)
