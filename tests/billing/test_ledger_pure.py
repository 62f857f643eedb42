"""billing.ledger: the credit arithmetic over plain data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing import ledger

TODAY = date(2026, 6, 1)
hours = st.decimals(min_value="0.25", max_value="30", places=2)


def _purchase(lot_id, amount, days_left):
    return ledger.Entry(
        id=lot_id,
        kind="purchase",
        hours=Decimal(amount),
        lot=lot_id,
        order=lot_id,
        purchased_on=TODAY - timedelta(days=30),
        expires_on=TODAY + timedelta(days=days_left),
    )


lots_strategy = st.lists(
    st.tuples(hours, st.integers(min_value=-5, max_value=400)), min_size=0, max_size=6
)


def _lots(spec):
    return ledger.lots_from([_purchase(i + 1, h, d) for i, (h, d) in enumerate(spec)])


@given(lots_strategy, hours)
def test_spending_never_goes_below_zero_and_takes_soonest_expiry_first(spec, wanted):
    lots = _lots(spec)
    available = ledger.balance(lots, TODAY)
    if wanted > available:
        with pytest.raises(ledger.NotEnoughCredit):
            ledger.spend_plan(lots, wanted, TODAY)
        return
    plan = ledger.spend_plan(lots, wanted, TODAY)
    assert sum(taken for _, taken in plan) == wanted
    by_id = {lot.id: lot for lot in lots}
    for lot_id, taken in plan:
        assert 0 < taken <= by_id[lot_id].remaining
        assert by_id[lot_id].usable_on(TODAY)
    expiries = [by_id[lot_id].expires_on for lot_id, _ in plan]
    assert expiries == sorted(expiries)
    # Every lot but the last one drawn on is emptied: no later lot is touched before.
    for lot_id, taken in plan[:-1]:
        assert taken == by_id[lot_id].remaining


@given(lots_strategy, hours)
def test_spend_then_return_restores_the_balance(spec, wanted):
    lots = _lots(spec)
    entries = [_purchase(i + 1, h, d) for i, (h, d) in enumerate(spec)]
    if wanted > ledger.balance(lots, TODAY):
        return
    plan = ledger.spend_plan(lots, wanted, TODAY)
    spent = [
        ledger.Entry(id=100 + n, kind="booking", hours=-taken, lot=lot_id, booking=7)
        for n, (lot_id, taken) in enumerate(plan)
    ]
    after = ledger.lots_from(entries + spent)
    assert ledger.balance(after, TODAY) == ledger.balance(lots, TODAY) - wanted
    held = ledger.booking_unreturned(entries + spent, 7)
    returned = [
        ledger.Entry(id=200 + n, kind="cancellation_return", hours=h, lot=lot_id, booking=7)
        for n, (lot_id, h) in enumerate(held)
    ]
    assert ledger.balance(ledger.lots_from(entries + spent + returned), TODAY) == (
        ledger.balance(lots, TODAY)
    )
    assert ledger.booking_unreturned(entries + spent + returned, 7) == []


def test_an_expired_lot_counts_for_nothing():
    lots = _lots([("6", -1), ("12", 0)])
    assert ledger.balance(lots, TODAY) == Decimal("12")  # usable through the expiry day


@given(
    hours,
    st.integers(min_value=1, max_value=100_000),
    st.integers(min_value=0, max_value=100_000),
    st.decimals(min_value="0", max_value="30", places=2),
)
def test_refund_removes_only_unspent_hours_and_flags_the_rest(lot_hours, amount, refunded, spent):
    spent = min(spent, lot_hours)
    lot = ledger.Lot(
        id=1,
        order=1,
        hours=lot_hours,
        remaining=lot_hours - spent,
        purchased_on=TODAY,
        expires_on=TODAY,
    )
    target = ledger.refunded_hours(lot_hours=lot_hours, amount=amount, amount_refunded=refunded)
    assert 0 <= target <= lot_hours
    removal = ledger.refund_removal(lot=lot, refunded_hours=target, already_covered=Decimal(0))
    assert removal.removed + removal.shortfall == target
    assert removal.removed <= lot.remaining
    assert removal.shortfall == max(target - lot.remaining, 0)
    # Applying the same refund again changes nothing.
    again = ledger.refund_removal(lot=lot, refunded_hours=target, already_covered=target)
    assert again == ledger.Removal(removed=Decimal(0), shortfall=Decimal(0))


def test_a_full_refund_is_the_whole_lot():
    assert ledger.refunded_hours(lot_hours=Decimal(6), amount=600, amount_refunded=600) == 6
    assert ledger.refunded_hours(lot_hours=Decimal(6), amount=600, amount_refunded=200) == 2
