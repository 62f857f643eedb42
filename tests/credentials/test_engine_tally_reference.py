"""The coaching tally's fast path (whole rows summed without Fractions) against a plain reference.

The reference spreads every row's hours over its days with one Fraction per row, as DESIGN
states the rule; the engine must give exactly the same totals, clients and oversized hours.
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from credentials.engine import TraineeRecords, _tally_coaching
from credentials.pathway_defaults import ACC
from tests.credentials.test_engine_properties import days, engagements, engine_settings

# Amounts an import or a test may hand the engine: Decimals of any scale and whole numbers.
amounts = st.one_of(
    st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=500),
    st.sampled_from([Decimal("0.00"), Decimal("1E+2"), Decimal("0.001")]),
)
# Short rows and windows in one month, so that windows often cut rows by a day or two.
MONTH_START = dt.date(2024, 6, 1)
month_days = st.dates(min_value=MONTH_START, max_value=MONTH_START + dt.timedelta(days=30))


@st.composite
def log_rows(draw):
    row = draw(engagements(start_days=draw(st.sampled_from([days, month_days]))))
    length = draw(st.sampled_from([(row.end_date - row.start_date).days, 0, 1, 2, 5]))
    return replace(
        row,
        end_date=row.start_date + dt.timedelta(days=length),
        paid_hours=draw(amounts),
        pro_bono_hours=draw(amounts),
    )


def reference_tally(rules, rows, first, last):
    paid = pro_bono = oversized = Fraction(0)
    sizes: dict[str, int] = {}
    for row in rows:
        if first is None:
            share = Fraction(0)
        else:
            overlap = (min(row.end_date, last) - max(row.start_date, first)).days + 1
            share = Fraction(max(overlap, 0), (row.end_date - row.start_date).days + 1)
        row_paid = Fraction(row.paid_hours) * share
        row_pro_bono = Fraction(row.pro_bono_hours) * share
        if row.is_group and row.group_size > rules.max_coaching_group_size:
            oversized += row_paid + row_pro_bono
            continue
        if row_paid + row_pro_bono == 0:
            continue
        paid += row_paid
        pro_bono += row_pro_bono
        identity = " ".join(row.client_key.split()).casefold()
        sizes[identity] = max(sizes.get(identity, 0), row.group_size if row.is_group else 1)
    return paid, pro_bono, sum(sizes.values()), oversized


@engine_settings
@given(
    rows=st.lists(
        log_rows(),
        max_size=12,
    ),
    first=st.one_of(st.none(), days, month_days),
    window_days=st.one_of(st.integers(min_value=0, max_value=900), st.integers(0, 10)),
)
def test_tally_equals_the_fraction_per_row_reference(rows, first, window_days):
    last = (first or MONTH_START) + dt.timedelta(days=window_days)
    tally = _tally_coaching(ACC, TraineeRecords(training_start=None, engagements=rows), first, last)
    paid, pro_bono, clients, oversized = reference_tally(ACC, rows, first, last)
    assert (tally.paid_hours, tally.pro_bono_hours, tally.hours) == (
        paid,
        pro_bono,
        paid + pro_bono,
    )
    assert (tally.clients, tally.oversized_group_hours) == (clients, oversized)
    assert all(isinstance(value, Fraction) for value in (tally.hours, tally.oversized_group_hours))
