"""Server-rendered SVG charts: pure functions from dated amounts to bar coordinates.

Nothing here touches the database or the request. The progress page passes in hours by date
and gets back everything its template needs to draw an inline <svg> (no JavaScript) and a text
equivalent: a bar per month and series, axis ticks and the same numbers as table rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.html import format_html_join

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
class Bar:
    """One month of one series: a rectangle standing on the baseline."""

    x: float
    y: float
    width: float
    height: float
    month: str
    value: Decimal


@dataclass(frozen=True)
class Series:
    name: str
    fill: str
    outline: str  # series differ by more than colour: one solid, one outlined
    bars: tuple[Bar, ...]
    total: Decimal

    @property
    def svg_bars(self) -> str:
        """The bars as SVG <rect>s, each titled with its month and hours.

        Built here rather than in the template: a long log's chart has a bar per month and
        series, and the template's per-attribute filters were a large part of the page's time.
        """
        return format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
            (
                (
                    f"{bar.x:.2f}",
                    f"{bar.y:.2f}",
                    f"{bar.width:.2f}",
                    f"{bar.height:.2f}",
                    bar.month,
                    _hours_text(bar.value),
                )
                for bar in self.bars
            ),
        )


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
    series: tuple[Series, ...]
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


def _nearest_cent(value: Fraction) -> Decimal:
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2)


def shown_by_month(amounts: Iterable[tuple[dt.date, Decimal | Fraction]]) -> dict[dt.date, Decimal]:
    """Amounts summed per month (keyed by its first day) and shown to the cent.

    The running total is rounded, not each month, so the months shown add up to the total shown.
    """
    by_month: dict[dt.date, Fraction] = {}
    for day, amount in amounts:
        if amount < 0:
            raise ValueError(f"An amount cannot be negative (got {amount} on {day}).")
        month = month_start(day)
        by_month[month] = by_month.get(month, Fraction(0)) + Fraction(amount)
    shown: dict[dt.date, Decimal] = {}
    running, shown_so_far = Fraction(0), ZERO
    for month in sorted(by_month):
        running += by_month[month]
        shown[month] = _nearest_cent(running) - shown_so_far
        shown_so_far += shown[month]
    return shown


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


def _hours_text(value: Decimal) -> str:
    """As the template's floatformat:"-2" shows it (the table): 104, 5.50."""
    text = f"{value:.2f}"
    return text.removesuffix(".00")


def _number_label(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))


def hours_chart(
    series: Sequence[tuple[str, str, str, Iterable[tuple[dt.date, Decimal | Fraction]]]],
    *,
    until: dt.date,
    box: Box | None = None,
) -> Chart:
    """Hours per month as bars, one series per (name, fill, outline, amounts by date).

    Every month from the first with any hours to `until`'s (or the last with hours, if later)
    has a bar per series, a month without hours a bar of height 0, and a row in the table; the
    bars and the table are drawn from the same amounts.
    """
    box = box or Box()
    shown = [
        (name, fill, outline, shown_by_month(amounts)) for name, fill, outline, amounts in series
    ]
    with_hours = sorted(
        {month for *_, by_month in shown for month, value in by_month.items() if value}
    )
    if not with_hours:
        return Chart(box=box, series=(), x_ticks=(), y_ticks=(), rows=())
    months = [with_hours[0]]
    while months[-1] < max(with_hours[-1], month_start(until)):
        months.append(add_calendar_months(months[-1], 1))
    top_amount = max(value for *_, by_month in shown for value in by_month.values())
    step = tick_step(top_amount)
    top_value = step * max(math.ceil(top_amount / step), 1)  # the first tick at or above it
    slot = box.plot_width / len(months)
    bar_width = slot * 0.8 / len(shown)

    def height_of(value: Decimal) -> float:
        return box.plot_height * float(value / top_value)

    drawn = []
    for index, (name, fill, outline, by_month) in enumerate(shown):
        bars = []
        for position, month in enumerate(months):
            value = by_month.get(month, ZERO)
            height = height_of(value)
            bars.append(
                Bar(
                    x=box.left + slot * (position + 0.1) + bar_width * index,
                    y=box.baseline - height,
                    width=bar_width,
                    height=height,
                    month=month_label(month),
                    value=value,
                )
            )
        drawn.append(Series(name, fill, outline, tuple(bars), sum(by_month.values(), ZERO)))

    y_ticks = []
    value = ZERO
    while value <= top_value:
        y_ticks.append(Tick(box.baseline - height_of(value), _number_label(value)))
        value += step

    every = math.ceil(len(months) / 6)  # at most six labels, so they never overlap
    x_ticks = [
        Tick(box.left + slot * (position + 0.5), month_label(month))
        for position, month in list(enumerate(months))[::every]
    ]
    rows = [
        TableRow(bar.month, tuple(s.bars[position].value for s in drawn))
        for position, bar in enumerate(drawn[0].bars)
    ]
    return Chart(
        box=box,
        series=tuple(drawn),
        x_ticks=tuple(x_ticks),
        y_ticks=tuple(y_ticks),
        rows=tuple(rows),
    )
