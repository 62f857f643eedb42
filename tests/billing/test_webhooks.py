"""POST /billing/stripe/webhook/ per DESIGN §4, and what each event does to orders and credits."""

import json
import time
from decimal import Decimal

import pytest
import stripe
from django.core import mail
from django.db import DatabaseError
from django.utils import timezone

from billing.models import CreditEntry, EntryKind, Order, OrderStatus, RefundShortfall, StripeEvent
from billing.selectors import credit_balance
from billing.services.ledger import credits_spend
from billing.services.orders import order_refund_request
from tests.billing.conftest import WEBHOOK_PATH, signed_post
from tests.billing.factories import make_bundle
from tests.factories.people import make_programme_admin

pytestmark = pytest.mark.django_db


def _paid_session(client, coach, double, *, hours=6, price=60000):
    bundle = make_bundle(hours=Decimal(hours), price=price)
    client.force_login(coach)
    client.post(f"/billing/bundles/{bundle.slug}/checkout/")
    order = Order.objects.latest("pk")
    double.pay(order.stripe_session_id)
    return order, double.events("checkout.session.completed")[-1]


def _state(coach):
    """Everything a delivery may change, to compare two histories."""
    return (
        sorted(Order.objects.values_list("pk", "status", "amount_refunded")),
        sorted(CreditEntry.objects.values_list("kind", "hours", "order_id")),
        credit_balance(coach=coach, on=timezone.localdate()),
        sorted(RefundShortfall.objects.values_list("order_id", "hours")),
    )


def _refund(double, order, amount=None):
    charge_id = double.state.objects[order.stripe_session_id]["payment_intent"]
    intent = double.state.objects[charge_id]
    stripe.StripeClient(
        "sk_test_double", base_addresses={"api": double.base_url}
    ).v1.refunds.create(
        params={"charge": intent["latest_charge"], **({"amount": amount} if amount else {})}
    )
    return double.events("charge.refunded")[-1]


# Bad requests ---------------------------------------------------------------------------------


@pytest.fixture
def event_body(stripe_double, client, trainee):
    _, completed = _paid_session(client, trainee, stripe_double)
    return json.dumps(completed).encode()


def test_missing_signature_is_400_and_records_nothing(client, event_body):
    response = client.post(WEBHOOK_PATH, data=event_body, content_type="application/json")
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_wrong_secret_is_400(client, event_body):
    assert signed_post(client, event_body, secret="whsec_wrong").status_code == 400
    assert not StripeEvent.objects.exists()


def test_stale_timestamp_is_400(client, event_body):
    stale = int(time.time()) - 301
    assert signed_post(client, event_body, timestamp=stale).status_code == 400
    assert not StripeEvent.objects.exists()


