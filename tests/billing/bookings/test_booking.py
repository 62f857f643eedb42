"""Point 2: booking spends credit in the same transaction, invites the mentor, and the database
refuses double bookings."""

from datetime import UTC, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.booking_models import Booking, BookingEvent, Slot, SlotKind
from billing.booking_selectors import bookable_offers
from billing.models import CreditEntry
from billing.selectors import credit_balance
from billing.services.bookings import booking_create, weekly_availability_publish
from tests.billing.bookings.factories import make_booking, make_coach, make_slot
from tests.factories.people import make_mentor

pytestmark = pytest.mark.django_db


def _balance(coach):
    return credit_balance(coach=coach, on=timezone.localdate())


def test_booking_a_one_to_one_spends_one_hour_against_the_booking():
    coach = make_coach(hours=6)
    booking = make_booking(coach=coach)
    assert _balance(coach) == 5
    spent = CreditEntry.objects.get(booking_id=booking.pk)
    assert (spent.kind, spent.hours) == ("booking", Decimal(-1))
    assert list(BookingEvent.objects.values_list("from_status", "to_status")) == [("", "booked")]


def test_a_chemistry_call_needs_no_credit():
    coach = make_coach(hours=0)
    booking = make_booking(coach=coach, kind=SlotKind.CHEMISTRY)
    assert booking.status == "booked"
    assert not CreditEntry.objects.exists()


def test_a_circle_costs_its_price_and_keeps_to_its_capacity():
    slot = make_slot(kind=SlotKind.GROUP_CIRCLE, capacity=2, credit_hours=Decimal("1.5"))
    first, second, third = make_coach(), make_coach(), make_coach()
    booking_create(coach=first, slot=slot)
    booking_create(coach=second, slot=slot)
    assert _balance(first) == Decimal("4.5")
    with pytest.raises(ValidationError, match="full"):
        booking_create(coach=third, slot=slot)
    with pytest.raises(ValidationError, match="already booked"):
        booking_create(coach=first, slot=slot)
    assert _balance(third) == 6


def test_without_enough_credit_nothing_is_written():
    coach = make_coach(hours=0)
    slot = make_slot()
    with pytest.raises(ValidationError, match="not enough credit"):
        booking_create(coach=coach, slot=slot)
    assert not Booking.objects.exists() and not BookingEvent.objects.exists()


def test_a_taken_slot_cannot_be_booked_again():
    slot = make_slot()
    booking_create(coach=make_coach(), slot=slot)
    other = make_coach()
    with pytest.raises(ValidationError, match="no longer available"):
        booking_create(coach=other, slot=slot)
    assert _balance(other) == 6


def test_the_database_refuses_a_second_booking_of_a_slot():
    booking = make_booking()
    twin = Booking(
        slot=booking.slot,
        coach=make_coach(),
        mentor=booking.mentor,
        kind=booking.kind,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        credit_hours=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_database_refuses_two_sessions_of_one_mentor_at_one_start():
    booking = make_booking()
    # A second slot row at the same start (as if published after the first was removed).
    Slot.objects.filter(pk=booking.slot_id).update(removed_at=timezone.now())
    other = make_slot(booking.mentor, hours_ahead=0.5)
    Slot.objects.filter(pk=other.pk).update(starts_at=booking.starts_at, ends_at=booking.ends_at)
    twin = Booking(
        slot=other,
        coach=make_coach(),
        mentor=booking.mentor,
        kind=booking.kind,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        credit_hours=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_overlapping_sessions_of_one_mentor_are_refused_by_the_service():
    booking = make_booking()
    Slot.objects.filter(pk=booking.slot_id).update(removed_at=timezone.now())
    overlapping = make_slot(booking.mentor, hours_ahead=72.5)
    with pytest.raises(ValidationError, match="no longer available"):
        booking_create(coach=make_coach(), slot=overlapping)


def test_a_mentor_cannot_book_themselves():
    mentor = make_mentor()
    slot = make_slot(mentor)
    with pytest.raises(ValidationError, match="your own"):
        booking_create(coach=mentor, slot=slot)


def test_booking_a_weekly_occurrence_keeps_its_instant(client):
    mentor = make_mentor(time_zone="Europe/London")
    weekly = weekly_availability_publish(
        mentor=mentor,
        kind=SlotKind.ONE_TO_ONE,
        weekday=(timezone.localdate().weekday() + 2) % 7,
        local_time=time(9, 0),
        starts_on=timezone.localdate(),
        minutes=55,
    )
    coach = make_coach()
    offer = bookable_offers(coach=coach)[0]
    booking = booking_create(coach=coach, weekly=weekly, starts_at=offer.starts_at)
    assert booking.starts_at == offer.starts_at
    # The mentor moves to another zone afterwards: the weekly rule and the booking stay put.
    mentor.time_zone = "Asia/Tokyo"
    mentor.save()
    booking.refresh_from_db()
    assert booking.starts_at == offer.starts_at
    with pytest.raises(ValidationError, match="no longer available"):
        booking_create(coach=coach, weekly=weekly, starts_at=offer.starts_at + timedelta(hours=1))


def test_the_mentor_gets_an_ics_invitation(django_capture_on_commit_callbacks):
    mentor = make_mentor(time_zone="America/New_York", first_name="Mia", last_name="Mentor")
    coach = make_coach(first_name="Cal", last_name="Coach", time_zone="Europe/Berlin")
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(coach=coach, slot=make_slot(mentor))
    to_mentor = next(m for m in mail.outbox if m.to == [mentor.email])
    assert "Cal Coach" in to_mentor.body
    local = booking.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}" in to_mentor.body
    (_name, content, mimetype) = to_mentor.attachments[0]
    assert mimetype == "text/calendar"
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["uid"]).startswith(f"booking-{booking.pk}@")
    assert event.decoded("dtstart") == booking.starts_at.astimezone(UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=55)
    assert "Cal Coach" in str(event["summary"])
    assert str(event["organizer"]) == f"mailto:{mentor.email}"
    assert str(event["attendee"]) == f"mailto:{coach.email}"
    to_coach = next(m for m in mail.outbox if m.to == [coach.email])
    assert "24 hours" in to_coach.body


def test_email_links_open_for_their_recipients(client, django_capture_on_commit_callbacks):
    mentor, coach = make_mentor(), make_coach()
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(coach=coach, slot=make_slot(mentor))
    for person in (mentor, coach):
        message = next(m for m in mail.outbox if m.to == [person.email])
        url = next(word for word in message.body.split() if word.startswith("http"))
        client.force_login(person)
        path = "/" + url.split("/", 3)[3]
        assert client.get(path).status_code == 200, path
