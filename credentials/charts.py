"""Server-rendered SVG charts: pure functions from dated amounts to coordinates and path data.

Nothing here touches the database or the request. The progress page passes in hours per month
and gets back everything its template needs to draw an inline <svg> (no JavaScript) and a text
equivalent: one line per series, axis ticks and the cumulative numbers as table rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from credentials.engine import MONTH_NAMES, add_calendar_months

ZERO = Decimal(0)


@dataclass(frozen=True)
class Box:
    """The viewBox and the margins kept free for axis labels."""

    width: int = 640
    height: int = 280
    left: int = 52
    right: int = 32
    top: int = 16
    bottom: int = 36

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def right_edge(self) -> int:
        return self.width - self.right

    @property
    def baseline(self) -> int:
        return self.height - self.bottom


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Decimal  # the cumulative amount the point stands for


@dataclass(frozen=True)
class Line:
    name: str
    stroke: str
    dash: str  # stroke-dasharray: lines differ by more than colour
    points: tuple[Point, ...]
    total: Decimal

    @property
    def path(self) -> str:
        """SVG path data: move to the first point, then straight segments."""
        commands = [
            f"{'M' if index == 0 else 'L'}{point.x:.1f} {point.y:.1f}"
            for index, point in enumerate(self.points)
        ]
        return " ".join(commands)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class TableRow:
    month: str
    values: tuple[Decimal, ...]


@dataclass(frozen=True)
class Chart:
    box: Box
    lines: tuple[Line, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    rows: tuple[TableRow, ...]

    @property
    def is_empty(self) -> bool:
        return not self.rows


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_label(day: dt.date) -> str:
    return f"{MONTH_NAMES[day.month - 1][:3]} {day.year}"


def cumulative(amounts: Iterable[tuple[dt.date, Decimal]]) -> list[tuple[dt.date, Decimal]]:
    """Running totals by date: one entry per distinct date, in date order, never decreasing."""
    by_date: dict[dt.date, Decimal] = {}
    for day, amount in amounts:
        if amount < 0:
            raise ValueError(f"An amount cannot be negative (got {amount} on {day}).")
        by_date[day] = by_date.get(day, ZERO) + amount
    running = ZERO
    totals = []
    for day in sorted(by_date):
        running += by_date[day]
        totals.append((day, running))
    return totals


def tick_step(maximum: Decimal, *, target_ticks: int = 4) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `target_ticks` ticks."""
    if maximum <= 0:
        return Decimal(1)
    raw = maximum / target_ticks
    magnitude = Decimal(10) ** raw.adjusted()
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        step = magnitude * factor
        if step >= raw:
            return step
    return magnitude * 10  # unreachable: factor 10 always reaches raw


def _number_label(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))


def hours_chart(
    series: Sequence[tuple[str, str, str, Iterable[tuple[dt.date, Decimal]]]],
    *,
    until: dt.date,
    box: Box | None = None,
) -> Chart:
    """Cumulative lines, one per (name, stroke, dash, amounts by date), up to `until`.

    Each line starts at 0 on the first dated amount of any series and ends at its total on
    `until` (or on its last date, if later), so every line is non-decreasing and inside the box.
    """
    box = box or Box()
    totals_by_series = [
        (name, stroke, dash, cumulative(amounts)) for name, stroke, dash, amounts in series
    ]
    days = sorted({day for *_, totals in totals_by_series for day, _ in totals})
    if not days:
        return Chart(box=box, lines=(), x_ticks=(), y_ticks=(), rows=())
    first = days[0]
    last = max(days[-1], until)
    span_days = max((last - first).days, 1)
    top_total = max((totals[-1][1] for *_, totals in totals_by_series if totals), default=ZERO)
    step = tick_step(top_total)
    top_value = step * max(math.ceil(top_total / step), 1)  # the first tick at or above it

    def x_of(day: dt.date) -> float:
        return box.left + box.plot_width * (day - first).days / span_days

    def y_of(value: Decimal) -> float:
        return box.baseline - box.plot_height * float(value / top_value)

    lines = []
    for name, stroke, dash, totals in totals_by_series:
        points = [Point(x_of(first), y_of(ZERO), ZERO)]
        points += [Point(x_of(day), y_of(value), value) for day, value in totals]
        total = totals[-1][1] if totals else ZERO
        points.append(Point(x_of(last), y_of(total), total))
        lines.append(Line(name, stroke, dash, tuple(points), total))

    y_ticks = []
    value = ZERO
    while value <= top_value:
        y_ticks.append(Tick(y_of(value), _number_label(value)))
        value += step

    months = []
    month = month_start(first)
    while month <= last:
        months.append(month)
        month = add_calendar_months(month, 1)
    every = math.ceil(len(months) / 6)  # at most six labels, so they never overlap
    x_ticks = [Tick(x_of(max(month, first)), month_label(month)) for month in months[::every]]

    rows = []
    for day in days:
        values = tuple(
            next((value for when, value in reversed(totals) if when <= day), ZERO)
            for *_, totals in totals_by_series
        )
        rows.append(TableRow(month_label(day), values))
    return Chart(
        box=box,
        lines=tuple(lines),
        x_ticks=tuple(x_ticks),
        y_ticks=tuple(y_ticks),
        rows=tuple(rows),
    )
