"""Employer-funded purchase: an organisation admin buys N bundles and hands them to members."""

from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Order, OrderStatus, Organisation
from billing.selectors import credit_balance
from tests.billing.factories import make_bundle
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    organisation = Organisation.objects.create(name="Northwind Health")
    boss, first, second = make_trainee(), make_trainee(), make_trainee()
    organisation.admins.add(boss)
    organisation.members.add(first, second)
    return organisation


def test_admin_buys_three_bundles_and_hands_them_out(client, organisation, stripe_double, deliver):
    boss = organisation.admins.get()
    first, second = organisation.members.order_by("pk")
    bundle = make_bundle(hours=Decimal(6), price=50000)
    client.force_login(boss)
    url = f"/billing/organisations/{organisation.pk}/"
    response = client.post(url, {"action": "buy", "buy-bundle": bundle.pk, "buy-quantity": 3})
    assert response.status_code == 303
    order = Order.objects.get()
    assert (order.organisation, order.quantity, order.amount) == (organisation, 3, 150000)
    stripe_double.pay(order.stripe_session_id)
    deliver(stripe_double.events("checkout.session.completed")[0])
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert credit_balance(coach=boss, on=timezone.localdate()) == 0  # nothing to the buyer

    for member in (first, second, first):
        response = client.post(
            url, {"action": "assign", "assign-order": order.pk, "assign-member": member.pk}
        )
        assert response.status_code == 302
    today = timezone.localdate()
    assert credit_balance(coach=first, on=today) == Decimal(12)
    assert credit_balance(coach=second, on=today) == Decimal(6)
    refused = client.post(
        url, {"action": "assign", "assign-order": order.pk, "assign-member": second.pk}
    )
    assert refused.status_code == 400
    assert "Every bundle of this order has been handed out." in refused.content.decode()
    assert credit_balance(coach=second, on=today) == Decimal(6)


def test_only_the_organisations_admins_see_its_page_and_orders(client, organisation):
    member = organisation.members.first()
    client.force_login(member)
    assert client.get(f"/billing/organisations/{organisation.pk}/").status_code == 403
    client.force_login(make_trainee())
    assert client.get(f"/billing/organisations/{organisation.pk}/").status_code == 403
