"""Reads of the billing app: catalogue, orders, lots and balances."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from billing import ledger
from billing.models import Bundle, CreditEntry, Order, Organisation
from lms import policies


def bundle_catalogue() -> QuerySet[Bundle]:
    return Bundle.objects.filter(active=True)


def ledger_entries(*, coach) -> list[ledger.Entry]:
    """The coach's whole ledger as plain entries for billing.ledger."""
    rows = CreditEntry.objects.filter(coach=coach).order_by("pk")
    return [
        ledger.Entry(
            id=row.pk,
            kind=row.kind,
            hours=row.hours,
            lot=row.lot_id or row.pk,
            order=row.order_id,
            purchased_on=row.created_at.date(),
            expires_on=row.expires_on,
            booking=row.booking_id,
        )
        for row in rows
    ]


def credit_lots(*, coach, on: date) -> list[ledger.Lot]:
    """The coach's lots with hours left and not expired on `on`, soonest expiry first."""
    return ledger.usable_lots(ledger.lots_from(ledger_entries(coach=coach)), on)


def credit_balance(*, coach, on: date) -> Decimal:
    return ledger.balance(credit_lots(coach=coach, on=on), on)


def orders_of(*, coach) -> QuerySet[Order]:
    """A coach's own orders (not the ones an organisation bought for them)."""
    return Order.objects.filter(coach=coach, organisation=None).select_related("bundle")


def order_for(*, user, order_id: int) -> Order | None:
    """An order the user may see: their own, or their organisation's when they run it."""
    order = Order.objects.select_related("bundle", "organisation").filter(pk=order_id).first()
    if order is None:
        return None
    return order if policies.may_see_order(user, order) else None


def organisations_run_by(*, user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(admins=user)


def organisation_seats(*, order: Order) -> list[CreditEntry]:
    return list(
        CreditEntry.objects.filter(order=order, kind="purchase", seat__gt=0)
        .select_related("coach")
        .order_by("seat")
    )
