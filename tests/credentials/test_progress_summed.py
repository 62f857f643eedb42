"""The coaching log summed by the database gives the evaluation of every row read one by one.

`selectors.trainee_records` (the progress page, `credential_status`) has the database sum the
rows that lie wholly inside or outside every window and reads only the rows a window cuts;
`selectors.trainee_records_by_id` (the nightly batch) reads every row. For random logs, windows
and as-of dates, both must give identical evaluations.
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials import engine, selectors
from credentials.models import CoachingLogEntry, Engagement
from credentials.pathway_defaults import ACC, MCC, PCC
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

FIRST_DAY = dt.date(2022, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
# Keys that differ only in case and spacing are one client to the engine, not to the database.
client_names = st.sampled_from(["Ann", "ann ", "ANN", "Bob", "Cy Lee", "cy  lee", "Team A"])
# Either side of the coaching-group limits drawn below; 0 hours on some rows (bulk imports).
hours = st.sampled_from([Decimal(0), Decimal("0.25"), Decimal("1.50"), Decimal(1), Decimal(7)])


@st.composite
def log_rows(draw):
    group_size = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=18)))
    start = draw(days)
    return {
        "client_name": draw(client_names),
        "engagement": Engagement.INDIVIDUAL if group_size is None else Engagement.GROUP,
        "group_size": group_size,
        "start_date": start,
        "end_date": start + dt.timedelta(days=draw(st.sampled_from([0, 0, 1, 4, 30, 200]))),
        "paid_hours": draw(hours),
        "pro_bono_hours": draw(hours),
    }


logs = st.lists(
    log_rows(),
    max_size=25,
    unique_by=lambda row: (
        row["client_name"],
        row["engagement"],
        row["start_date"],
        row["end_date"],
    ),
)


@st.composite
def pathway_rules(draw) -> engine.PathwayRules:
    return replace(
        draw(st.sampled_from([ACC, PCC, MCC])),
        recency_window_months=draw(st.sampled_from([0, 1, 18, 30])),
        max_coaching_group_size=draw(st.sampled_from([1, 6, 15])),
    )


@pytest.fixture
def trainee():
    return make_trainee()


def with_log(trainee, rows, training_start):
    CoachingLogEntry.objects.filter(trainee=trainee).delete()
    CoachingLogEntry.objects.bulk_create(CoachingLogEntry(trainee=trainee, **row) for row in rows)
    trainee.training_start = training_start  # the selectors read it from the instance
    return trainee


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=logs,
    training_start=st.one_of(st.none(), days),
    as_of=st.dates(min_value=FIRST_DAY, max_value=LAST_DAY + dt.timedelta(days=60)),
    rules=pathway_rules(),
)
def test_summed_and_row_by_row_inputs_give_the_same_evaluation(
    trainee, rows, training_start, as_of, rules
):
    with_log(trainee, rows, training_start)
    every_row = selectors.trainee_records_by_id(trainees=[trainee])[trainee.pk]
    summed = selectors.trainee_records(trainee=trainee, rules=rules, as_of=as_of)
    assert engine.evaluate(rules, summed, as_of) == engine.evaluate(rules, every_row, as_of)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=logs, training_start=days, as_of=days, rules=pathway_rules())
def test_the_chart_counts_exactly_the_hours_the_evaluation_counts(
    trainee, rows, training_start, as_of, rules
):
    with_log(trainee, rows, training_start)
    by_month = selectors.coaching_hours_by_month(trainee=trainee, rules=rules, as_of=as_of)
    records = selectors.trainee_records_by_id(trainees=[trainee])[trainee.pk]
    counted = engine._tally_coaching(rules, records, training_start, as_of).hours
    assert sum(by_month.values()) == counted
    assert all(training_start.replace(day=1) <= month <= as_of for month in by_month)


def test_a_long_log_becomes_one_input_per_client_and_window(trainee):
    """5,000 rows of 40 clients, all inside the windows: the engine gets sums, not rows."""
    trainee.training_start = dt.date(2012, 1, 1)
    CoachingLogEntry.objects.bulk_create(
        CoachingLogEntry(
            trainee=trainee,
            client_name=f"Client {index % 40}",
            start_date=dt.date(2012, 1, 1) + dt.timedelta(days=index),
            end_date=dt.date(2012, 1, 1) + dt.timedelta(days=index),
            paid_hours=Decimal(1),
        )
        for index in range(5000)
    )
    as_of = dt.date(2026, 1, 1)
    records = selectors.trainee_records(trainee=trainee, rules=ACC, as_of=as_of)
    assert records.engagements == ()  # no row is cut by a window
    assert len(records.coaching_sums) <= 2 * 40  # per client, before and inside the window
    assert engine.evaluate(ACC, records, as_of).result("experience_hours").achieved == 5000


def ten_days(client_name, start, paid_hours):
    return {
        "client_name": client_name,
        "start_date": start,
        "end_date": start + dt.timedelta(days=9),
        "paid_hours": Decimal(paid_hours),
    }


def test_a_row_cut_by_the_recency_window_is_read_on_its_own(trainee):
    as_of = dt.date(2025, 6, 30)  # the recency window starts on 30 December 2023
    rows = [ten_days("Ann", dt.date(2023, 12, 21), 10), ten_days("Ann", dt.date(2024, 3, 1), 4)]
    with_log(trainee, rows, dt.date(2020, 1, 1))
    records = selectors.trainee_records(trainee=trainee, rules=ACC, as_of=as_of)
    assert [row.start_date for row in records.engagements] == [dt.date(2023, 12, 21)]
    recent = engine.evaluate(ACC, records, as_of).result("recent_hours")
    assert recent.achieved == Decimal("5.00")  # 1 of the cut row's 10 days, and the other row


def test_the_engine_refuses_a_sum_that_a_window_cuts():
    summed = engine.CoachingSum(
        client_key="Ann",
        first_date=dt.date(2024, 1, 1),
        last_date=dt.date(2024, 3, 1),
        smallest_group=1,
        largest_group=1,
        paid_hours=Decimal(5),
        pro_bono_hours=Decimal(0),
    )
    records = engine.TraineeRecords(training_start=dt.date(2024, 2, 1), coaching_sums=[summed])
    with pytest.raises(ValueError, match="is cut by a window"):
        engine.evaluate(ACC, records, dt.date(2024, 6, 1))


def test_the_engine_refuses_a_sum_across_the_group_limit():
    summed = engine.CoachingSum(
        client_key="Team",
        first_date=dt.date(2024, 1, 1),
        last_date=dt.date(2024, 1, 1),
        smallest_group=10,
        largest_group=16,
        paid_hours=Decimal(5),
        pro_bono_hours=Decimal(0),
    )
    records = engine.TraineeRecords(training_start=dt.date(2023, 1, 1), coaching_sums=[summed])
    with pytest.raises(ValueError, match="either side of the limit of 15"):
        engine.evaluate(ACC, records, dt.date(2024, 6, 1))
