"""Small builders for engine inputs, so each test states only what it is about."""

import datetime as dt
from decimal import Decimal

from credentials.engine import (
    Assessment,
    CoachingEngagement,
    EducationRecord,
    MentorSession,
    TraineeRecords,
)

TRAINING_START = dt.date(2024, 1, 1)


def amount(value: str | int) -> Decimal:
    return Decimal(str(value))


def education(
    hours: str | int, *, synchronous: str | int = 0, on: dt.date = dt.date(2024, 2, 1)
) -> EducationRecord:
    return EducationRecord(
        completed_on=on, hours=amount(hours), synchronous_hours=amount(synchronous)
    )


def mentor_session(
    hours: str | int,
    *,
    on: dt.date = dt.date(2024, 3, 1),
    group_size: int | None = None,
    mentor: str = "MCC",
    confirmed: bool = True,
) -> MentorSession:
    return MentorSession(
        date=on,
        hours=amount(hours),
        is_group=group_size is not None,
        group_size=group_size,
        mentor_credential=mentor,
        confirmed=confirmed,
    )


def engagement(
    client: str = "Client A",
    *,
    paid: str | int = 0,
    pro_bono: str | int = 0,
    start: dt.date = dt.date(2024, 6, 1),
    end: dt.date | None = None,
    group_size: int | None = None,
) -> CoachingEngagement:
    return CoachingEngagement(
        client_key=client,
        is_group=group_size is not None,
        group_size=group_size,
        start_date=start,
        end_date=end or start,
        paid_hours=amount(paid),
        pro_bono_hours=amount(pro_bono),
    )


def exam(*, score: int | None = None, passed: bool = True, on=dt.date(2024, 9, 1)) -> Assessment:
    return Assessment(kind="exam", date=on, passed=passed, score=score)


def performance_evaluation(*, passed: bool = True, on=dt.date(2024, 9, 1)) -> Assessment:
    return Assessment(kind="performance_evaluation", date=on, passed=passed)


def records(
    *,
    training_start: dt.date | None = TRAINING_START,
    credential_held: str = "none",
    education=(),
    mentor_sessions=(),
    engagements=(),
    assessments=(),
) -> TraineeRecords:
    return TraineeRecords(
        training_start=training_start,
        credential_held=credential_held,
        education=education,
        mentor_sessions=mentor_sessions,
        engagements=engagements,
        assessments=assessments,
    )
