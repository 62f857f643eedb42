"""A rejected external-education record can be corrected and submitted again."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from credentials import services
from credentials.models import EducationRecord, EducationStatus
from tests.factories.people import make_programme_admin
from tests.factories.records import certificate_file


def _submit(trainee, **changes):
    fields = {
        "title": "Coaching with compassion",
        "provider": "Case Western (online)",
        "completed_on": dt.date(2026, 3, 1),
        "hours": Decimal("12"),
        "synchronous_hours": Decimal("6"),
        "certificate": certificate_file(),
    }
    fields.update(changes)
    return services.education_record_submit(trainee=trainee, **fields)


def test_a_rejected_record_does_not_block_the_corrected_submission(trainee):
    first = _submit(trainee)
    services.education_record_review(
        record=first,
        reviewer=make_programme_admin(),
        approve=False,
        note="The certificate shows 10 hours, not 12.",
    )

    second = _submit(trainee, hours=Decimal("10"))

    assert second.pk != first.pk
    statuses = sorted(
        EducationRecord.objects.filter(trainee=trainee).values_list("status", flat=True)
    )
    assert statuses == [EducationStatus.PENDING, EducationStatus.REJECTED]


def test_a_pending_or_approved_record_still_blocks_a_duplicate(trainee):
    _submit(trainee)
    with pytest.raises(ValidationError, match="already"):
        _submit(trainee)
    assert EducationRecord.objects.filter(trainee=trainee).count() == 1
