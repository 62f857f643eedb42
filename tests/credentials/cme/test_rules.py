"""credentials.cme.rules: credit arithmetic, the designation statement, who claims what."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from credentials.cme import rules

QUARTER = Decimal("0.25")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50"), places=2)
quarters = st.integers(min_value=1, max_value=200).map(lambda n: QUARTER * n)


@given(credits=amounts, maximum=quarters)
def test_a_claim_is_accepted_exactly_when_it_is_a_positive_quarter_within_the_maximum(
    credits, maximum
):
    problem = rules.credits_problem(
        credits=credits, increment=QUARTER, maximum=maximum, unit="credits"
    )
    assert (problem == "") == (credits % QUARTER == 0 and 0 < credits <= maximum)


@given(maximum=quarters, spent=st.none() | amounts)
def test_every_choice_offered_is_accepted_and_none_exceeds_maximum_or_time(maximum, spent):
    choices = rules.credit_choices(maximum=maximum, increment=QUARTER, hours_spent=spent)
    ceiling = maximum if spent is None else min(maximum, spent)
    assert all(choice <= ceiling for choice in choices)
    assert choices == sorted(set(choices))
    for choice in choices:
        assert not rules.credits_problem(
            credits=choice, increment=QUARTER, maximum=maximum, unit="credits", hours_spent=spent
        )
    # Nothing acceptable is left out: the next step would be too much.
    top = choices[-1] if choices else Decimal(0)
    assert top + QUARTER > ceiling


def test_zero_negative_off_step_and_above_maximum_are_refused_in_words():
    def problem(credits, spent=None):
        return rules.credits_problem(
            credits=Decimal(credits),
            increment=QUARTER,
            maximum=Decimal("2"),
            unit="credits",
            hours_spent=spent,
        )

    assert problem("0") == "Claim more than 0 credits."
    assert problem("-1") == "Claim more than 0 credits."
    assert problem("1.1") == "Claim credits in steps of 0.25, such as 0.75."
    assert problem("2.25") == "This activity offers at most 2 credits."
    assert problem("1.5", spent=Decimal("1.4")) == (
        "You can claim at most 1.25 credits: the time this activity takes."
    )
    assert problem("1.75") == ""


@given(maximum=amounts)
def test_a_maximum_must_be_a_positive_multiple_of_the_increment(maximum):
    problem = rules.maximum_problem(maximum=maximum, increment=QUARTER)
    assert (problem == "") == (maximum % QUARTER == 0)


def test_designation_statement_is_the_ama_wording():
    assert rules.designation_statement(
        provider="Coach Academy CME", learning_format="enduring", maximum=Decimal("1.75")
    ) == (
        "Coach Academy CME designates this enduring material for a maximum of 1.75 "
        "AMA PRA Category 1 Credits™. Physicians should claim only the credit commensurate "
        "with the extent of their participation in the activity."
    )
    assert rules.designation_statement(
        provider="P", learning_format="live", maximum=Decimal("1.00")
    ).startswith("P designates this live activity for a maximum of 1 AMA PRA Category 1 Credit™.")


def test_who_may_claim_which_credit_type():
    offered = {
        "ama": frozenset({"physician"}),
        "participation": frozenset({"nurse", "psychologist", "other_clinician"}),
        "icf_core": frozenset(),
    }
    assert rules.claimable_codes(profession="physician", offered=offered) == {"ama", "icf_core"}
    assert rules.claimable_codes(profession="nurse", offered=offered) == {
        "participation",
        "icf_core",
    }
    with_ancc = {**offered, "ancc": frozenset({"nurse"})}
    assert rules.claimable_codes(profession="nurse", offered=with_ancc) == {"ancc", "icf_core"}
    assert rules.claimable_codes(profession="psychologist", offered=with_ancc) == {
        "participation",
        "icf_core",
    }


@given(
    completed=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    length=st.integers(0, 900),
)
def test_a_completion_date_counts_only_within_the_activity_and_not_in_future(
    completed, start, length
):
    today = dt.date(2026, 6, 1)
    end = start + dt.timedelta(days=length)
    problem = rules.completion_date_problem(
        completed_on=completed, starts_on=start, ends_on=end, today=today
    )
    assert (problem == "") == (start <= completed <= end and completed <= today)


@given(value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=2))
def test_format_credits_keeps_the_value(value):
    assert Decimal(rules.format_credits(value)) == value
