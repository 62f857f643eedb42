"""Celery tasks of the billing app: they take ids and call services."""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from billing import stripe_gateway
from billing.services.expiry import lots_expire, lots_remind
from billing.services.webhooks import stripe_event_process, stripe_events_unprocessed


@shared_task(
    autoretry_for=(stripe_gateway.StripeError, OperationalError),
    retry_backoff=True,
    max_retries=8,
    name="billing.process_stripe_event",
)
def process_stripe_event(event_pk: int) -> None:
    stripe_event_process(event_pk=event_pk)


@shared_task(name="billing.expire_credits")
def expire_credits() -> dict:
    today = timezone.localdate()
    return {"expired": lots_expire(today=today), "reminded": lots_remind(today=today)}


@shared_task(name="billing.retry_stripe_events")
def retry_stripe_events() -> int:
    """Events recorded but not processed (Stripe's API was down, a worker died) get another go;
    Stripe will not resend them, since the webhook answered 2xx once they were recorded."""
    waiting = stripe_events_unprocessed(older_than=timezone.now() - timedelta(minutes=5))
    for event_pk in waiting:
        process_stripe_event.delay(event_pk)
    return len(waiting)
