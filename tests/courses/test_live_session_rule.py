"""A live session belongs to a cohort of its module's programme, whichever screen writes it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import services
from courses.models import LiveSession
from tests.factories.courses import make_cohort, make_programme, modules_of

pytestmark = pytest.mark.django_db

ADD_URL = "/cms/snippets/courses/livesession/add/"


@pytest.fixture
def world():
    programme = make_programme(title="Physician coaching", modules=1, synchronous_every=1)
    other = make_programme(title="Nurse coaching", modules=1, synchronous_every=1)
    return {
        "module": modules_of(programme)[0],
        "own_cohort": make_cohort(programme=programme, name="Own cohort"),
        "other_cohort": make_cohort(programme=other, name="Other cohort"),
    }


def _session(world, cohort) -> LiveSession:
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=3)
    return LiveSession(
        module=world["module"],
        cohort=cohort,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        location="Room 4",
    )


def test_the_model_refuses_a_cohort_of_another_programme(world):
    session = _session(world, world["other_cohort"])
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    assert caught.value.message_dict["cohort"] == [
        "This cohort belongs to another programme. Choose a cohort of Physician coaching, "
        "the programme of this module."
    ]
    _session(world, world["own_cohort"]).full_clean()


def test_the_service_reports_it_on_the_cohort_field(world):
    session = _session(world, world["other_cohort"])
    with pytest.raises(ValidationError) as caught:
        services.live_session_create(
            module=session.module,
            cohort=session.cohort,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            location=session.location,
        )
    assert "cohort" in caught.value.message_dict
    assert not LiveSession.objects.exists()


def _post(client, world, cohort):
    starts_at = timezone.localtime() + timedelta(days=3)
    return client.post(
        ADD_URL,
        {
            "module": world["module"].pk,
            "cohort": cohort.pk,
            "starts_at": starts_at.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts_at + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "location": "Room 4",
        },
    )


def test_the_wagtail_snippet_screen_refuses_a_cohort_of_another_programme(
    client, programme_admin, world, settings
):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(programme_admin)
    response = _post(client, world, world["other_cohort"])
    assert response.status_code == 200  # Wagtail shows the form again with the message
    assert "This cohort belongs to another programme." in response.content.decode()
    assert not LiveSession.objects.exists()

    accepted = _post(client, world, world["own_cohort"])
    assert accepted.status_code == 302
    assert LiveSession.objects.get().cohort == world["own_cohort"]
