"""Credit arithmetic over plain data: lots, balance, spending and removal. No ORM here.

A *lot* is one purchase (or one employer-funded seat): hours bought, usable through
`expires_on`. Every other ledger entry names the lot it draws on, so a lot's remaining hours
are its purchase hours plus the signed hours of the entries drawing on it. The services load
the entries, ask these functions what to write, and write it under the coach's row lock.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")
NOT_ENOUGH_CREDIT = "There is not enough credit for this: {needed} hours needed, {available} left."


class NotEnoughCredit(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    """One ledger row as the arithmetic needs it. `lot` is the id of the purchase entry it
    draws on (a purchase's `lot` is its own id)."""

    id: int
    kind: str
    hours: Decimal
    lot: int
    order: int | None = None
    purchased_on: date | None = None
    expires_on: date | None = None
    booking: int | None = None


@dataclass(frozen=True)
class Lot:
    id: int
    order: int | None
    hours: Decimal
    remaining: Decimal
    purchased_on: date
    expires_on: date

    def usable_on(self, on: date) -> bool:
        """Credits may be used through the expiry date itself."""
        return on <= self.expires_on and self.remaining > ZERO


def lots_from(entries: list[Entry]) -> list[Lot]:
    """Every lot with its remaining hours, soonest expiry first (then oldest purchase)."""
    purchases = {entry.id: entry for entry in entries if entry.kind == "purchase"}
    remaining = {lot_id: entry.hours for lot_id, entry in purchases.items()}
    for entry in entries:
        if entry.kind != "purchase" and entry.lot in remaining:
            remaining[entry.lot] += entry.hours
    lots = [
        Lot(
            id=lot_id,
            order=entry.order,
            hours=entry.hours,
            remaining=remaining[lot_id],
            purchased_on=entry.purchased_on,
            expires_on=entry.expires_on,
        )
        for lot_id, entry in purchases.items()
    ]
    return sorted(lots, key=lambda lot: (lot.expires_on, lot.purchased_on, lot.id))


def usable_lots(lots: list[Lot], on: date) -> list[Lot]:
    return [lot for lot in lots if lot.usable_on(on)]


def balance(lots: list[Lot], on: date) -> Decimal:
    """Hours a coach can spend on `on`: the remaining hours of the lots not yet expired."""
    return sum((lot.remaining for lot in usable_lots(lots, on)), ZERO)


def spend_plan(lots: list[Lot], hours: Decimal, on: date) -> list[tuple[int, Decimal]]:
    """(lot id, hours taken) pairs covering `hours`, soonest expiry first.

    Raises NotEnoughCredit when the usable lots hold less than `hours`.
    """
    if hours <= ZERO:
        raise ValueError("Hours to spend must be more than zero.")
    available = balance(lots, on)
    if available < hours:
        raise NotEnoughCredit(NOT_ENOUGH_CREDIT.format(needed=hours, available=available))
    plan, left = [], hours
    for lot in usable_lots(lots, on):
        take = min(lot.remaining, left)
        plan.append((lot.id, take))
        left -= take
        if left == ZERO:
            break
    return plan


def booking_unreturned(entries: list[Entry], booking: int) -> list[tuple[int, Decimal]]:
    """(lot id, hours) a booking still holds: what it spent less what came back already."""
    held: dict[int, Decimal] = {}
    for entry in entries:
        if entry.booking == booking and entry.kind in {"booking", "cancellation_return"}:
            held[entry.lot] = held.get(entry.lot, ZERO) - entry.hours
    return [(lot, hours) for lot, hours in sorted(held.items()) if hours > ZERO]


@dataclass(frozen=True)
class Removal:
    """What a refund (or dispute) takes out of a lot: `removed` of the unspent hours now, and
    `shortfall` hours that were already spent, which an admin has to look at."""

    removed: Decimal
    shortfall: Decimal


def refund_removal(*, lot: Lot, refunded_hours: Decimal, already_covered: Decimal) -> Removal:
    """Remove `refunded_hours` in all (cumulative for the lot), of which `already_covered` were
    handled by earlier refunds (removed or flagged). Only unspent hours are removed."""
    due = max(refunded_hours - already_covered, ZERO)
    removed = min(due, max(lot.remaining, ZERO))
    return Removal(removed=removed, shortfall=due - removed)


def refunded_hours(*, lot_hours: Decimal, amount: int, amount_refunded: int) -> Decimal:
    """The share of a lot a refund of `amount_refunded` out of `amount` (minor units) stands for,
    to the hundredth of an hour, never more than the lot."""
    if amount <= 0:
        return ZERO
    share = (lot_hours * Decimal(min(amount_refunded, amount)) / Decimal(amount)).quantize(
        Decimal("0.01")
    )
    return min(share, lot_hours)
