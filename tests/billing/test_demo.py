from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import Bundle, CreditEntry, Order
from billing.selectors import credit_balance
from lms.models import User


@pytest.mark.django_db
def test_seed_demo_adds_the_bundles_and_a_coach_with_credit_once(
    django_capture_on_commit_callbacks,
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", stdout=None)
    assert sorted(Bundle.objects.values_list("hours", "kind")) == [
        (Decimal(6), "individual"),
        (Decimal(10), "group_circle"),
        (Decimal(12), "individual"),
        (Decimal(24), "individual"),
    ]
    coach = User.objects.get(email="trainee@demo.coach")
    # 12 hours bought, one of them spent on the booked demo session.
    assert credit_balance(coach=coach, on=timezone.localdate()) == Decimal(11)
    assert Order.objects.count() == 1
    assert sorted(CreditEntry.objects.values_list("kind", flat=True)) == ["booking", "purchase"]
