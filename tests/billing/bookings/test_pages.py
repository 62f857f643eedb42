"""Point 5: the pages, who may open them, their query budgets and the dashboards."""

from datetime import time

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from billing.booking_models import Booking, SlotKind
from billing.services.bookings import weekly_availability_publish
from tests.billing.bookings.factories import (
    make_booking,
    make_coach,
    make_slot,
    move_into_past,
)
from tests.factories.people import make_mentor, make_programme_admin, make_trainee

pytestmark = pytest.mark.django_db

# Session and user, then: the slots, the weekly availability, the mentors' bookings, the
# coach's own bookings, the ledger for the balance.
BOOK_PAGE_QUERIES = 7
# Session, user, the bookings with their mentors.
MY_BOOKINGS_QUERIES = 3


def _publish(count: int):
    mentors = [make_mentor() for _ in range(3)]
    for number in range(count):
        make_slot(mentors[number % 3], hours_ahead=24 + number * 2)
    weekly_availability_publish(
        mentor=mentors[0],
        kind=SlotKind.GROUP_CIRCLE,
        weekday=2,
        local_time=time(7, 0),
        starts_on=timezone.localdate(),
        minutes=60,
        capacity=6,
        credit_hours=1,
    )
    return mentors


@pytest.mark.parametrize("count", [2, 40])
def test_the_booking_page_stays_within_its_query_budget(
    client, django_assert_max_num_queries, count
):
    _publish(count)
    coach = make_coach()
    client.force_login(coach)
    client.get(reverse("billing:book"))
    with django_assert_max_num_queries(BOOK_PAGE_QUERIES):
        response = client.get(reverse("billing:book"))
    assert response.content.decode().count('name="slot"') == count


@pytest.mark.parametrize("count", [2, 30])
def test_my_bookings_stays_within_its_query_budget(client, django_assert_max_num_queries, count):
    coach = make_coach(hours=40)
    for number in range(count):
        make_booking(coach=coach, hours_ahead=30 + number)
    client.force_login(coach)
    client.get(reverse("billing:my_bookings"))
    with django_assert_max_num_queries(MY_BOOKINGS_QUERIES):
        response = client.get(reverse("billing:my_bookings"))
    assert response.content.decode().count("calendar.ics") == count


def test_booking_through_the_page(client):
    slot = make_slot()
    coach = make_coach()
    client.force_login(coach)
    response = client.post(reverse("billing:book"), {"slot": slot.pk})
    assert response.status_code == 302
    assert Booking.objects.get().coach == coach
    client.force_login(make_coach())
    again = client.post(reverse("billing:book"), {"slot": slot.pk})
    assert again.status_code == 409
    assert "no longer available" in again.content.decode()
    assert client.post(reverse("billing:book"), {}).status_code == 400
    assert Booking.objects.count() == 1


def test_booking_without_credit_says_so_and_changes_nothing(client):
    slot = make_slot()
    client.force_login(make_coach(hours=0))
    response = client.post(reverse("billing:book"), {"slot": slot.pk})
    assert response.status_code == 409
    assert "not enough credit" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_ics_download_parses(client):
    booking = make_booking()
    client.force_login(booking.coach)
    response = client.get(reverse("billing:booking_calendar", args=[booking.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booking.starts_at


@pytest.mark.parametrize(
    "who", ["other_coach", "other_mentor", "programme_admin", "anonymous", "coach", "mentor"]
)
def test_nobody_else_sees_or_touches_a_booking(client, who):
    booking = make_booking()
    people = {
        "other_coach": make_coach(),
        "other_mentor": make_mentor(),
        "programme_admin": make_programme_admin(),
        "coach": booking.coach,
        "mentor": booking.mentor,
    }
    if who in people:
        client.force_login(people[who])
    calendar = client.get(reverse("billing:booking_calendar", args=[booking.pk]))
    cancel_page = client.get(reverse("billing:booking_cancel", args=[booking.pk]))
    if who in {"coach", "mentor"}:
        assert calendar.status_code == cancel_page.status_code == 200
        return
    expected = 302 if who == "anonymous" else 404
    assert calendar.status_code == cancel_page.status_code == expected
    client.post(reverse("billing:booking_cancel", args=[booking.pk]))
    move_into_past(booking)
    client.post(reverse("billing:booking_mark", args=[booking.pk]), {"outcome": "held"})
    assert Booking.objects.get().status == "booked"


def test_the_coach_cannot_mark_their_own_session(client):
    booking = move_into_past(make_booking())
    client.force_login(booking.coach)
    response = client.post(reverse("billing:booking_mark", args=[booking.pk]), {"outcome": "held"})
    assert response.status_code == 403


def test_mentor_pages_are_for_mentors(client):
    client.force_login(make_trainee())
    assert client.get(reverse("billing:availability")).status_code == 403
    assert client.get(reverse("billing:mentor_sessions")).status_code == 403


def test_a_mentor_cannot_remove_another_mentors_slot(client):
    slot = make_slot()
    client.force_login(make_mentor())
    assert client.post(reverse("billing:slot_remove", args=[slot.pk])).status_code == 404
    slot.refresh_from_db()
    assert slot.removed_at is None


def test_the_dashboards_show_the_next_session_and_the_sessions_to_mark(client):
    booking = make_booking()
    client.force_login(booking.coach)
    page = client.get(reverse("dashboard")).content.decode()
    assert "My mentor sessions" in page and booking.mentor.get_full_name() in page
    move_into_past(booking)
    client.force_login(booking.mentor)
    page = client.get(reverse("dashboard")).content.decode()
    assert "booked session to mark" in page
