"""Writes to the credit ledger. Every write locks the coach's row first.

The API bookings call (another app; pass the booking's id, not the booking):

- ``credits_spend(*, coach, hours, booking_id, actor) -> list[CreditEntry]``: takes `hours`
  from the coach's lots that expire first (one `booking` entry per lot drawn on, negative
  hours). Raises ``ValidationError`` ("There is not enough credit …", code ``not_enough_credit``)
  and writes nothing when the usable balance is short.
- ``credits_return(*, entries_or_booking_id, actor, reason) -> list[CreditEntry]``: gives back
  what a booking still holds (a booking id, or the entries ``credits_spend`` returned), one
  ``cancellation_return`` entry per lot. Returning twice returns nothing the second time. The
  24-hour cancellation rule is the caller's to check.
- ``billing.selectors.credit_lots(*, coach, on)``: the lots usable on a date, soonest expiry
  first (``billing.ledger.Lot``: id, order, hours, remaining, purchased_on, expires_on);
  ``billing.selectors.credit_balance(*, coach, on)`` their sum.

Why a row lock: two bookings at once would both see the same balance and both spend it. Holding
the coach's row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite serialises writers anyway) while
reading the ledger and writing makes the second wait and see the first one's entries, so the
balance can never go below zero.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing import ledger
from billing.models import CreditEntry, EntryKind, Order
from billing.selectors import ledger_entries


def coach_lock(coach) -> None:
    """Hold the coach's row until the transaction ends (see the module docstring)."""
    get_user_model().objects.select_for_update().filter(pk=coach.pk).values_list("pk").get()


def credit_entry_create(**fields) -> CreditEntry:
    """One ledger row, validated; callers hold the coach's lock (coach_lock)."""
    entry = CreditEntry(**fields)
    entry.full_clean(validate_constraints=False)
    entry.save()
    return entry


def _lots(coach) -> dict[int, ledger.Lot]:
    return {lot.id: lot for lot in ledger.lots_from(ledger_entries(coach=coach))}


@transaction.atomic
def credits_spend(*, coach, hours: Decimal, booking_id: int, actor) -> list[CreditEntry]:
    coach_lock(coach)
    lots = list(_lots(coach).values())
    try:
        plan = ledger.spend_plan(lots, Decimal(hours), timezone.localdate())
    except ledger.NotEnoughCredit as error:
        raise ValidationError(str(error), code="not_enough_credit") from None
    return [
        credit_entry_create(
            coach=coach,
            kind=EntryKind.BOOKING,
            hours=-taken,
            lot_id=lot_id,
            booking_id=booking_id,
            actor=actor,
            reason=f"Booking {booking_id}",
        )
        for lot_id, taken in plan
    ]


@transaction.atomic
def credits_return(
    *, entries_or_booking_id: int | Iterable[CreditEntry], actor, reason: str
) -> list[CreditEntry]:
    if isinstance(entries_or_booking_id, int):
        booking_id = entries_or_booking_id
    else:
        booking_ids = {entry.booking_id for entry in entries_or_booking_id}
        if len(booking_ids) != 1 or None in booking_ids:
            raise ValueError("Return the entries of one booking at a time.")
        (booking_id,) = booking_ids
    spent = CreditEntry.objects.filter(booking_id=booking_id, kind=EntryKind.BOOKING).first()
    if spent is None:
        return []
    coach_lock(spent.coach)
    held = ledger.booking_unreturned(ledger_entries(coach=spent.coach), booking_id)
    return [
        credit_entry_create(
            coach=spent.coach,
            kind=EntryKind.CANCELLATION_RETURN,
            hours=hours,
            lot_id=lot_id,
            booking_id=booking_id,
            actor=actor,
            reason=reason,
        )
        for lot_id, hours in held
    ]


def lot_expiry(purchased_on: date, validity_months: int) -> date:
    return purchased_on + relativedelta(months=validity_months)


@transaction.atomic
def credits_purchase(*, order: Order, coach, hours: Decimal, seat: int, actor) -> CreditEntry:
    """The lot a paid order (or one seat of it) gives. Callers hold the order's lock and check
    that the lot is not there yet; the unique constraint is the last word."""
    coach_lock(coach)
    today = timezone.localdate()
    return credit_entry_create(
        coach=coach,
        kind=EntryKind.PURCHASE,
        hours=hours,
        order=order,
        seat=seat,
        expires_on=lot_expiry(today, order.validity_months),
        actor=actor,
        reason=f"Order {order.pk}: {order.bundle.name}",
    )


def lot_reduce(*, lot: CreditEntry, kind: str, hours: Decimal, actor, reason: str):
    """Take `hours` (positive) out of a lot; nothing is written for zero."""
    if hours <= 0:
        return None
    return credit_entry_create(
        coach_id=lot.coach_id,
        kind=kind,
        hours=-hours,
        lot=lot,
        order_id=lot.order_id,
        actor=actor,
        reason=reason,
    )


def lot_remaining(lot: CreditEntry) -> ledger.Lot:
    """The lot as the arithmetic sees it, read under the coach's lock."""
    coach_lock(lot.coach)
    return _lots(lot.coach)[lot.pk]
