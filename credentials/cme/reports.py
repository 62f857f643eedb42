"""Pure aggregation for the CME office's activity reports, and the before/after chart.

Plain data in, plain data out; no ORM. `report_selectors` reads the rows; the page draws the
chart as inline SVG from the coordinates computed here, with a table that says the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SCALE_LOW, SCALE_HIGH = 1, 5  # evaluation answers run from 1 to 5
CENT = Decimal("0.01")
NO_PROGRAMME = "Not part of a programme"


@dataclass(frozen=True)
class EvaluationAnswers:
    """One learner's evaluation of one activity: the numbers the report uses."""

    confidence_before: int
    confidence_after: int
    intends_change: bool
    wellbeing_before: int | None = None
    wellbeing_after: int | None = None


@dataclass(frozen=True)
class Change:
    """Mean answers before and after, over `count` evaluations (rounded to 0.01)."""

    count: int
    mean_before: Decimal
    mean_after: Decimal

    @property
    def change(self) -> Decimal:
        return self.mean_after - self.mean_before


@dataclass(frozen=True)
class EvaluationSummary:
    evaluations: int
    intends_change: int
    confidence: Change | None
    wellbeing: Change | None


@dataclass(frozen=True)
class GroupReport:
    """An activity, or a programme (its activities together)."""

    key: str
    label: str
    completions: int
    credits: Mapping[str, Decimal]  # credit type name → credits claimed
    claims: int
    evaluation: EvaluationSummary
    activities: tuple[str, ...] = field(default=())


def _mean(values: Sequence[int]) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def mean_change(pairs: Iterable[tuple[int, int]]) -> Change | None:
    """None when there is no pair: 'no answers' is not 'no change'."""
    pairs = list(pairs)
    if not pairs:
        return None
    return Change(
        count=len(pairs),
        mean_before=_mean([before for before, _ in pairs]),
        mean_after=_mean([after for _, after in pairs]),
    )


def summarise_evaluations(answers: Iterable[EvaluationAnswers]) -> EvaluationSummary:
    answers = list(answers)
    return EvaluationSummary(
        evaluations=len(answers),
        intends_change=sum(answer.intends_change for answer in answers),
        confidence=mean_change((a.confidence_before, a.confidence_after) for a in answers),
        # Only evaluations that asked the wellbeing question answer it.
        wellbeing=mean_change(
            (a.wellbeing_before, a.wellbeing_after)
            for a in answers
            if a.wellbeing_before is not None and a.wellbeing_after is not None
        ),
    )


@dataclass(frozen=True)
class ActivityFacts:
    """What the database says of one activity."""

    code: str
    title: str
    programme: str  # NO_PROGRAMME when the activity belongs to none
    completions: int
    credits: Mapping[str, Decimal]
    claims: int
    answers: tuple[EvaluationAnswers, ...]


def activity_reports(facts: Iterable[ActivityFacts]) -> list[GroupReport]:
    return [
        GroupReport(
            key=fact.code,
            label=f"{fact.title} ({fact.code})",
            completions=fact.completions,
            credits=dict(fact.credits),
            claims=fact.claims,
            evaluation=summarise_evaluations(fact.answers),
        )
        for fact in facts
    ]


def programme_reports(facts: Iterable[ActivityFacts]) -> list[GroupReport]:
    """One report per programme, pooling its activities' evaluations (not averaging their
    averages), in programme name order with the activities of no programme last."""
    grouped: dict[str, list[ActivityFacts]] = defaultdict(list)
    for fact in facts:
        grouped[fact.programme].append(fact)
    reports = []
    for programme in sorted(grouped, key=lambda name: (name == NO_PROGRAMME, name)):
        members = grouped[programme]
        credits: dict[str, Decimal] = defaultdict(Decimal)
        for fact in members:
            for name, amount in fact.credits.items():
                credits[name] += amount
        reports.append(
            GroupReport(
                key=programme,
                label=programme,
                completions=sum(fact.completions for fact in members),
                credits=dict(credits),
                claims=sum(fact.claims for fact in members),
                evaluation=summarise_evaluations(
                    answer for fact in members for answer in fact.answers
                ),
                activities=tuple(fact.code for fact in members),
            )
        )
    return reports


# --- The before/after chart --------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    label: str
    y: float
    x_before: float
    x_after: float
    change: Change


@dataclass(frozen=True)
class ChangeTick:
    x: float
    label: str


@dataclass(frozen=True)
class ChangeChart:
    """One row per group: a hollow dot at the mean before, a filled dot at the mean after."""

    width: int
    height: int
    left: int
    right_edge: int
    top: int
    baseline: int
    rows: tuple[ChangeRow, ...]
    ticks: tuple[ChangeTick, ...]

    @property
    def is_empty(self) -> bool:
        return not self.rows


ROW_HEIGHT = 28


def change_chart(
    groups: Sequence[tuple[str, Change | None]],
    *,
    width: int = 640,
    left: int = 200,
    right: int = 24,
    top: int = 12,
    bottom: int = 32,
) -> ChangeChart:
    """Rows for the groups that have answers, on the 1 to 5 scale; groups without are left out
    of the chart (the table says they have none)."""
    answered = [(label, change) for label, change in groups if change is not None]
    plot_width = width - left - right
    height = top + ROW_HEIGHT * len(answered) + bottom

    def x_of(value: Decimal | int) -> float:
        return left + plot_width * float(Decimal(value) - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW)

    rows = tuple(
        ChangeRow(
            label=label,
            y=top + ROW_HEIGHT * index + ROW_HEIGHT / 2,
            x_before=x_of(change.mean_before),
            x_after=x_of(change.mean_after),
            change=change,
        )
        for index, (label, change) in enumerate(answered)
    )
    ticks = tuple(
        ChangeTick(x=x_of(value), label=str(value)) for value in range(SCALE_LOW, SCALE_HIGH + 1)
    )
    return ChangeChart(
        width=width,
        height=height,
        left=left,
        right_edge=width - right,
        top=top,
        baseline=height - bottom,
        rows=rows,
        ticks=ticks,
    )
