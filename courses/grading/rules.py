"""Pure rules of grading: rubric pass rules, marker tallies, transcript checks, quiz scores,
allocation. Plain data in, plain data out, no database, so they are tested exhaustively."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

# The rubric scale, lowest first; points are what a level adds to the weighted score.
LEVELS = (
    ("not_yet", "Not yet"),
    ("approaching", "Approaching"),
    ("meets", "Meets"),
    ("exceeds", "Exceeds"),
)
LEVEL_POINTS = {code: points for points, (code, _label) in enumerate(LEVELS)}
LEVEL_LABELS = dict(LEVELS)
MAX_POINTS = max(LEVEL_POINTS.values())

COMPETENCIES = {
    0: "General",
    1: "1 Demonstrates Ethical Practice",
    2: "2 Embodies a Coaching Mindset",
    3: "3 Establishes and Maintains Agreements",
    4: "4 Cultivates Trust and Safety",
    5: "5 Maintains Presence",
    6: "6 Listens Actively",
    7: "7 Evokes Awareness",
    8: "8 Facilitates Client Growth",
}


@dataclass(frozen=True)
class CriterionSpec:
    """One rubric criterion: scored on the level scale, or a marker observed or not."""

    id: int
    competency: int
    is_marker: bool
    weight: Decimal = Decimal("1")
    title: str = ""


@dataclass(frozen=True)
class PassRule:
    min_level: str = "meets"
    min_marker_percent: int = 50


@dataclass(frozen=True)
class MarkerTally:
    competency: int
    observed: int
    total: int

    @property
    def percent(self) -> int:
        return (self.observed * 100) // self.total if self.total else 100


def observed_marker_ids(observations: Iterable[tuple[int, bool]]) -> set[int]:
    """Markers observed at least once; a marker also missed elsewhere in the session still
    counts as observed (the assessor saw it)."""
    return {criterion_id for criterion_id, observed in observations if observed}


def marker_tallies(criteria: Sequence[CriterionSpec], observed: set[int]) -> list[MarkerTally]:
    """Per competency with markers: how many of its markers were observed."""
    totals: dict[int, list[int]] = {}
    for criterion in criteria:
        if criterion.is_marker:
            counts = totals.setdefault(criterion.competency, [0, 0])
            counts[1] += 1
            counts[0] += criterion.id in observed
    return [MarkerTally(c, seen, total) for c, (seen, total) in sorted(totals.items())]


def unscored_criteria(criteria: Sequence[CriterionSpec], levels: dict[int, str]) -> list[str]:
    return [
        criterion.title
        for criterion in criteria
        if not criterion.is_marker and levels.get(criterion.id) not in LEVEL_POINTS
    ]


def pass_rule_shortfalls(
    *,
    criteria: Sequence[CriterionSpec],
    levels: dict[int, str],
    observed: set[int],
    rule: PassRule,
) -> list[str]:
    """Why this grade does not meet the pass rule (empty: it does)."""
    shortfalls = []
    floor = LEVEL_POINTS[rule.min_level]
    for criterion in criteria:
        if criterion.is_marker:
            continue
        level = levels.get(criterion.id)
        if level not in LEVEL_POINTS or LEVEL_POINTS[level] < floor:
            shortfalls.append(
                f"{criterion.title}: below “{LEVEL_LABELS[rule.min_level]}”"
                if level in LEVEL_POINTS
                else f"{criterion.title}: not scored"
            )
    for tally in marker_tallies(criteria, observed):
        if tally.percent < rule.min_marker_percent:
            shortfalls.append(
                f"{COMPETENCIES.get(tally.competency, tally.competency)}: {tally.observed} of "
                f"{tally.total} markers observed, {rule.min_marker_percent}% needed"
            )
    return shortfalls


def weighted_percent(
    criteria: Sequence[CriterionSpec], levels: dict[int, str], observed: set[int]
) -> int:
    """A whole-number percentage: level criteria by their points, markers as all or nothing."""
    earned = possible = Decimal("0")
    for criterion in criteria:
        possible += criterion.weight
        if criterion.is_marker:
            earned += criterion.weight if criterion.id in observed else 0
        elif levels.get(criterion.id) in LEVEL_POINTS:
            earned += criterion.weight * LEVEL_POINTS[levels[criterion.id]] / MAX_POINTS
    return int(earned * 100 / possible) if possible else 0


# Transcripts -------------------------------------------------------------------------------

SPEAKERS = ("coach", "client")
_LINE = re.compile(
    r"^\s*(?:\[?(?P<stamp>(?:\d{1,2}:)?\d{1,2}:\d{2})\]?\s*[-–]?\s*)?"
    r"(?P<speaker>[A-Za-z]+)(?:\s*\([^)]*\))?\s*:\s*(?P<text>.*)$"
)


@dataclass(frozen=True)
class TranscriptLine:
    number: int
    speaker: str
    seconds: int | None
    text: str


def stamp_seconds(stamp: str) -> int:
    seconds = 0
    for part in stamp.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def transcript_check(
    text: str, *, recording_seconds: float | None
) -> tuple[list[TranscriptLine], list[str]]:
    """Lines of a transcript and every problem with it, each naming its line.

    Each non-empty line names its speaker (Coach or Client, optionally with a first name in
    brackets); a line where the speaker changes, and the first line, carries a time stamp
    within the recording, and time stamps never go backwards.
    """
    lines: list[TranscriptLine] = []
    problems: list[str] = []
    previous_speaker = None
    previous_seconds = -1
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _LINE.match(raw)
        speaker = match["speaker"].lower() if match else ""
        if speaker not in SPEAKERS:
            problems.append(
                f"Line {number}: start it with the speaker, “Coach:” or “Client:”, "
                "after its time stamp."
            )
            continue
        seconds = stamp_seconds(match["stamp"]) if match["stamp"] else None
        if seconds is None and speaker != previous_speaker:
            problems.append(
                f"Line {number}: the speaker changes here, so the line needs a time stamp "
                "such as [00:01:23]."
            )
        if seconds is not None:
            if recording_seconds is not None and seconds > recording_seconds:
                problems.append(
                    f"Line {number}: the time stamp {clock(seconds)} is after the end of the "
                    f"recording ({clock(recording_seconds)})."
                )
            elif seconds < previous_seconds:
                problems.append(
                    f"Line {number}: the time stamp {clock(seconds)} is earlier than the one "
                    "before it."
                )
            previous_seconds = max(previous_seconds, seconds)
        lines.append(TranscriptLine(number, speaker, seconds, match["text"].strip()))
        previous_speaker = speaker
    if not lines and not problems:
        problems.append("The transcript is empty.")
    return lines, problems


def line_start_seconds(lines: Sequence[TranscriptLine], number: int) -> int:
    """Where a line starts in the recording: its own time stamp, or the last one before it."""
    seconds = 0
    for line in lines:
        if line.number > number:
            break
        if line.seconds is not None:
            seconds = line.seconds
    return seconds


def duration_problem(seconds: float, *, min_minutes: int, max_minutes: int) -> str:
    if not min_minutes * 60 <= seconds <= max_minutes * 60:
        return (
            f"The recording is {clock(seconds)} long; this assignment takes recordings of "
            f"{min_minutes} to {max_minutes} minutes."
        )
    return ""


# Quizzes, queue and allocation -------------------------------------------------------------


def quiz_percent(correct: Sequence[int], answers: Sequence[int | None]) -> int:
    """Share of questions answered right, as a whole-number percentage."""
    if not correct:
        return 0
    right = sum(
        1
        for index, answer in enumerate(correct)
        if index < len(answers) and answers[index] == answer
    )
    return right * 100 // len(correct)


def is_overdue(submitted_at: datetime | None, now: datetime, turnaround_days: int) -> bool:
    return submitted_at is not None and now - submitted_at > timedelta(days=turnaround_days)


def round_robin_next(candidates: Sequence[int], last: int | None) -> int | None:
    """The next assessor after `last` among `candidates` (ids), in id order, wrapping round."""
    ordered = sorted(set(candidates))
    if not ordered:
        return None
    for candidate in ordered:
        if last is None or candidate > last:
            return candidate
    return ordered[0]
