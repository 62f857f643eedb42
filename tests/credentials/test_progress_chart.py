"""The cumulative hours chart: pure geometry, checked for any input with hypothesis."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credentials.charts import Box, cumulative, hours_chart, tick_step

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
amounts = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False)
dated_amounts = st.lists(st.tuples(dates, amounts), max_size=40)


def _line(series, until):
    chart = hours_chart([("Coaching", "#000", "none", series)], until=until)
    return chart, (chart.lines[0] if chart.lines else None)


@given(dated_amounts, dates)
def test_a_line_never_goes_down_and_ends_at_the_total(series, until):
    chart, line = _line(series, until)
    if not series:
        assert chart.is_empty
        return
    values = [point.value for point in line.points]
    assert values == sorted(values)
    assert values[0] == 0
    assert values[-1] == line.total == sum(amount for _, amount in series)
    # SVG y grows downwards: a rising total never moves the line down the screen.
    ys = [point.y for point in line.points]
    assert all(later <= earlier + 1e-9 for earlier, later in itertools.pairwise(ys))


@given(st.lists(dated_amounts, min_size=1, max_size=3), dates)
def test_every_point_and_tick_stays_inside_the_view_box(many_series, until):
    box = Box()
    chart = hours_chart(
        [(f"S{i}", "#000", "none", s) for i, s in enumerate(many_series)], until=until
    )
    for line in chart.lines:
        for point in line.points:
            assert box.left <= point.x <= box.right_edge
            assert box.top - 1e-9 <= point.y <= box.baseline
    for tick in chart.y_ticks:
        assert box.top - 1e-9 <= tick.position <= box.baseline
    for tick in chart.x_ticks:
        assert box.left <= tick.position <= box.right_edge


@given(dated_amounts)
def test_cumulative_totals_are_sorted_by_date_and_sum_up(series):
    totals = cumulative(series)
    assert [day for day, _ in totals] == sorted({day for day, _ in series})
    assert [value for _, value in totals] == sorted(value for _, value in totals)
    assert (totals[-1][1] if totals else 0) == sum(amount for _, amount in series)


@given(st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2))
def test_the_top_tick_covers_the_largest_total_with_a_round_step(maximum):
    step = tick_step(maximum)
    assert step.normalize().as_tuple().digits[0] in (1, 2, 5)
    assert step * 4 >= maximum / 2  # never so fine that dozens of ticks would crowd the axis
    assert step * 4 >= maximum or step * 10 >= maximum


def test_table_rows_give_the_running_totals_of_each_series_by_month():
    chart = hours_chart(
        [
            ("Coaching", "#000", "none", [(dt.date(2024, 1, 1), Decimal(5))]),
            ("Mentor", "#111", "4 4", [(dt.date(2024, 3, 1), Decimal(2))]),
        ],
        until=dt.date(2024, 6, 15),
    )
    assert [(row.month, row.values) for row in chart.rows] == [
        ("Jan 2024", (Decimal(5), Decimal(0))),
        ("Mar 2024", (Decimal(5), Decimal(2))),
    ]
    assert chart.lines[0].path.startswith("M")
    assert chart.y_ticks[0].label == "0"


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        cumulative([(dt.date(2024, 1, 1), Decimal(-1))])
