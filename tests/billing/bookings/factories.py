"""Slots and bookings for booking tests."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.booking_models import Booking, Slot, SlotKind
from billing.services.bookings import booking_create, slot_publish
from tests.billing.factories import make_paid_lot
from tests.factories.people import make_mentor, make_trainee


def make_slot(mentor=None, *, hours_ahead: float = 72, kind=SlotKind.ONE_TO_ONE, **terms) -> Slot:
    defaults = {
        SlotKind.ONE_TO_ONE: {"minutes": 55, "capacity": 1, "credit_hours": Decimal(1)},
        SlotKind.CHEMISTRY: {"minutes": 20, "capacity": 1, "credit_hours": Decimal(0)},
        SlotKind.GROUP_CIRCLE: {"minutes": 90, "capacity": 3, "credit_hours": Decimal("1.5")},
    }[kind]
    return slot_publish(
        mentor=mentor or make_mentor(),
        kind=kind,
        starts_at=timezone.now().replace(microsecond=0) + timedelta(hours=hours_ahead),
        **{**defaults, **terms},
    )


def make_coach(*, hours: int = 6, **profile):
    coach = make_trainee(**profile)
    if hours:
        with transaction.atomic():  # the ledger's row lock needs a transaction
            make_paid_lot(coach, hours=hours)
    return coach


def make_booking(*, coach=None, slot=None, **slot_fields) -> Booking:
    return booking_create(coach=coach or make_coach(), slot=slot or make_slot(**slot_fields))


def move_into_past(booking: Booking, *, hours: float = 2) -> Booking:
    """As if the session had started `hours` ago (bookings cannot be made in the past)."""
    starts = timezone.now() - timedelta(hours=hours)
    ends = starts + (booking.ends_at - booking.starts_at)
    Slot.objects.filter(pk=booking.slot_id).update(starts_at=starts, ends_at=ends)
    Booking.objects.filter(pk=booking.pk).update(starts_at=starts, ends_at=ends)
    booking.refresh_from_db()
    return booking
