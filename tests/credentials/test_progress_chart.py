"""The hours-by-month chart: pure geometry checked with hypothesis, and the page's SVG against
its own table and the counting rules."""

import datetime as dt
import math
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from credentials.charts import Box, hours_chart, shown_by_month, tick_step
from credentials.models import CoachingLogEntry, Engagement
from tests.factories.people import make_trainee

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
amounts = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False)
dated_amounts = st.lists(st.tuples(dates, amounts), max_size=40)


def _series(many):
    return [(f"S{index}", "#000", "none", amounts) for index, amounts in enumerate(many)]


@given(st.lists(dated_amounts, min_size=1, max_size=3), dates)
def test_every_month_has_a_bar_per_series_drawn_from_the_table(many_series, until):
    box = Box()
    chart = hours_chart(_series(many_series), until=until, box=box)
    if not any(amount for series in many_series for _, amount in series):
        assert chart.is_empty
        return
    top_value = Decimal(chart.y_ticks[-1].label)
    for index, series in enumerate(chart.series):
        assert [bar.month for bar in series.bars] == [row.month for row in chart.rows]
        assert [bar.value for bar in series.bars] == [row.values[index] for row in chart.rows]
        assert series.total == sum(row.values[index] for row in chart.rows)
        for bar in series.bars:
            assert bar.height == pytest.approx(box.plot_height * float(bar.value / top_value))
            assert bar.y + bar.height == pytest.approx(box.baseline)  # every bar stands on 0
            assert box.left <= bar.x and bar.x + bar.width <= box.right_edge + 1e-9
            assert bar.y >= box.top - 1e-9
    for tick in chart.y_ticks:
        assert box.top - 1e-9 <= tick.position <= box.baseline
    for tick in chart.x_ticks:
        assert box.left <= tick.position <= box.right_edge


@given(st.lists(dated_amounts, min_size=1, max_size=3), dates)
def test_the_months_run_without_gaps_from_the_first_with_hours_to_the_as_of_month(
    many_series, until
):
    chart = hours_chart(_series(many_series), until=until)
    months_with_hours = {day.replace(day=1) for s in many_series for day, amount in s if amount}
    if not months_with_hours:
        return
    last = max(max(months_with_hours), until.replace(day=1))
    first = min(months_with_hours)
    expected = (last.year - first.year) * 12 + last.month - first.month + 1
    assert len(chart.rows) == expected
    assert chart.rows[0].month == f"{first:%b %Y}"
    assert chart.rows[-1].month == f"{last:%b %Y}"


@given(st.lists(st.tuples(dates, st.fractions(min_value=0, max_value=100)), max_size=30))
def test_months_are_shown_to_the_cent_and_add_up_to_the_total_shown(amounts):
    shown = shown_by_month(amounts)
    total = sum((Fraction(amount) for _, amount in amounts), Fraction(0))
    # The running total is rounded half up, so the months add up to the total rounded so.
    total_shown = Decimal(math.floor(total * 100 + Fraction(1, 2))).scaleb(-2)
    assert sum(shown.values(), Decimal(0)) == total_shown
    assert all(value >= 0 and value == value.quantize(Decimal("0.01")) for value in shown.values())


@given(st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2))
def test_the_top_tick_covers_the_largest_amount_with_a_round_step(maximum):
    step = tick_step(maximum)
    assert step.normalize().as_tuple().digits[0] in (1, 2, 5)
    assert step * 4 >= maximum / 2  # never so fine that dozens of ticks would crowd the axis
    assert step * 4 >= maximum or step * 10 >= maximum


def test_a_month_without_hours_is_drawn_at_zero_not_on_a_line_to_the_next():
    chart = hours_chart(
        [
            ("Coaching", "#000", "none", [(dt.date(2024, 4, 20), Decimal(104))]),
            ("Mentor", "#111", "#222", [(dt.date(2024, 1, 5), Decimal(2))]),
        ],
        until=dt.date(2024, 4, 30),
    )
    assert [(row.month, row.values) for row in chart.rows] == [
        ("Jan 2024", (Decimal(0), Decimal(2))),
        ("Feb 2024", (Decimal(0), Decimal(0))),
        ("Mar 2024", (Decimal(0), Decimal(0))),
        ("Apr 2024", (Decimal(104), Decimal(0))),
    ]
    assert [bar.height for bar in chart.series[0].bars[:3]] == [0, 0, 0]
    assert chart.series[0].bars[3].height == pytest.approx(Box().plot_height * 104 / 150)


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        shown_by_month([(dt.date(2024, 1, 1), Decimal(-1))])


# --- the page ---------------------------------------------------------------------------------

BAR = re.compile(
    r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)">'
    r"<title>(\w+ \d{4}): ([\d.]+)</title></rect>"
)
Y_TICK = re.compile(r'<text x="\d+" y="([\d.]+)" text-anchor="end"[^>]*>([\d.]+)</text>')
TABLE_ROW = re.compile(r'<tr><th scope="row">(\w+ \d{4})</th><td class="num">([\d.]+)</td>')


def log(trainee, start, end, paid, *, client="Ann", group_size=None):
    CoachingLogEntry.objects.create(
        trainee=trainee,
        client_name=client,
        engagement=Engagement.GROUP if group_size else Engagement.INDIVIDUAL,
        group_size=group_size,
        start_date=start,
        end_date=end,
        paid_hours=Decimal(paid),
    )


@pytest.mark.django_db
def test_the_page_draws_the_counted_hours_its_table_lists(client):
    trainee = make_trainee(training_start=dt.date(2024, 1, 15))
    log(trainee, dt.date(2023, 12, 1), dt.date(2023, 12, 31), 30, client="Before")
    log(trainee, dt.date(2024, 1, 10), dt.date(2024, 1, 19), 10)  # 5 of its 10 days count
    log(trainee, dt.date(2024, 2, 5), dt.date(2024, 2, 5), 6, client="Big team", group_size=20)
    log(trainee, dt.date(2024, 4, 28), dt.date(2024, 5, 3), 12, client="Bo")  # 3 days in each
    log(trainee, dt.date(2024, 6, 20), dt.date(2024, 6, 20), 104, client="Cy")
    client.force_login(trainee)
    html = client.get(reverse("credentials:progress")).content.decode()

    table = TABLE_ROW.findall(html)
    assert table[:7] == [
        ("Jan 2024", "5"),
        ("Feb 2024", "0"),
        ("Mar 2024", "0"),
        ("Apr 2024", "6"),
        ("May 2024", "6"),
        ("Jun 2024", "104"),
        ("Jul 2024", "0"),
    ]
    assert "Dec 2023" not in html  # the row before the training start counts nowhere

    box = Box()
    ticks = [(float(y), float(label)) for y, label in Y_TICK.findall(html)]
    top_y, top_label = min(ticks)
    hours_per_unit = top_label / (box.baseline - top_y)
    coaching_bars = BAR.findall(html)[: len(table)]  # the first series is the coaching one
    assert [(month, value) for *_, month, value in coaching_bars] == table
    for _x, y, _width, height, _month, value in coaching_bars:
        assert float(height) * hours_per_unit == pytest.approx(float(value), abs=0.05)
        assert float(y) + float(height) == pytest.approx(box.baseline, abs=0.01)
    assert float(coaching_bars[1][3]) == 0  # February: drawn at 0
    xs = [float(bar[0]) for bar in coaching_bars]
    assert xs == sorted(xs)
