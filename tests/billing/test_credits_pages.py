"""credit_balance (DESIGN §4), My credits, expiry and reminders, who sees what, admin screens."""

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from billing.models import CreditEntry, EntryKind, ExpiryReminder, Order
from billing.selectors import credit_balance
from billing.services.ledger import credits_spend
from billing.tasks import expire_credits
from tests.billing.factories import make_bundle, make_paid_lot
from tests.factories.people import PASSWORD, make_programme_admin, make_trainee

pytestmark = pytest.mark.django_db


def _set_expiry(lot, days_from_today):
    CreditEntry.objects.filter(pk=lot.pk).update(
        expires_on=timezone.localdate() + timedelta(days=days_from_today)
    )
    lot.refresh_from_db()
    return lot


def test_credit_balance_json_matches_the_interface(trainee):
    later = make_paid_lot(trainee, hours=12, validity_months=12)
    sooner = make_paid_lot(trainee, hours=6, validity_months=6)
    spent_out = make_paid_lot(trainee, hours=1, validity_months=1)
    expired = _set_expiry(make_paid_lot(trainee, hours=3), -1)
    credits_spend(coach=trainee, hours=Decimal("2.5"), booking_id=3, actor=trainee)
    out = StringIO()
    call_command("credit_balance", trainee.email.upper(), "--json", stdout=out)
    result = json.loads(out.getvalue())
    today = timezone.localdate()
    assert result == {
        "email": trainee.email,
        "balance_hours": 16.5,
        "lots": [
            {
                "order": sooner.order_id,
                "hours": 6,
                "remaining_hours": 4.5,
                "purchased_on": today.isoformat(),
                "expires_on": sooner.expires_on.isoformat(),
            },
            {
                "order": later.order_id,
                "hours": 12,
                "remaining_hours": 12,
                "purchased_on": today.isoformat(),
                "expires_on": later.expires_on.isoformat(),
            },
        ],
    }
    assert spent_out.order_id not in {lot["order"] for lot in result["lots"]}
    assert expired.order_id not in {lot["order"] for lot in result["lots"]}


def test_credit_balance_unknown_email_exits_1():
    with pytest.raises(CommandError) as error:
        call_command("credit_balance", "nobody@example.org", "--json")
    assert error.value.returncode == 1


def test_my_credits_shows_balance_expiry_and_receipts(client, trainee):
    lot = make_paid_lot(trainee, hours=6)
    Order.objects.filter(pk=lot.order_id).update(receipt_url="https://pay.example/receipts/1")
    client.force_login(trainee)
    page = client.get("/billing/credits/").content.decode()
    assert "<strong>6 hours</strong>" in page
    assert lot.expires_on.strftime("%-d %b %Y") in page
    assert 'href="https://pay.example/receipts/1"' in page


def test_no_one_sees_anyone_elses_orders_or_credits(client, trainee):
    lot = make_paid_lot(trainee, hours=6)
    other = make_trainee()
    client.force_login(other)
    assert client.get(f"/billing/orders/{lot.order_id}/").status_code == 404
    page = client.get("/billing/credits/").content.decode()
    assert "<strong>0 hours</strong>" in page and f"/billing/orders/{lot.order_id}/" not in page
    anonymous = Client()
    assert anonymous.get(f"/billing/orders/{lot.order_id}/").status_code == 302
    assert anonymous.get("/billing/credits/").status_code == 302
    client.force_login(trainee)
    assert client.get(f"/billing/orders/{lot.order_id}/").status_code == 200


def test_expiry_writes_off_what_is_left_once(trainee):
    lot = _set_expiry(make_paid_lot(trainee, hours=6), -1)
    assert expire_credits.delay().get()["expired"] == 1
    assert expire_credits.delay().get()["expired"] == 0
    entry = CreditEntry.objects.get(kind=EntryKind.EXPIRY)
    assert entry.lot_id == lot.pk and entry.hours == Decimal(-6)
    assert credit_balance(coach=trainee, on=timezone.localdate()) == 0


def test_reminder_30_days_before_expiry_is_sent_once_and_its_link_works(
    client, trainee, django_capture_on_commit_callbacks
):
    _set_expiry(make_paid_lot(trainee, hours=6), 30)
    _set_expiry(make_paid_lot(trainee, hours=2), 31)  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_credits.delay().get()["reminded"] == 1
        assert expire_credits.delay().get()["reminded"] == 0
    assert ExpiryReminder.objects.count() == 1
    (message,) = [m for m in mail.outbox if "expire soon" in m.subject]
    assert message.to == [trainee.email] and "6.00 hours" in message.body
    link = next(word for word in message.body.split() if word.startswith("http://testserver/"))
    assert client.post("/accounts/login/", {"username": trainee.email, "password": PASSWORD})
    assert client.get(link.removeprefix("http://testserver")).status_code == 200


def test_admin_lists_orders_and_ledger_and_exports(client):
    admin = make_programme_admin(is_superuser=True)
    make_paid_lot(make_trainee(), hours=6)
    client.force_login(admin)
    for url in [
        "/django-admin/billing/order/",
        "/django-admin/billing/creditentry/",
        "/django-admin/billing/stripeevent/",
        "/django-admin/billing/refundshortfall/",
        "/django-admin/billing/order/export/",
        "/cms/snippets/billing/bundle/",
    ]:
        assert client.get(url).status_code == 200, url


def test_bundle_snippet_refuses_a_bad_currency():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="three-letter"):
        make_bundle(currency="pounds")


def test_order_export_keeps_formula_like_text_as_text():
    from billing.admin import OrderResource

    coach = make_trainee()
    make_paid_lot(coach, bundle=make_bundle(name='=HYPERLINK("http://x")'))
    dataset = OrderResource().export()
    (row,) = dataset.dict
    assert row["bundle__name"] == '\'=HYPERLINK("http://x")'
    assert row["coach__email"] == coach.email


def test_a_spent_lot_expires_with_a_zero_entry_and_is_not_looked_at_again(trainee):
    lot = make_paid_lot(trainee, hours=2)
    credits_spend(coach=trainee, hours=Decimal(2), booking_id=8, actor=trainee)
    _set_expiry(lot, -1)
    assert expire_credits.delay().get()["expired"] == 1
    assert CreditEntry.objects.get(kind=EntryKind.EXPIRY).hours == 0
    assert expire_credits.delay().get()["expired"] == 0
