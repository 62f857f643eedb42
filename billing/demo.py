"""Demo bundles and a coach with credit (called by seed_demo; idempotent)."""

from decimal import Decimal

from django.db import transaction

from billing.models import Bundle, CreditEntry, OrderStatus
from billing.services.ledger import credits_purchase
from billing.services.orders import order_create, order_transition
from lms.models import User

BUNDLES = [
    ("mentor-6", "Mentor coaching · 6 hours", "individual", 6, 60000),
    ("mentor-12", "Mentor coaching · 12 hours", "individual", 12, 114000),
    ("mentor-24", "Mentor coaching · 24 hours", "individual", 24, 216000),
    ("group-circle-10", "Group mentoring circle · 10 hours", "group_circle", 10, 45000),
]
DEMO_COACH = "trainee@demo.coach"


@transaction.atomic
def billing_demo_seed() -> None:
    for slug, name, kind, hours, price in BUNDLES:
        Bundle.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "hours": Decimal(hours),
                "price": price,
                "currency": "gbp",
                "validity_months": 12,
                "description": f"{hours} hours with an ICF-credentialed mentor coach.",
            },
        )
    coach = User.objects.filter(email=DEMO_COACH).first()
    if coach is None or CreditEntry.objects.filter(coach=coach).exists():
        return
    order = order_create(coach=coach, bundle=Bundle.objects.get(slug="mentor-12"))
    order_transition(order=order, to_status=OrderStatus.PAID, note="Demo data.")
    credits_purchase(order=order, coach=coach, hours=order.hours, seat=0, actor=None)