def test_tampered_body_is_400(client, event_body):
    header = signed_post.__globals__["signature_header"](event_body, "whsec_test_double")
    response = client.post(
        WEBHOOK_PATH,
        data=event_body.replace(b"checkout.session.completed", b"checkout.session.expired"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400


def test_signed_body_that_is_not_json_is_400(client, stripe_double):
    assert signed_post(client, b"not json at all").status_code == 400
    assert not StripeEvent.objects.exists()


def test_body_over_one_mebibyte_is_413_before_it_is_read(client, stripe_double):
    huge = b'{"id": "evt_x", "pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert signed_post(client, huge).status_code == 413
    assert not StripeEvent.objects.exists()


def test_get_is_not_allowed(client):
    assert client.get(WEBHOOK_PATH).status_code == 405


def test_database_down_answers_503_so_stripe_retries(client, event_body, monkeypatch):
    def fail(**kwargs):
        raise DatabaseError("database is down")

    monkeypatch.setattr("billing.views.stripe_event_record", fail)
    assert signed_post(client, event_body).status_code == 503


# Acting on events -----------------------------------------------------------------------------


def test_unknown_types_and_foreign_sessions_are_recorded_and_change_nothing(
    client, trainee, stripe_double, deliver
):
    order, completed = _paid_session(client, trainee, stripe_double)
    foreign = json.loads(json.dumps(completed))
    foreign["id"] = "evt_foreign"
    foreign["data"]["object"]["id"] = "cs_test_not_ours"
    deliver(foreign)
    unknown = {**completed, "id": "evt_unknown", "type": "customer.created"}
    deliver(unknown)
    assert StripeEvent.objects.filter(processed_at__isnull=False).count() == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not CreditEntry.objects.exists()


def test_a_forged_payload_is_not_trusted_the_session_is_re_read(
    client, trainee, stripe_double, deliver
):
    bundle = make_bundle()
    client.force_login(trainee)
    client.post(f"/billing/bundles/{bundle.slug}/checkout/")
    order = Order.objects.get()
    session = dict(stripe_double.state.objects[order.stripe_session_id])
    session.update(status="complete", payment_status="paid")  # says paid; Stripe says not
    deliver(
        {
            "id": "evt_forged",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {"object": {k: v for k, v in session.items() if not k.startswith("_")}},
        }
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not CreditEntry.objects.exists()


def test_replayed_ten_times_credits_once(client, trainee, stripe_double, deliver):
    _order, completed = _paid_session(client, trainee, stripe_double)
    for _ in range(10):
        deliver(completed)
    assert StripeEvent.objects.count() == 1
    assert CreditEntry.objects.filter(kind=EntryKind.PURCHASE).count() == 1
    assert credit_balance(coach=trainee, on=timezone.localdate()) == Decimal(6)


def test_a_different_event_for_the_same_payment_credits_once(
    client, trainee, stripe_double, deliver
):
    _order, completed = _paid_session(client, trainee, stripe_double)
    deliver(completed)
    deliver({**completed, "id": "evt_again", "type": "checkout.session.async_payment_succeeded"})
    assert CreditEntry.objects.filter(kind=EntryKind.PURCHASE).count() == 1


def test_full_refund_removes_the_credits(client, trainee, stripe_double, deliver):
    order, completed = _paid_session(client, trainee, stripe_double)
    deliver(completed)
    deliver(_refund(stripe_double, Order.objects.get()))
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.amount_refunded == 60000
    assert credit_balance(coach=trainee, on=timezone.localdate()) == 0


def test_partial_refunds_remove_their_share_then_the_rest(client, trainee, stripe_double, deliver):
    order, completed = _paid_session(client, trainee, stripe_double, hours=6, price=60000)
    deliver(completed)
    order.refresh_from_db()
    deliver(_refund(stripe_double, order, amount=20000))
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert credit_balance(coach=trainee, on=timezone.localdate()) == Decimal(4)
    deliver(_refund(stripe_double, order, amount=40000))
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert credit_balance(coach=trainee, on=timezone.localdate()) == 0


def test_refund_after_spending_removes_what_is_left_and_flags_the_rest(
    client, trainee, stripe_double, deliver
):
    admin = make_programme_admin()
    order, completed = _paid_session(client, trainee, stripe_double)
    deliver(completed)
    credits_spend(coach=trainee, hours=Decimal(4), booking_id=1, actor=trainee)
    mail.outbox.clear()
    order.refresh_from_db()
    deliver(_refund(stripe_double, order))
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert credit_balance(coach=trainee, on=timezone.localdate()) == 0
    refund = CreditEntry.objects.get(kind=EntryKind.REFUND)
    assert refund.hours == Decimal(-2)
    shortfall = RefundShortfall.objects.get()
    assert shortfall.hours == Decimal(4) and not shortfall.resolved
    (message,) = mail.outbox
    assert message.to == [admin.email] and "already been used" in message.body


def test_refund_before_completion_ends_as_in_order(client, trainee, stripe_double, deliver):
    order, completed = _paid_session(client, trainee, stripe_double)
    order.refresh_from_db()
    session = stripe_double.state.objects[order.stripe_session_id]
    charge_id = stripe_double.state.objects[session["payment_intent"]]["latest_charge"]
    stripe.StripeClient(
        "sk_test_double", base_addresses={"api": stripe_double.base_url}
    ).v1.refunds.create(params={"charge": charge_id, "amount": 30000})
    refunded = stripe_double.events("charge.refunded")[-1]
    deliver(refunded)  # arrives first
    deliver(completed)
    out_of_order = _state(trainee)
    assert out_of_order[0] == [(order.pk, OrderStatus.PARTIALLY_REFUNDED, 30000)]
    assert out_of_order[2] == Decimal(3)
    for _ in range(3):
        deliver(completed)
        deliver(refunded)
    assert _state(trainee) == out_of_order


def test_dispute_freezes_unspent_credits_and_tells_the_admins(
    client, trainee, stripe_double, deliver
):
    admin = make_programme_admin()
    order, completed = _paid_session(client, trainee, stripe_double)
    deliver(completed)
    order.refresh_from_db()
    credits_spend(coach=trainee, hours=Decimal(1), booking_id=5, actor=trainee)
    mail.outbox.clear()
    stripe_double.dispute(order.stripe_charge_id)
    disputed = stripe_double.events("charge.dispute.created")[-1]
    deliver(disputed)
    deliver(disputed)
    assert credit_balance(coach=trainee, on=timezone.localdate()) == 0
    assert CreditEntry.objects.get(kind=EntryKind.DISPUTE_FREEZE).hours == Decimal(-5)
    (message,) = mail.outbox
    assert message.to == [admin.email] and "disputed" in message.body


def test_async_payment_failure_fails_the_order(client, trainee, stripe_double, deliver):
    bundle = make_bundle()
    client.force_login(trainee)
    client.post(f"/billing/bundles/{bundle.slug}/checkout/")
    order = Order.objects.get()
    session = stripe_double.state.objects[order.stripe_session_id]
    session.update(status="complete", payment_status="unpaid")
    event = stripe_double.state.event_send("checkout.session.async_payment_failed", session)
    deliver(event)
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED


def test_admin_refund_goes_through_stripe_and_the_webhook(client, trainee, stripe_double, deliver):
    admin = make_programme_admin()
    order, completed = _paid_session(client, trainee, stripe_double)
    deliver(completed)
    order.refresh_from_db()
    order_refund_request(order=order, actor=admin, amount=10000)
    deliver(stripe_double.events("charge.refunded")[-1])
    order.refresh_from_db()
    assert order.amount_refunded == 10000
    assert credit_balance(coach=trainee, on=timezone.localdate()) == Decimal(5)


@pytest.mark.postgres
def test_concurrent_deliveries_credit_once(transactional_db, client, stripe_double):
    import threading

    from django.db import connection

    from billing.services.webhooks import stripe_event_process, stripe_event_record
    from tests.factories.people import make_trainee

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    coach = make_trainee()
    _order, completed = _paid_session(client, coach, stripe_double)
    event = stripe.Event.construct_from(completed, "sk_test_double")
    rows = [
        stripe_event_record(event=event, payload=json.dumps(completed).encode())[0],
        stripe_event_record(
            event=stripe.Event.construct_from({**completed, "id": "evt_other"}, "k"),
            payload=json.dumps({**completed, "id": "evt_other"}).encode(),
        )[0],
    ]
    barrier, errors = threading.Barrier(6), []

    def work(row):
        barrier.wait()
        try:
            stripe_event_process(event_pk=row.pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(rows[n % 2],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CreditEntry.objects.filter(kind=EntryKind.PURCHASE).count() == 1
    assert credit_balance(coach=coach, on=timezone.localdate()) == Decimal(6)


def test_event_that_could_not_be_processed_is_kept_and_retried(
    client, trainee, stripe_double, deliver, settings
):
    from datetime import timedelta

    from billing.tasks import retry_stripe_events

    _order, completed = _paid_session(client, trainee, stripe_double)
    api_base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe's API is unreachable for a while
    deliver(completed)  # recorded: 200, so Stripe does not resend it
    event = StripeEvent.objects.get()
    assert event.processed_at is None and "APIConnectionError" in event.error
    assert not CreditEntry.objects.exists()

    settings.STRIPE_API_BASE = api_base
    StripeEvent.objects.update(received_at=timezone.now() - timedelta(minutes=6))
    assert retry_stripe_events.delay().get() == 1
    event.refresh_from_db()
    assert event.processed_at is not None and event.error == ""
    assert credit_balance(coach=trainee, on=timezone.localdate()) == Decimal(6)
