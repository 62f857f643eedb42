"""Points 3 and 4: cancelling (24-hour rule), and the mentor marking a session held or missed."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from billing.booking_models import Booking, BookingEvent, BookingStatus, SlotKind
from billing.selectors import credit_balance
from billing.services.bookings import (
    booking_cancel_by_coach,
    booking_cancel_by_mentor,
    booking_create,
    booking_mark,
)
from credentials.models import Engagement, MentorSession, MentorSessionStatus, Source
from tests.billing.bookings.factories import make_booking, make_coach, make_slot, move_into_past
from tests.factories.people import make_mentor

pytestmark = pytest.mark.django_db


def _balance(coach):
    return credit_balance(coach=coach, on=timezone.localdate())


def test_cancelling_24_hours_ahead_returns_the_credit(django_capture_on_commit_callbacks):
    coach = make_coach(hours=6)
    booking = make_booking(coach=coach, hours_ahead=25)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert booking_cancel_by_coach(booking=booking, coach=coach) is True
    assert _balance(coach) == 6
    assert booking.status == BookingStatus.CANCELLED_BY_COACH
    assert [m.to for m in mail.outbox] == [[booking.mentor.email]]
    assert "has cancelled" in mail.outbox[0].body


def test_cancelling_later_keeps_the_credit():
    coach = make_coach(hours=6)
    booking = make_booking(coach=coach, hours_ahead=23)
    assert booking_cancel_by_coach(booking=booking, coach=coach) is False
    assert _balance(coach) == 5
    assert BookingEvent.objects.filter(booking=booking, to_status="cancelled_by_coach").get().note


def test_the_cancel_page_says_whether_the_credit_comes_back(client):
    coach = make_coach()
    early, late = (
        make_booking(coach=coach, hours_ahead=30),
        make_booking(coach=coach, hours_ahead=5),
    )
    client.force_login(coach)
    assert (
        "come back to you" in client.get(f"/billing/bookings/{early.pk}/cancel/").content.decode()
    )
    page = client.get(f"/billing/bookings/{late.pk}/cancel/").content.decode()
    assert "will not come back" in page
    response = client.post(f"/billing/bookings/{late.pk}/cancel/", follow=True)
    assert "was not returned" in response.content.decode(), response.content.decode()[-3000:]
    assert _balance(coach) == 4


def test_a_cancelled_time_can_be_booked_again():
    coach = make_coach()
    booking = make_booking(coach=coach)
    booking_cancel_by_coach(booking=booking, coach=coach)
    again = booking_create(coach=coach, slot=booking.slot)
    assert again.status == "booked" and _balance(coach) == 5


def test_the_mentor_cancelling_always_returns_the_credit(django_capture_on_commit_callbacks):
    coach = make_coach(hours=6)
    booking = make_booking(coach=coach, hours_ahead=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel_by_mentor(booking=booking, mentor=booking.mentor, reason="I am unwell.")
    assert _balance(coach) == 6
    assert [m.to for m in mail.outbox] == [[coach.email]]
    assert "I am unwell." in mail.outbox[0].body and "back in your balance" in mail.outbox[0].body


def test_the_cancellation_email_link_opens_for_the_coach(
    client, django_capture_on_commit_callbacks
):
    coach = make_coach()
    booking = make_booking(coach=coach)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel_by_mentor(booking=booking, mentor=booking.mentor)
    url = next(w for w in mail.outbox[0].body.split() if w.startswith("http"))
    client.force_login(coach)
    assert client.get("/" + url.split("/", 3)[3]).status_code == 200


def test_nobody_else_cancels_and_nothing_is_cancelled_twice():
    coach = make_coach()
    booking = make_booking(coach=coach)
    with pytest.raises(PermissionDenied):
        booking_cancel_by_coach(booking=booking, coach=make_coach())
    with pytest.raises(PermissionDenied):
        booking_cancel_by_mentor(booking=booking, mentor=make_mentor())
    booking_cancel_by_coach(booking=booking, coach=coach)
    with pytest.raises(ValidationError):
        booking_cancel_by_mentor(booking=booking, mentor=booking.mentor)
    assert _balance(coach) == 6


def test_a_started_session_cannot_be_cancelled():
    coach = make_coach()
    booking = move_into_past(make_booking(coach=coach))
    with pytest.raises(ValidationError, match="already started"):
        booking_cancel_by_coach(booking=booking, coach=coach)


def test_held_becomes_a_confirmed_mentor_session_once():
    mentor = make_mentor(credential_held="PCC")
    coach = make_coach()
    booking = move_into_past(make_booking(coach=coach, slot=make_slot(mentor)))
    booking_mark(booking=booking, mentor=mentor, held=True)
    session = MentorSession.objects.get()
    assert (session.status, session.source, session.booking_id) == (
        MentorSessionStatus.CONFIRMED,
        Source.BOOKING,
        booking.pk,
    )
    assert (session.hours, session.engagement, session.mentor_credential) == (
        Decimal(1),
        Engagement.INDIVIDUAL,
        "PCC",
    )
    with pytest.raises(ValidationError):
        booking_mark(booking=booking, mentor=mentor, held=True)
    assert MentorSession.objects.count() == 1


def test_a_held_circle_counts_as_group_mentoring():
    slot = make_slot(kind=SlotKind.GROUP_CIRCLE, capacity=3, minutes=90)
    first = booking_create(coach=make_coach(), slot=slot)
    booking_create(coach=make_coach(), slot=slot)
    move_into_past(first)
    booking_mark(booking=first, mentor=slot.mentor, held=True)
    session = MentorSession.objects.get()
    assert (session.engagement, session.group_size, session.hours) == ("group", 2, Decimal("1.5"))


def test_no_show_and_chemistry_calls_make_no_mentor_session():
    missed = move_into_past(make_booking())
    booking_mark(booking=missed, mentor=missed.mentor, held=False)
    chat = move_into_past(make_booking(kind=SlotKind.CHEMISTRY))
    booking_mark(booking=chat, mentor=chat.mentor, held=True)
    assert missed.status == "no_show" and chat.status == "held"
    assert not MentorSession.objects.exists()


def test_marking_waits_for_the_session_and_is_the_mentors_alone():
    booking = make_booking()
    with pytest.raises(ValidationError, match="once it has taken place"):
        booking_mark(booking=booking, mentor=booking.mentor, held=True)
    move_into_past(booking)
    with pytest.raises(PermissionDenied):
        booking_mark(booking=booking, mentor=make_mentor(), held=True)
    with pytest.raises(PermissionDenied):
        booking_mark(booking=booking, mentor=booking.coach, held=True)
    assert Booking.objects.get().status == "booked"


def test_the_mentor_marks_on_the_sessions_page(client):
    booking = move_into_past(make_booking())
    client.force_login(booking.mentor)
    page = client.get("/billing/mentor/sessions/").content.decode()
    assert booking.coach.get_full_name() in page
    response = client.post(f"/billing/bookings/{booking.pk}/mark/", {"outcome": "sideways"})
    assert response.status_code == 400
    client.post(f"/billing/bookings/{booking.pk}/mark/", {"outcome": "held"})
    assert MentorSession.objects.filter(booking_id=booking.pk).exists()
