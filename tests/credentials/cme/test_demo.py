"""The demo seed includes a CME activity on the programme and a physician who claimed credit."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from credentials.cme.demo import ACTIVITY_CODE
from credentials.cme.models import ActivityCredit, CmeActivity, CmeClaim, CmeEvaluation

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_cme_activity_and_a_claim_and_seeding_again_changes_nothing(
    django_capture_on_commit_callbacks,
):
    def seed():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", stdout=StringIO())
        return [
            model.objects.count()
            for model in (CmeActivity, ActivityCredit, CmeEvaluation, CmeClaim)
        ]

    first = seed()
    assert first == [1, 3, 1, 1]
    activity = CmeActivity.objects.get(code=ACTIVITY_CODE)
    assert activity.module is not None
    claim = CmeClaim.objects.get()
    assert claim.learner.email == "trainee@demo.coach"
    assert claim.credits == Decimal("3.5") and claim.credit_type.code == "ama"
    assert claim.certificate_pdf.read(5) == b"%PDF-"
    assert seed() == first
