"""Catalogue, checkout through the real SDK against the double, and the order page."""

from decimal import Decimal

import pytest
import requests
from django.utils import timezone

from billing.models import CreditEntry, Order, OrderStatus
from billing.selectors import credit_balance
from tests.billing.factories import make_bundle
from tests.project_process import run_python

pytestmark = pytest.mark.django_db


def _buy(client, user, bundle):
    client.force_login(user)
    return client.post(f"/billing/bundles/{bundle.slug}/checkout/")


def test_catalogue_is_public_and_lists_active_bundles_with_their_buy_forms(client):
    on_sale = make_bundle(name="Twelve hours", hours=Decimal(12))
    make_bundle(name="Retired bundle", active=False)
    response = client.get("/billing/bundles/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Twelve hours" in page and "Retired bundle" not in page
    assert f'<form method="post" action="/billing/bundles/{on_sale.slug}/checkout/">' in page
    assert "csrfmiddlewaretoken" in page


def test_anonymous_buyer_is_sent_to_sign_in(client):
    bundle = make_bundle()
    response = client.post(f"/billing/bundles/{bundle.slug}/checkout/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Order.objects.exists()


def test_csp_form_action_allows_stripe_checkout_and_the_configured_api_base():
    shown = run_python(
        "-c",
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])",
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        STRIPE_API_BASE="http://127.0.0.1:12111/",
    )
    assert shown.returncode == 0, shown.stderr
    assert "'https://checkout.stripe.com', 'http://127.0.0.1:12111'" in shown.stdout


def test_buying_redirects_to_checkout_and_the_webhook_gives_the_credits(
    client, trainee, stripe_double, deliver
):
    bundle = make_bundle(hours=Decimal(12), price=120000)
    response = _buy(client, trainee, bundle)
    order = Order.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{stripe_double.base_url}/pay/{order.stripe_session_id}"
    session = stripe_double.state.objects[order.stripe_session_id]
    assert session["mode"] == "payment"
    assert session["client_reference_id"] == str(order.pk)
    assert session["metadata"] == {"order_id": str(order.pk)}
    assert session["amount_total"] == 120000

    # Before the webhook, the order page says it is waiting and keeps polling.
    page = client.get(f"/billing/orders/{order.pk}/").content.decode()
    assert "waiting for the payment provider" in page and 'hx-trigger="every 2s"' in page

    paid = stripe_double.pay(order.stripe_session_id)
    assert paid.status_code == 303
    assert paid.headers["Location"] == f"http://testserver/billing/orders/{order.pk}/"
    (completed,) = stripe_double.events("checkout.session.completed")
    deliver(completed)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.receipt_url.startswith(stripe_double.base_url + "/receipts/ch_")
    assert credit_balance(coach=trainee, on=timezone.localdate()) == Decimal(12)
    fragment = client.get(f"/billing/orders/{order.pk}/", HTTP_HX_REQUEST="true")
    assert "Payment confirmed" in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()
    assert [e.to_status for e in order.events.all()] == ["pending", "paid"]


def test_the_same_order_posted_twice_reuses_one_checkout_session(client, trainee, stripe_double):
    bundle = make_bundle()
    first = _buy(client, trainee, bundle)
    second = _buy(client, trainee, bundle)
    assert first["Location"] != second["Location"]  # two orders, two sessions
    sessions = [
        o for o in stripe_double.state.objects.values() if o["object"] == "checkout.session"
    ]
    assert len(sessions) == 2


def test_declined_card_leaves_the_session_open_and_gives_nothing(client, trainee, stripe_double):
    _buy(client, trainee, make_bundle())
    order = Order.objects.get()
    declined = stripe_double.pay(order.stripe_session_id, card="4000 0000 0000 0002")
    assert declined.status_code == 402 and "Your card was declined." in declined.text
    assert stripe_double.state.objects[order.stripe_session_id]["status"] == "open"
    assert stripe_double.events() == []
    assert not CreditEntry.objects.exists()


def test_card_needing_authentication_pays_after_the_extra_step(
    client, trainee, stripe_double, deliver
):
    _buy(client, trainee, make_bundle())
    order = Order.objects.get()
    asked = stripe_double.pay(order.stripe_session_id, card="4000 0000 0000 3220")
    assert "Authenticate" in asked.text and stripe_double.events() == []
    done = requests.post(
        f"{stripe_double.base_url}/pay/{order.stripe_session_id}/authenticate",
        data={"outcome": "complete"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.status_code == 303
    deliver(stripe_double.events("checkout.session.completed")[0])
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_stripe_unreachable_tells_the_coach_and_fails_the_order(client, trainee, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = _buy(client, trainee, make_bundle())
    assert response.status_code == 302 and response["Location"] == "/billing/bundles/"
    assert Order.objects.get().status == OrderStatus.FAILED
    page = client.get("/billing/bundles/").content.decode()
    assert "couldn" in page and "reach the payment provider" in page


def test_expired_session_expires_the_order(client, trainee, stripe_double, deliver):
    import stripe

    _buy(client, trainee, make_bundle())
    order = Order.objects.get()
    stripe.StripeClient(
        "sk_test_double", base_addresses={"api": stripe_double.base_url}
    ).v1.checkout.sessions.expire(order.stripe_session_id)
    deliver(stripe_double.events("checkout.session.expired")[0])
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
