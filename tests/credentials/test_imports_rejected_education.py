"""An imported education row never revives a rejected record; it adds an approved one."""

import datetime as dt
from decimal import Decimal

from credentials import services
from credentials.models import EducationRecord, EducationStatus
from tests.factories.people import make_programme_admin


def test_import_adds_an_approved_record_beside_a_rejected_one(trainee):
    rejected = EducationRecord.objects.create(
        trainee=trainee,
        title="Coaching with compassion",
        provider="Case Western (online)",
        completed_on=dt.date(2026, 3, 1),
        hours=Decimal("12"),
        status=EducationStatus.REJECTED,
        review_note="Wrong hours.",
    )
    row = services.education_record_import_row(
        trainee=trainee,
        title=rejected.title,
        provider=rejected.provider,
        completed_on=rejected.completed_on,
        hours=Decimal("10"),
        synchronous_hours=Decimal("0"),
    )

    outcomes = services.education_records_import(rows=[row], actor=make_programme_admin())

    assert outcomes == [services.UpsertOutcome.CREATED]
    rejected.refresh_from_db()
    assert rejected.status == EducationStatus.REJECTED
    approved = EducationRecord.objects.get(trainee=trainee, status=EducationStatus.APPROVED)
    assert approved.hours == Decimal("10")
    # Importing the same file again changes nothing.
    assert services.education_records_import(rows=[row]) == [services.UpsertOutcome.UNCHANGED]
