"""The whole purchase over HTTP: the app on a live server, the double in its own process
(`python -m billing.stripe_double`, as `make demo` runs it) sending real signed webhooks."""

import re
import time
from decimal import Decimal

import requests
from django.conf import settings
from django.test import Client
from django.utils import timezone

from billing.models import Order, OrderStatus, StripeEvent
from billing.selectors import credit_balance
from tests.billing.factories import make_bundle
from tests.factories.people import make_trainee


def _until(check, *, seconds=30):
    """Poll like the order page does; a bound, not a timing assertion."""
    deadline = time.monotonic() + seconds
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return result


def test_buy_pay_and_get_the_credits_over_http(transactional_db, live_server, double_process):
    coach = make_trainee()
    bundle = make_bundle(hours=Decimal(12), price=114000)
    signed_in = Client()
    signed_in.force_login(coach)
    browser = requests.Session()
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    )

    catalogue = browser.get(f"{live_server.url}/billing/bundles/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', catalogue.text).group(1)
    bought = browser.post(
        f"{live_server.url}/billing/bundles/{bundle.slug}/checkout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": live_server.url + "/billing/bundles/"},
        allow_redirects=False,
    )
    assert bought.status_code == 303
    assert bought.headers["Location"].startswith(double_process + "/pay/cs_test_")
    csp = catalogue.headers["Content-Security-Policy"]
    assert "form-action 'self'" in csp

    page = browser.get(bought.headers["Location"])
    assert "Card number" in page.text
    paid = browser.post(
        bought.headers["Location"], data={"card": "4242 4242 4242 4242"}, allow_redirects=False
    )
    order = Order.objects.get()
    assert paid.status_code == 303
    assert paid.headers["Location"] == f"{live_server.url}/billing/orders/{order.pk}/"

    confirmed = _until(lambda: "Payment confirmed" in browser.get(paid.headers["Location"]).text)
    assert confirmed
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert credit_balance(coach=coach, on=timezone.localdate()) == Decimal(12)
    assert StripeEvent.objects.get().processed_at is not None
    receipt = browser.get(f"{live_server.url}/billing/credits/").text
    assert f'href="{order.receipt_url}"' in receipt
