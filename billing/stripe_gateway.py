"""The only module that talks to Stripe (through the official SDK).

Configured from STRIPE_SECRET_KEY and STRIPE_API_BASE (Stripe's own, or the test double of
billing.stripe_double). Returns the SDK's StripeObjects; errors are the SDK's StripeError.
"""

import stripe
from django.conf import settings

StripeError = stripe.StripeError
SignatureVerificationError = stripe.SignatureVerificationError


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY or "sk_test_unset",
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
    )


def checkout_session_create(*, order, success_url: str, cancel_url: str, customer_email: str):
    bundle = order.bundle
    if bundle.stripe_price_id:
        line_item = {"price": bundle.stripe_price_id, "quantity": order.quantity}
    else:
        line_item = {
            "quantity": order.quantity,
            "price_data": {
                "currency": order.currency,
                "unit_amount": bundle.price,
                "product_data": {"name": bundle.name},
            },
        }
    metadata = {"order_id": str(order.pk)}
    return _client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [line_item],
            "client_reference_id": str(order.pk),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "customer_email": customer_email,
            "success_url": success_url,
            "cancel_url": cancel_url,
        },
        options={"idempotency_key": f"order-{order.pk}-checkout"},
    )


def checkout_session_retrieve(session_id: str):
    return _client().v1.checkout.sessions.retrieve(session_id)


def checkout_session_expire(session_id: str):
    return _client().v1.checkout.sessions.expire(session_id)


def payment_intent_retrieve(payment_intent_id: str):
    return _client().v1.payment_intents.retrieve(payment_intent_id)


def charge_retrieve(charge_id: str):
    return _client().v1.charges.retrieve(charge_id)


def refund_create(*, payment_intent_id: str, amount: int | None, idempotency_key: str):
    params = {"payment_intent": payment_intent_id}
    if amount is not None:
        params["amount"] = amount
    return _client().v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})


def webhook_event_construct(*, payload: bytes, signature: str | None):
    """The verified event (the SDK's default tolerance). Raises ValueError for a body that is
    not JSON and SignatureVerificationError for a missing, wrong or stale signature."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
