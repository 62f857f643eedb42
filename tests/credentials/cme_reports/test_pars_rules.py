"""The pure PARS rule: every completion is either a row or left out with a reason, never both."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from credentials.cme.pars import ParsCompletion, ParsLearner, left_out_reason, pars_report

identifier = st.sampled_from(["", "  ", "X1"])
learners = st.builds(
    ParsLearner,
    email=st.emails(),
    first_name=st.text(max_size=5),
    last_name=st.text(max_size=5),
    profession=st.sampled_from(["physician", "nurse", "other_clinician"]),
    pars_consent=st.booleans(),
    pars_consent_changed_at=st.none() | st.just(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)),
    birth_month=st.none() | st.integers(1, 12),
    birth_day=st.none() | st.integers(1, 28),
    npi=identifier,
    licence_number=identifier,
    licence_state=st.sampled_from(["", "CA"]),
    board_id=identifier,
)
completions = st.builds(
    ParsCompletion,
    learner=learners,
    activity_code=st.just("act"),
    accme_activity_id=st.just("A1"),
    completed_on=st.dates(),
    credits=st.just(Decimal("1.25")),
)


def _reportable(learner: ParsLearner) -> bool:
    return (
        learner.profession == "physician"
        and learner.pars_consent
        and learner.birth_month is not None
        and learner.birth_day is not None
        and (
            bool(learner.npi.strip())
            or bool(learner.licence_number.strip() and learner.licence_state)
        )
    )


@given(st.lists(completions, max_size=8))
def test_each_completion_is_a_row_exactly_when_pars_may_take_it(items):
    report = pars_report(items)
    assert len(report.rows) + len(report.left_out) == len(items)
    assert len(report.rows) == sum(_reportable(item.learner) for item in items)
    assert all(entry.reason for entry in report.left_out)
    assert all(not _reportable(entry.completion.learner) for entry in report.left_out)


@given(learners)
def test_a_row_never_carries_a_birth_year_and_always_has_an_identifier(learner):
    completion = ParsCompletion(learner, "act", "A1", dt.date(2026, 1, 1), Decimal(1))
    report = pars_report([completion])
    for row in report.rows:
        assert not hasattr(row, "birth_year")
        assert 1 <= row.birth_month <= 12
        assert row.npi.strip() or (row.licence_number.strip() and row.licence_state)


def test_the_reason_names_the_first_thing_in_the_way():
    base = ParsLearner("a@example.org", "A", "B", "physician", True, None, 3, 9, "", "L1", "CA", "")
    assert left_out_reason(base) == ""
    assert left_out_reason(base.__class__(**{**base.__dict__, "profession": "nurse"})).startswith(
        "not a physician"
    )
    both_missing = {**base.__dict__, "birth_day": None, "licence_state": ""}
    assert left_out_reason(ParsLearner(**both_missing)) == (
        "missing birth month and day and an NPI or a state licence number with its state"
    )
