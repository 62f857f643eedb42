"""A module page leads on: the next module once this one is complete, and for a live module
the cohort's upcoming sessions with a join link and a calendar (.ics) entry."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses.models import LiveSession
from courses.services import enrolment_create, module_complete
from tests.factories.courses import (
    do_required_blocks,
    make_cohort,
    make_live_session,
    make_programme,
    modules_of,
)
from tests.factories.people import make_mentor, make_trainee, make_trainer

pytestmark = pytest.mark.django_db

JOIN_URL = "https://video.example.org/room/abc-123"


def complete(trainee, module):
    do_required_blocks(trainee=trainee, module=module)
    module_complete(trainee=trainee, module=module)


# The way on after "Module complete" -----------------------------------------------------------


def test_a_completed_module_links_to_the_next_module(client, trainee):
    programme = make_programme(modules=3, courses=2)
    enrolment_create(trainee=trainee, programme=programme)
    first, second, _third = modules_of(programme)
    client.force_login(trainee)
    assert "Next module:" not in client.get(first.url).content.decode()

    complete(trainee, first)
    html = client.get(first.url).content.decode()
    assert "Module complete" in html
    # Outline order crosses from course 1 to course 2 (modules alternate between the courses).
    assert f'<a class="button" href="{second.url}">Next module: {second.title}</a>' in html


def test_the_last_module_leads_back_to_the_programme(client, trainee):
    programme = make_programme(modules=2)
    enrolment_create(trainee=trainee, programme=programme)
    last = modules_of(programme)[-1]
    complete(trainee, last)
    client.force_login(trainee)
    html = client.get(last.url).content.decode()
    assert f'<a class="button" href="{programme.url}">Back to the programme</a>' in html
    assert "Next module:" not in html


def test_a_draft_module_is_skipped(client, trainee):
    programme = make_programme(modules=3)
    enrolment_create(trainee=trainee, programme=programme)
    first, second, third = modules_of(programme)
    second.unpublish()
    complete(trainee, first)
    client.force_login(trainee)
    html = client.get(first.url).content.decode()
    assert f"Next module: {third.title}" in html


# Upcoming live sessions -----------------------------------------------------------------------


@pytest.fixture
def live():
    programme = make_programme(modules=1, synchronous_every=1, hours=Decimal("2"))
    cohort = make_cohort(programme=programme)
    trainee = make_trainee(time_zone="Europe/Berlin")
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    module = modules_of(programme)[0]
    return programme, cohort, trainee, module


def make_session(module, cohort, *, starts_at, join_url=JOIN_URL) -> LiveSession:
    return LiveSession.objects.create(
        module=module,
        cohort=cohort,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1, minutes=30),
        location="Online",
        join_url=join_url,
    )


def test_a_live_module_shows_the_cohorts_upcoming_sessions_with_join_and_calendar(client, live):
    programme, cohort, trainee, module = live
    soon = timezone.now().replace(microsecond=0, second=0) + dt.timedelta(days=3)
    upcoming = make_session(module, cohort, starts_at=soon)
    past = make_session(module, cohort, starts_at=soon - dt.timedelta(days=30))
    other_cohort = make_session(module, make_cohort(programme=programme), starts_at=soon)
    client.force_login(trainee)
    html = client.get(module.url).content.decode()

    local = upcoming.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    assert local.strftime("%H:%M") in html
    assert "(Europe/Berlin)" in html
    assert f'href="{JOIN_URL}"' in html
    assert reverse("courses:live_session_calendar", args=[upcoming.pk]) in html
    assert reverse("courses:live_session_calendar", args=[past.pk]) not in html
    assert reverse("courses:live_session_calendar", args=[other_cohort.pk]) not in html


def test_when_every_session_is_over_the_module_says_so(client, live):
    _programme, cohort, trainee, module = live
    make_session(module, cohort, starts_at=timezone.now() - dt.timedelta(days=3))
    client.force_login(trainee)
    html = client.get(module.url).content.decode()
    assert "live sessions for this module are over" in html


def test_a_room_session_has_no_join_button(client, live):
    _programme, cohort, trainee, module = live
    make_live_session(module=module, cohort=cohort)
    client.force_login(trainee)
    html = client.get(module.url).content.decode()
    assert "Room 101" in html
    assert ">Join<" not in html


# The .ics file --------------------------------------------------------------------------------


def test_the_calendar_file_describes_the_session_in_utc(client, live):
    _programme, cohort, trainee, module = live
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    session = make_session(module, cohort, starts_at=dt.datetime(2031, 3, 4, 18, 30, tzinfo=berlin))
    client.force_login(trainee)
    response = client.get(reverse("courses:live_session_calendar", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="live-session-{session.pk}.ics"' in response["Content-Disposition"]
    assert b"DTSTART:20310304T173000Z" in response.content

    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2031, 3, 4, 17, 30, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2031, 3, 4, 19, 0, tzinfo=dt.UTC)
    assert str(event["UID"]) == f"live-session-{session.pk}@testserver"
    assert str(event["SUMMARY"]) == f"{module.title} – live session"
    assert str(event["URL"]) == JOIN_URL
    assert f"http://testserver{module.url}" in str(event["DESCRIPTION"])


def test_a_room_sessions_calendar_file_links_to_the_module(client, live):
    _programme, cohort, trainee, module = live
    session = make_live_session(module=module, cohort=cohort)
    client.force_login(trainee)
    response = client.get(reverse("courses:live_session_calendar", args=[session.pk]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["URL"]) == f"http://testserver{module.url}"
    assert str(event["LOCATION"]) == "Room 101"


def test_only_trainees_enrolled_in_the_programme_get_the_calendar_file(client, live):
    _programme, cohort, trainee, module = live
    session = make_live_session(module=module, cohort=cohort)
    url = reverse("courses:live_session_calendar", args=[session.pk])
    # Not signed in: to the sign-in page.
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    # A trainee of another programme: the session is not theirs to see.
    stranger = make_trainee()
    enrolment_create(trainee=stranger, programme=make_programme(modules=1))
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    # Staff and mentors are not trainees.
    for person in (make_trainer(), make_mentor()):
        client.force_login(person)
        assert client.get(url).status_code == 403
    # No such session.
    client.force_login(trainee)
    assert client.get(reverse("courses:live_session_calendar", args=[999999])).status_code == 404


def test_programme_admins_edit_the_join_link_in_the_live_session_snippet(client, live):
    from tests.factories.people import make_programme_admin

    _programme, cohort, _trainee, module = live
    session = make_live_session(module=module, cohort=cohort)
    client.force_login(make_programme_admin())
    response = client.get(f"/cms/snippets/courses/livesession/edit/{session.pk}/")
    assert response.status_code == 200
    assert 'name="join_url"' in response.content.decode()
