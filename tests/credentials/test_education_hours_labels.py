"""The dashboard's and the progress page's education hours differ; each says what it counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from courses.services import enrolment_create, module_complete
from credentials.models import EducationRecord, EducationStatus
from tests.factories.courses import do_required_blocks, make_programme, modules_of
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee():
    trainee = make_trainee()
    programme = make_programme(title="Level 1", modules=2, hours=Decimal("2.5"))
    enrolment_create(trainee=trainee, programme=programme)
    module = modules_of(programme)[0]
    do_required_blocks(trainee=trainee, module=module)
    module_complete(trainee=trainee, module=module)
    EducationRecord.objects.create(
        trainee=trainee,
        title="Coaching foundations",
        provider="Other School",
        completed_on=dt.date(2026, 1, 10),
        hours=Decimal(12),
        status=EducationStatus.APPROVED,
    )
    return trainee


def test_the_dashboard_says_its_hours_are_this_programmes(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("dashboard")).content.decode()
    assert '<p class="stat">2.5</p><p class="stat-label">Education hours in this programme' in html
    assert "adds approved education from other providers" in html


def test_the_progress_page_splits_its_hours_by_where_they_come_from(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("credentials:progress")).content.decode()
    assert "14.5 of 60" in html
    assert "Education hours: 2.5 here + 12 from other providers" in html
