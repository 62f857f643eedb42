"""Lots past their validity: expiry entries, and one reminder 30 days before."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from billing.models import CreditEntry, EntryKind, ExpiryReminder
from billing.services.ledger import credit_entry_create, lot_remaining
from lms.services import email_enqueue

REMINDER_DAYS = 30


@transaction.atomic
def lot_expire(*, lot: CreditEntry) -> CreditEntry | None:
    """Write off what is left of an expired lot, once (unique expiry entry per lot)."""
    if lot.draws.filter(kind=EntryKind.EXPIRY).exists():
        return None
    left = lot_remaining(lot).remaining
    # Written even when nothing is left, so that tomorrow's run skips this lot.
    return credit_entry_create(
        coach_id=lot.coach_id,
        kind=EntryKind.EXPIRY,
        hours=-max(left, 0),
        lot=lot,
        order_id=lot.order_id,
        reason=f"Expired on {lot.expires_on:%Y-%m-%d}",
    )


def lots_expire(*, today: date) -> int:
    """Expire every lot whose last usable day is before `today`; how many were closed."""
    due = CreditEntry.objects.filter(kind=EntryKind.PURCHASE, expires_on__lt=today).exclude(
        draws__kind=EntryKind.EXPIRY
    )
    return sum(lot_expire(lot=lot) is not None for lot in due.select_related("coach"))


@transaction.atomic
def lot_remind(*, lot: CreditEntry) -> bool:
    """Email the coach once that this lot's unspent hours expire soon."""
    left = lot_remaining(lot).remaining
    if left <= 0:
        return False
    try:
        with transaction.atomic():
            ExpiryReminder.objects.create(lot=lot)
    except IntegrityError:
        return False
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("billing:credits")
    email_enqueue(
        subject="Your mentor-coaching hours expire soon",
        body=(
            f"Hello {lot.coach.first_name},\n\n"
            f"{left} hours of mentor coaching you bought expire on "
            f"{lot.expires_on:%d %B %Y}. Book your sessions before then.\n\n"
            f"See your credits: {url}\n"
        ),
        to=[lot.coach.email],
    )
    return True


def lots_remind(*, today: date) -> int:
    """Remind about lots that expire within REMINDER_DAYS and have not been reminded."""
    due = CreditEntry.objects.filter(
        kind=EntryKind.PURCHASE,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=REMINDER_DAYS),
        reminder=None,
    )
    return sum(lot_remind(lot=lot) for lot in due.select_related("coach"))
