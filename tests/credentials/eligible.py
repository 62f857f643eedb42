"""Practice records built straight on the models, for the progress, application and award tests.

`make_acc_eligible` gives a trainee records meeting every ACC requirement as of today (DESIGN §2):
60 education hours (30 live), 10 confirmed one-to-one hours with an MCC mentor over 4 months,
104 coaching hours (80 paid) with 8 clients in the last year, a passed exam and evaluation.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from credentials.models import (
    AssessmentKind,
    AssessmentResult,
    CoachingLogEntry,
    EducationRecord,
    EducationStatus,
    MentorSession,
    MentorSessionStatus,
)
from tests.factories.people import make_mentor, make_trainee


def today() -> dt.date:
    return timezone.localdate()


def days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def coaching_rows(trainee, count: int, *, hours: str = "1") -> list[CoachingLogEntry]:
    """`count` one-hour paid rows with distinct clients, one a day going back from yesterday."""
    return CoachingLogEntry.objects.bulk_create(
        CoachingLogEntry(
            trainee=trainee,
            client_name=f"Client {index}",
            start_date=days_ago(1 + index % 500),
            end_date=days_ago(1 + index % 500),
            paid_hours=Decimal(hours),
        )
        for index in range(count)
    )


def make_acc_eligible(trainee=None, *, mentor=None):
    trainee = trainee or make_trainee()
    trainee.training_start = days_ago(730)
    trainee.save(update_fields=["training_start"])
    EducationRecord.objects.create(
        trainee=trainee,
        title="Coaching foundations",
        provider="Coach Academy",
        completed_on=days_ago(400),
        hours=Decimal(60),
        synchronous_hours=Decimal(30),
        status=EducationStatus.APPROVED,
    )
    mentor = mentor or make_mentor(credential_held="MCC")
    for index in range(5):
        MentorSession.objects.create(
            trainee=trainee,
            mentor=mentor,
            mentor_credential="MCC",
            date=days_ago(200 - index * 30),
            hours=Decimal(2),
            status=MentorSessionStatus.CONFIRMED,
        )
    for index in range(8):
        CoachingLogEntry.objects.create(
            trainee=trainee,
            client_name=f"Eligible client {index}",
            start_date=days_ago(300 - index * 20),
            end_date=days_ago(100 - index * 10),
            paid_hours=Decimal(10),
            pro_bono_hours=Decimal(3),
        )
    AssessmentResult.objects.create(
        trainee=trainee, kind=AssessmentKind.EXAM, date=days_ago(30), passed=True, score=500
    )
    AssessmentResult.objects.create(
        trainee=trainee,
        kind=AssessmentKind.PERFORMANCE_EVALUATION,
        date=days_ago(40),
        passed=True,
    )
    return trainee
