"""Celery tasks of the billing app: they take ids and call services."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from billing import stripe_gateway
from billing.services.expiry import lots_expire, lots_remind
from billing.services.webhooks import stripe_event_process


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
