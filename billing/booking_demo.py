"""Demo data for mentor bookings (called by lms.demo.demo_seed; safe to run again)."""

from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing import booking_selectors, booking_times
from billing.booking_models import Booking, BookingStatus, Slot, SlotKind, WeeklyAvailability
from billing.services.bookings import booking_create, slot_publish, weekly_availability_publish


def _availability(mentor) -> None:
    today = timezone.localdate()
    if not WeeklyAvailability.objects.filter(mentor=mentor).exists():
        weekly_availability_publish(
            mentor=mentor,
            kind=SlotKind.ONE_TO_ONE,
            weekday=1,
            local_time=time(9, 0),
            starts_on=today,
            minutes=55,
        )
        weekly_availability_publish(
            mentor=mentor,
            kind=SlotKind.GROUP_CIRCLE,
            weekday=3,
            local_time=time(17, 30),
            starts_on=today,
            minutes=90,
            capacity=8,
            credit_hours=Decimal("1.5"),
        )
    if not Slot.objects.filter(mentor=mentor, weekly=None, starts_at__gt=timezone.now()).exists():
        slot_publish(
            mentor=mentor,
            kind=SlotKind.CHEMISTRY,
            starts_at=booking_times.local_to_utc(
                today + timedelta(days=3), time(12, 0), mentor.time_zone
            ),
            minutes=20,
            capacity=1,
            credit_hours=Decimal(0),
        )


@transaction.atomic
def bookings_demo_seed(*, mentor, coach) -> None:
    """The mentor's weekly and one-off times, and one booked one-to-one for the coach, whose
    credit billing.demo.billing_demo_seed bought."""
    _availability(mentor)
    upcoming = Booking.objects.filter(
        coach=coach, mentor=mentor, status=BookingStatus.BOOKED, starts_at__gt=timezone.now()
    )
    if upcoming.exists():
        return
    offer = next(
        offer
        for offer in booking_selectors.bookable_offers(coach=coach)
        if offer.mentor.pk == mentor.pk and offer.kind == SlotKind.ONE_TO_ONE
    )
    weekly = WeeklyAvailability.objects.get(pk=offer.weekly_id) if offer.weekly_id else None
    slot = Slot.objects.get(pk=offer.slot_id) if offer.slot_id else None
    booking_create(coach=coach, slot=slot, weekly=weekly, starts_at=offer.starts_at)
