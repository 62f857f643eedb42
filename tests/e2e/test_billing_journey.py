"""A coach buys a bundle in Chromium: catalogue, Stripe's hosted page (the double, in its own
process), a declined card, a good one, and the order page that waits for the webhook."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from billing.models import Order, OrderStatus
from tests.billing.conftest import double_process  # noqa: F401 - the fixture
from tests.billing.factories import make_bundle
from tests.e2e.test_learning_journey import sign_in
from tests.factories.people import make_trainee


def test_coach_buys_hours_through_checkout_and_sees_them(
    web,
    live_server,
    double_process,  # noqa: F811
):
    coach = make_trainee()
    make_bundle(name="Twelve hours", hours=Decimal(12), price=114000)
    sign_in(web, coach.email)

    web.goto("/billing/bundles/")
    web.page.get_by_role("button", name="Buy Twelve hours").click()
    web.page.wait_for_url(re.compile(re.escape(double_process) + r"/pay/cs_test_"))
    web.check()  # the browser followed the 303 (CSP form-action allows the origin)

    web.page.get_by_label("Card number").fill("4000 0000 0000 0002")
    web.page.get_by_role("button", name="Pay").click()
    expect(web.page.get_by_role("alert")).to_have_text("Your card was declined.")

    web.page.get_by_label("Card number").fill("4242 4242 4242 4242")
    web.page.get_by_role("button", name="Pay").click()
    order = Order.objects.get()
    web.page.wait_for_url(f"{live_server.url}/billing/orders/{order.pk}/")
    # The page polls (htmx) until the webhook has confirmed the payment.
    expect(web.page.get_by_text("Payment confirmed")).to_be_visible(timeout=30_000)
    web.check()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    web.page.get_by_role("link", name="your credits").click()
    expect(web.page.get_by_text("12 hours")).to_be_visible()
    web.check()
