"""Demo data for mentor bookings (called by lms.demo.demo_seed; safe to run again)."""

from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing import booking_selectors, booking_times
from billing.booking_models import Booking, BookingStatus, Slot, SlotKind, WeeklyAvailability
from billing.models import Bundle, CreditEntry, EntryKind, OrderStatus
from billing.services.bookings import booking_create, slot_publish, weekly_availability_publish
from billing.services.ledger import credits_purchase
from billing.services.orders import order_create, order_transition

DEMO_BUNDLE_SLUG = "demo-mentor-coaching-12"


def _credit(coach) -> None:
    """A paid 12-hour bundle, as the Stripe webhook would have left it."""
    if CreditEntry.objects.filter(coach=coach, kind=EntryKind.PURCHASE).exists():
        return
    bundle = Bundle.objects.filter(slug=DEMO_BUNDLE_SLUG).first()
    if bundle is None:
        bundle = Bundle(
            name="12 hours of mentor coaching",
            slug=DEMO_BUNDLE_SLUG,
            description="Enough for the ICF's 10 mentor-coaching hours, with two to spare.",
            hours=Decimal(12),
            price=144000,
        )
        bundle.full_clean()
        bundle.save()
    order = order_create(coach=coach, bundle=bundle)
    order_transition(order=order, to_status=OrderStatus.PAID, note="Demo data")
    credits_purchase(order=order, coach=coach, hours=order.hours, seat=0, actor=None)


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
    """The mentor's weekly and one-off times, and one booked one-to-one for a coach with credit."""
    _credit(coach)
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
