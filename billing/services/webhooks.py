"""Stripe webhooks: record each verified event once, then act on it in a Celery task.

Acting re-reads the session or charge from Stripe's API rather than trusting the payload, finds
the order only through ids this app stored (a session it never created changes nothing), and
calls the idempotent order services, so replays, concurrent deliveries and any order of arrival
(a refund before the completion) end in the state one in-order delivery reaches.
"""

import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing import stripe_gateway
from billing.models import Order, StripeEvent
from billing.services.orders import (
    order_close,
    order_dispute_freeze,
    order_payment_confirm,
    order_refund_apply,
)

logger = logging.getLogger(__name__)

SESSION_PAID = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
SESSION_CLOSED = {"checkout.session.expired", "checkout.session.async_payment_failed"}
HANDLED = SESSION_PAID | SESSION_CLOSED | {"charge.refunded", "charge.dispute.created"}


def stripe_event_record(*, event, payload: bytes) -> tuple[StripeEvent, bool]:
    """Store a verified event (and its body as sent) under its unique id; (row, whether new)."""
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(
                event_id=event["id"], type=event["type"], payload=json.loads(payload)
            )
        return row, True
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event["id"]), False


def _charge_of_session(session):
    if not session.payment_intent:
        return None
    intent = stripe_gateway.payment_intent_retrieve(session.payment_intent)
    return stripe_gateway.charge_retrieve(intent.latest_charge) if intent.latest_charge else None


def _session_paid(order: Order) -> None:
    session = stripe_gateway.checkout_session_retrieve(order.stripe_session_id)
    if session.payment_status in {"paid", "no_payment_required"}:
        order_payment_confirm(order=order, session=session, charge=_charge_of_session(session))


def _order_of_charge(charge) -> Order | None:
    """The order a charge paid, made paid first if its completion has not arrived yet."""
    if not charge.payment_intent:
        return None
    order = Order.objects.filter(stripe_payment_intent_id=charge.payment_intent).first()
    if order is None:
        intent = stripe_gateway.payment_intent_retrieve(charge.payment_intent)
        order_id = intent.metadata["order_id"] if "order_id" in (intent.metadata or {}) else ""
        order = Order.objects.filter(pk=order_id).exclude(stripe_session_id=None).first()
        if order is None:
            return None
        session = stripe_gateway.checkout_session_retrieve(order.stripe_session_id)
        if session.payment_intent != charge.payment_intent:
            return None
    _session_paid(order)
    order.refresh_from_db()
    return order


def _act(event_type: str, data_object: dict) -> None:
    if event_type in SESSION_PAID | SESSION_CLOSED:
        order = Order.objects.filter(stripe_session_id=data_object.get("id")).first()
        if order is None:
            return
        if event_type in SESSION_PAID:
            _session_paid(order)
        else:
            session = stripe_gateway.checkout_session_retrieve(order.stripe_session_id)
            order_close(order=order, session=session)
    elif event_type == "charge.refunded":
        charge = stripe_gateway.charge_retrieve(data_object["id"])
        order = _order_of_charge(charge)
        if order is not None:
            order_refund_apply(order=order, charge=charge)
    elif event_type == "charge.dispute.created":
        charge = stripe_gateway.charge_retrieve(data_object["charge"])
        order = _order_of_charge(charge)
        if order is not None:
            order_dispute_freeze(order=order, charge=charge, dispute_id=data_object["id"])


def stripe_events_unprocessed(*, older_than) -> list[int]:
    return list(
        StripeEvent.objects.filter(processed_at=None, received_at__lt=older_than)
        .order_by("received_at")
        .values_list("pk", flat=True)[:500]
    )


def stripe_event_process(*, event_pk: int) -> None:
    """Act on a recorded event once; an error is kept on the row and raised for a retry."""
    event = StripeEvent.objects.get(pk=event_pk)
    if event.processed_at is not None:
        return
    try:
        if event.type in HANDLED:
            _act(event.type, event.payload["data"]["object"])
    except Exception as error:
        StripeEvent.objects.filter(pk=event_pk).update(error=repr(error)[:2000])
        raise
    StripeEvent.objects.filter(pk=event_pk, processed_at=None).update(
        processed_at=timezone.now(), error=""
    )
