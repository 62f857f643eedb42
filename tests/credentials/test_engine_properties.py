"""Properties of the credential evaluation engine that must hold for any records."""

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from credentials.engine import (
    Assessment,
    CoachingEngagement,
    EducationRecord,
    MentorSession,
    TraineeRecords,
    evaluate,
    evaluation_to_json,
)
from credentials.pathway_defaults import ACC, MCC, PCC
from tests.credentials import builders

# Timing limits would make these tests depend on the machine; only behaviour is checked.
engine_settings = settings(deadline=None)

FIRST_DAY = dt.date(2023, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
hours = st.decimals(min_value=0, max_value=25, places=2, allow_nan=False, allow_infinity=False)
pathways = st.sampled_from([ACC, PCC, MCC])
credentials = st.sampled_from(["none", "ACC", "PCC", "MCC"])
# Few client keys, some differing only in case and spacing, so rows share clients.
client_keys = st.sampled_from(["Ann", "ann ", "Bob", "Cy Lee", "cy  lee", "Team A", "Team B"])
# Sizes either side of both limits (10 for mentoring groups, 15 for coaching groups).
group_sizes = st.one_of(st.none(), st.integers(min_value=1, max_value=18))


@st.composite
def education_records(draw) -> EducationRecord:
    total = draw(hours)
    synchronous = draw(st.decimals(min_value=0, max_value=total, places=2))
    return EducationRecord(completed_on=draw(days), hours=total, synchronous_hours=synchronous)


@st.composite
def mentor_sessions(draw) -> MentorSession:
    group_size = draw(group_sizes)
    return MentorSession(
        date=draw(days),
        hours=draw(hours),
        is_group=group_size is not None,
        group_size=group_size,
        mentor_credential=draw(credentials),
        confirmed=draw(st.booleans()),
    )


@st.composite
def engagements(draw, start_days=days) -> CoachingEngagement:
    group_size = draw(group_sizes)
    start = draw(start_days)
    return CoachingEngagement(
        client_key=draw(client_keys),
        is_group=group_size is not None,
        group_size=group_size,
        start_date=start,
        end_date=start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=400))),
        paid_hours=draw(hours),
        pro_bono_hours=draw(hours),
    )


@st.composite
def assessments(draw) -> Assessment:
    kind = draw(st.sampled_from(["exam", "performance_evaluation"]))
    score = draw(st.one_of(st.none(), st.integers(min_value=200, max_value=600)))
    return Assessment(kind=kind, date=draw(days), passed=draw(st.booleans()), score=score)


def record_lists(strategy):
    return st.lists(strategy, max_size=8).map(tuple)


@st.composite
def trainee_records(draw) -> TraineeRecords:
    # A training start is usually recorded; sometimes it is missing.
    training_start = None if draw(st.integers(0, 9)) == 0 else draw(days)
    return TraineeRecords(
        training_start=training_start,
        credential_held=draw(credentials),
        education=draw(record_lists(education_records())),
        mentor_sessions=draw(record_lists(mentor_sessions())),
        engagements=draw(record_lists(engagements())),
        assessments=draw(record_lists(assessments())),
    )


def achieved_by_code(evaluation):
    return {result.code: result.achieved for result in evaluation.requirements}


