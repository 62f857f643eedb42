"""Bundles, orders and lots for billing tests (payments go through the double elsewhere)."""

import itertools
from decimal import Decimal

from billing.models import Bundle, OrderStatus
from billing.services.ledger import credits_purchase
from billing.services.orders import order_create, order_transition

_numbers = itertools.count(1)


def make_bundle(**fields) -> Bundle:
    number = next(_numbers)
    fields.setdefault("name", f"{fields.get('hours', 6)}-hour bundle {number}")
    fields.setdefault("slug", f"bundle-{number}")
    fields.setdefault("hours", Decimal(6))
    fields.setdefault("price", 60000)
    bundle = Bundle(**fields)
    bundle.full_clean()
    bundle.save()
    return bundle


def make_paid_lot(coach, *, hours=6, validity_months=12, bundle=None):
    """A paid order and its lot, as the webhook would leave them."""
    bundle = bundle or make_bundle(hours=Decimal(hours), validity_months=validity_months)
    order = order_create(coach=coach, bundle=bundle)
    order_transition(order=order, to_status=OrderStatus.PAID)
    return credits_purchase(order=order, coach=coach, hours=order.hours, seat=0, actor=None)
