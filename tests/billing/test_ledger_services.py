"""The ledger API bookings call: spend soonest expiry first, return, never below zero."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from billing.models import CreditEntry, EntryKind
from billing.selectors import credit_balance, credit_lots
from billing.services.ledger import credits_purchase, credits_return, credits_spend
from tests.billing.factories import make_paid_lot
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def test_spend_takes_the_lot_that_expires_first(trainee):
    later = make_paid_lot(trainee, hours=6, validity_months=12)
    sooner = make_paid_lot(trainee, hours=2, validity_months=3)
    entries = credits_spend(coach=trainee, hours=Decimal(3), booking_id=41, actor=trainee)
    assert [(e.lot_id, e.hours) for e in entries] == [(sooner.pk, -2), (later.pk, -1)]
    assert all(e.kind == EntryKind.BOOKING and e.booking_id == 41 for e in entries)
    assert credit_balance(coach=trainee, on=_today()) == Decimal(5)
    lots = credit_lots(coach=trainee, on=_today())
    assert [(lot.id, lot.remaining) for lot in lots] == [(later.pk, Decimal(5))]


def test_spending_more_than_the_balance_is_refused_and_writes_nothing(trainee):
    make_paid_lot(trainee, hours=2)
    before = CreditEntry.objects.count()
    with pytest.raises(ValidationError, match="not enough credit") as refused:
        credits_spend(coach=trainee, hours=Decimal(3), booking_id=1, actor=trainee)
    assert refused.value.code == "not_enough_credit"
    assert CreditEntry.objects.count() == before


def test_expired_lots_cannot_be_spent(trainee):
    lot = make_paid_lot(trainee, hours=6)
    CreditEntry.objects.filter(pk=lot.pk).update(expires_on=_today() - timedelta(days=1))
    with pytest.raises(ValidationError):
        credits_spend(coach=trainee, hours=Decimal(1), booking_id=1, actor=trainee)


def test_return_gives_back_what_the_booking_holds_once(trainee):
    make_paid_lot(trainee, hours=2, validity_months=3)
    make_paid_lot(trainee, hours=6)
    spent = credits_spend(coach=trainee, hours=Decimal(4), booking_id=9, actor=trainee)
    returned = credits_return(entries_or_booking_id=spent, actor=trainee, reason="Cancelled")
    assert sorted(e.hours for e in returned) == [Decimal(2), Decimal(2)]
    assert credits_return(entries_or_booking_id=9, actor=trainee, reason="Again") == []
    assert credit_balance(coach=trainee, on=_today()) == Decimal(8)


def test_one_purchase_entry_per_order_is_a_database_rule(trainee):
    lot = make_paid_lot(trainee)
    with pytest.raises(IntegrityError), transaction.atomic():
        credits_purchase(order=lot.order, coach=trainee, hours=Decimal(6), seat=0, actor=None)


@pytest.mark.postgres
def test_parallel_spends_never_overdraw(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    coach = make_trainee()
    make_paid_lot(coach, hours=5)
    outcomes, barrier = [], threading.Barrier(8)

    def book(number):
        barrier.wait()
        try:
            credits_spend(coach=coach, hours=Decimal(1), booking_id=number, actor=coach)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("booked") == 5
    assert credit_balance(coach=coach, on=_today()) == 0
