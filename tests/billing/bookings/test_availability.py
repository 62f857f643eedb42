"""Point 1: mentors publish one-off and weekly availability in their own zone."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from billing.booking_models import Slot, SlotKind, WeeklyAvailability
from billing.booking_selectors import bookable_offers
from billing.services.bookings import (
    booking_create,
    slot_publish,
    slot_remove,
    weekly_availability_publish,
    weekly_availability_remove,
)
from tests.billing.bookings.factories import make_coach, make_slot
from tests.factories.people import make_mentor, make_trainee

pytestmark = pytest.mark.django_db


def _next(weekday: int) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


@pytest.mark.parametrize(
    ("kind", "minutes", "capacity", "credit", "field"),
    [
        (SlotKind.ONE_TO_ONE, 60, 1, 1, "minutes"),
        (SlotKind.ONE_TO_ONE, 55, 2, 1, "capacity"),
        (SlotKind.CHEMISTRY, 45, 1, 0, "minutes"),
        (SlotKind.CHEMISTRY, 20, 1, 1, "credit_hours"),
        (SlotKind.GROUP_CIRCLE, 90, 11, 2, "capacity"),
        (SlotKind.GROUP_CIRCLE, 90, 6, 0, "credit_hours"),
    ],
)
def test_slot_terms_are_checked_for_their_kind(kind, minutes, capacity, credit, field):
    with pytest.raises(ValidationError) as error:
        make_slot(kind=kind, minutes=minutes, capacity=capacity, credit_hours=Decimal(credit))
    assert field in error.value.message_dict
    assert not Slot.objects.exists()


def test_only_mentors_publish_and_not_in_the_past():
    with pytest.raises(PermissionDenied):
        make_slot(make_trainee())
    with pytest.raises(ValidationError):
        make_slot(hours_ahead=-1)


def test_overlapping_availability_is_refused():
    mentor = make_mentor()
    make_slot(mentor, hours_ahead=48)
    with pytest.raises(ValidationError, match="already have availability"):
        make_slot(mentor, hours_ahead=48.5)


def test_the_mentor_types_times_in_their_zone_and_the_coach_sees_them_in_theirs(client):
    mentor = make_mentor(time_zone="America/New_York")
    client.force_login(mentor)
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(
        "/billing/mentor/availability/",
        {"slot-kind": "one_to_one", "slot-day": day.isoformat(), "slot-start": "09:00"},
    )
    assert response.status_code == 302
    slot = Slot.objects.get()
    expected = datetime.combine(day, time(9), tzinfo=ZoneInfo("America/New_York"))
    assert slot.starts_at == expected and slot.ends_at - slot.starts_at == timedelta(minutes=55)
    coach = make_coach(time_zone="Asia/Tokyo")
    client.force_login(coach)
    page = client.get("/billing/bookings/book/").content.decode()
    shown = slot.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{shown:%H:%M}" in page and "Asia/Tokyo" in page


def test_bad_availability_input_is_a_400_and_changes_nothing(client):
    mentor = make_mentor()
    client.force_login(mentor)
    response = client.post(
        "/billing/mentor/availability/",
        {
            "slot-kind": "group_circle",
            "slot-day": "2020-01-01",
            "slot-start": "09:00",
            "slot-capacity": "12",
        },
    )
    assert response.status_code == 400
    assert not Slot.objects.exists()


def test_a_weekly_slot_is_kept_in_the_mentors_zone_and_offered_each_week(client):
    mentor = make_mentor(time_zone="Europe/London")
    client.force_login(mentor)
    response = client.post(
        "/billing/mentor/availability/",
        {
            "weekly-kind": "one_to_one",
            "weekly-weekday": "2",
            "weekly-local_time": "18:30",
            "weekly-starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    rule = WeeklyAvailability.objects.get()
    assert (rule.time_zone, rule.local_time, rule.weekday) == ("Europe/London", time(18, 30), 2)
    offers = bookable_offers(coach=make_coach())
    assert len(offers) == 4
    london = ZoneInfo("Europe/London")
    assert {
        (o.starts_at.astimezone(london).weekday(), f"{o.starts_at.astimezone(london):%H:%M}")
        for o in offers
    } == {(2, "18:30")}


def test_removing_availability_keeps_what_was_booked():
    mentor = make_mentor()
    weekly = weekly_availability_publish(
        mentor=mentor,
        kind=SlotKind.ONE_TO_ONE,
        weekday=_next(3).weekday(),
        local_time=time(10),
        starts_on=timezone.localdate(),
        minutes=55,
    )
    coach = make_coach()
    first = bookable_offers(coach=coach)[0]
    booking = booking_create(coach=coach, weekly=weekly, starts_at=first.starts_at)
    weekly_availability_remove(weekly=weekly, mentor=mentor)
    booking.refresh_from_db()
    assert booking.status == "booked" and booking.starts_at == first.starts_at
    assert bookable_offers(coach=make_coach()) == []


def test_a_booked_slot_cannot_be_removed_until_cancelled():
    slot = make_slot()
    booking_create(coach=make_coach(), slot=slot)
    with pytest.raises(ValidationError, match="Cancel their booking first"):
        slot_remove(slot=slot, mentor=slot.mentor)
    with pytest.raises(PermissionDenied):
        slot_remove(slot=slot, mentor=make_mentor())


def test_a_mentor_removes_a_free_slot(client):
    slot = make_slot()
    client.force_login(slot.mentor)
    assert client.post(f"/billing/mentor/availability/slots/{slot.pk}/remove/").status_code == 302
    slot.refresh_from_db()
    assert slot.removed_at is not None
    assert bookable_offers(coach=make_coach()) == []


def test_slot_publish_stores_utc():
    slot = slot_publish(
        mentor=make_mentor(),
        kind=SlotKind.CHEMISTRY,
        starts_at=datetime(2030, 1, 1, 9, tzinfo=UTC),
        minutes=15,
        capacity=1,
        credit_hours=Decimal(0),
    )
    slot.refresh_from_db()
    assert slot.starts_at == datetime(2030, 1, 1, 9, tzinfo=UTC)
