"""CME activities, completions and claims for tests."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from credentials.cme import services
from credentials.cme.models import (
    ActivityCredit,
    ClaimSource,
    CmeActivity,
    CreditType,
    LearningFormat,
)

_sequence = itertools.count(1)


def credit_type(code: str) -> CreditType:
    return CreditType.objects.get(code=code)


def make_activity(
    *,
    credits: dict[str, str] | None = None,
    learning_format: str = LearningFormat.ENDURING,
    module=None,
    **fields,
) -> CmeActivity:
    """An activity running from a year ago to a year ahead, offering `credits` (code → max)."""
    number = next(_sequence)
    today = timezone.localdate()
    fields.setdefault("code", f"cme-{number}")
    fields.setdefault("title", f"Coaching conversations {number}")
    fields.setdefault("provider", "Coach Academy CME")
    fields.setdefault("start_date", today - dt.timedelta(days=365))
    fields.setdefault("end_date", today + dt.timedelta(days=365))
    if learning_format == LearningFormat.LIVE:
        fields.setdefault("location", "Royal College, London")
    activity = CmeActivity(learning_format=learning_format, module=module, **fields)
    activity.full_clean()
    activity.save()
    for code, maximum in (credits or {"ama": "2", "participation": "2"}).items():
        offer = ActivityCredit(
            activity=activity, credit_type=credit_type(code), max_credits=Decimal(maximum)
        )
        offer.full_clean()
        offer.save()
    return activity


def evaluate(*, activity, learner, **answers):
    answers.setdefault("confidence_before", 2)
    answers.setdefault("confidence_after", 4)
    answers.setdefault("intends_change", False)
    return services.cme_evaluation_submit(activity=activity, learner=learner, **answers)


def complete_outside_lms(*, activity, learner, actor, days_ago: int = 1):
    return services.cme_completion_record(
        activity=activity,
        learner=learner,
        completed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        actor=actor,
    )


def make_claim(*, activity, learner, code: str = "ama", credits: str = "1", days_ago: int = 1):
    """An imported claim (no evaluation needed)."""
    return services.cme_claim_create(
        learner=learner,
        activity=activity,
        credit_type=credit_type(code),
        credits=Decimal(credits),
        completed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        source=ClaimSource.IMPORT,
    )