@engine_settings
@given(pathways, trainee_records(), days, st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_input(rules, records, as_of, random):
    def shuffled(items):
        items = list(items)
        random.shuffle(items)
        return tuple(items)

    reordered = replace(
        records,
        education=shuffled(records.education),
        mentor_sessions=shuffled(records.mentor_sessions),
        engagements=shuffled(records.engagements),
        assessments=shuffled(records.assessments),
    )
    assert evaluate(rules, reordered, as_of) == evaluate(rules, records, as_of)


@st.composite
def rows_before(draw, training_start: dt.date) -> CoachingEngagement:
    row = draw(engagements())
    end = training_start - dt.timedelta(days=draw(st.integers(min_value=1, max_value=400)))
    length = row.end_date - row.start_date
    return replace(row, start_date=end - length, end_date=end)


@engine_settings
@given(pathways, trainee_records(), days, st.data())
def test_adding_an_entry_dated_before_training_start_changes_nothing(rules, records, as_of, data):
    records = replace(records, training_start=records.training_start or FIRST_DAY)
    early_row = data.draw(rows_before(records.training_start))
    with_early_row = replace(records, engagements=(*records.engagements, early_row))
    assert evaluate(rules, with_early_row, as_of) == evaluate(rules, records, as_of)


@engine_settings
@given(pathways, trainee_records(), days)
def test_counted_hours_never_exceed_the_hours_logged(rules, records, as_of):
    evaluation = evaluate(rules, records, as_of)
    assert evaluation.result("mentor_hours").achieved <= sum(
        (session.hours for session in records.mentor_sessions), Decimal(0)
    )
    assert evaluation.result("experience_hours").achieved <= sum(
        (row.paid_hours + row.pro_bono_hours for row in records.engagements), Decimal(0)
    )
    assert (
        evaluation.result("paid_hours").achieved <= evaluation.result("experience_hours").achieved
    )


@engine_settings
@given(pathways, record_lists(mentor_sessions()), days)
def test_group_mentoring_hours_never_exceed_the_cap_or_the_group_sessions(rules, sessions, as_of):
    group_sessions = tuple(
        replace(s, is_group=True, group_size=s.group_size or 2) for s in sessions
    )
    records = TraineeRecords(training_start=FIRST_DAY, mentor_sessions=group_sessions)
    achieved = evaluate(rules, records, as_of).result("mentor_hours").achieved
    assert achieved <= rules.group_mentoring_cap_hours
    assert achieved <= sum((session.hours for session in group_sessions), Decimal(0))


@engine_settings
@given(pathways, trainee_records(), days, days)
def test_moving_the_as_of_date_forward_never_raises_recent_hours_without_new_entries(
    rules, records, first_as_of, second_as_of
):
    earlier, later = sorted((first_as_of, second_as_of))
    # Every entry ends by the earlier date, so nothing new falls in the later window.
    records = replace(
        records, engagements=tuple(row for row in records.engagements if row.end_date <= earlier)
    )
    if rules.recent_hours is None:
        rules = ACC
    assert (
        evaluate(rules, records, later).result("recent_hours").achieved
        <= evaluate(rules, records, earlier).result("recent_hours").achieved
    )


CUMULATIVE_CODES = (
    "education_hours",
    "education_synchronous_hours",
    "mentor_hours",
    "mentor_span",
    "experience_hours",
    "paid_hours",
    "clients",
    "performance_evaluation",
    "exam",
    "prerequisite_credential",
)


@engine_settings
@given(pathways, trainee_records(), days, days)
def test_moving_the_as_of_date_forward_never_lowers_what_accumulates(
    rules, records, first_as_of, second_as_of
):
    earlier, later = sorted((first_as_of, second_as_of))
    before = evaluate(rules, records, earlier)
    after = evaluate(rules, records, later)
    for result in before.requirements:
        if result.code in CUMULATIVE_CODES:
            assert after.result(result.code).achieved >= result.achieved, result.code
            assert after.result(result.code).met or not result.met, result.code


def ready_records() -> TraineeRecords:
    """Records that meet every requirement of the default pathways on 1 July 2025."""
    return builders.records(
        credential_held="PCC",
        education=[builders.education(200, synchronous=30)],
        mentor_sessions=[
            builders.mentor_session(3, on=dt.date(2024, 2, 1)),
            builders.mentor_session(7, on=dt.date(2024, 6, 1), group_size=5),
        ],
        engagements=[
            builders.engagement(
                f"client {n}",
                paid=65,
                pro_bono=8,
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 1, 31),
            )
            for n in range(35)
        ],
        assessments=[
            builders.performance_evaluation(on=dt.date(2025, 2, 1)),
            builders.performance_evaluation(on=dt.date(2025, 3, 1)),
            builders.exam(score=500, on=dt.date(2025, 4, 1)),
        ],
    )


@engine_settings
@given(pathways, trainee_records(), st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
def test_eligible_exactly_when_every_requirement_is_met(rules, noise, as_of):
    # Start from records that qualify, so both outcomes occur, then add random records.
    ready = ready_records()
    records = replace(
        ready,
        education=ready.education + noise.education,
        mentor_sessions=ready.mentor_sessions + noise.mentor_sessions,
        engagements=ready.engagements + noise.engagements,
        assessments=ready.assessments + noise.assessments,
        credential_held=noise.credential_held,
    )
    evaluation = evaluate(rules, records, as_of)
    assert evaluation.eligible is all(result.met for result in evaluation.requirements)


def test_the_ready_records_really_are_eligible():
    # Guards the previous property against only ever seeing ineligible trainees.
    for rules in (ACC, PCC, MCC):
        assert evaluate(rules, ready_records(), dt.date(2025, 7, 1)).eligible


@engine_settings
@given(pathways, trainee_records(), days)
def test_numbers_are_never_negative_and_agree_with_met(rules, records, as_of):
    for result in evaluate(rules, records, as_of).requirements:
        assert result.achieved >= 0
        assert result.required >= 0
        # Shown numbers never claim more than was done: met needs achieved >= required, and
        # apart from mentor hours (which also need one-to-one hours) that is all it needs.
        if result.code == "mentor_hours":
            assert result.achieved >= result.required or not result.met
        else:
            assert result.met is (result.achieved >= result.required), result.code
        assert result.detail.endswith(".")


countable_records = st.one_of(
    education_records().map(lambda record: ("education", record)),
    mentor_sessions().map(lambda record: ("mentor_sessions", record)),
    engagements().map(lambda record: ("engagements", record)),
    assessments().map(lambda record: ("assessments", record)),
)


@engine_settings
@given(pathways, trainee_records(), days, countable_records)
def test_adding_a_record_never_lowers_what_is_achieved(rules, records, as_of, addition):
    kind, record = addition
    more = replace(records, **{kind: (*getattr(records, kind), record)})
    before = evaluate(rules, records, as_of)
    after = evaluate(rules, more, as_of)
    for result in before.requirements:
        assert after.result(result.code).achieved >= result.achieved, result.code
        assert after.result(result.code).met or not result.met, result.code


@engine_settings
@given(pathways, trainee_records(), days)
def test_the_json_document_round_trips_with_plain_numbers(rules, records, as_of):
    evaluation = evaluate(rules, records, as_of)
    document = evaluation_to_json(evaluation, "ann@example.org", rules.code, as_of)
    assert json.loads(json.dumps(document)) == document
    for item, result in zip(document["requirements"], evaluation.requirements, strict=True):
        for key in ("required", "achieved"):
            assert type(item[key]) in (int, float)
            assert Decimal(str(item[key])) == getattr(result, key)
