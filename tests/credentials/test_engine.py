"""Table tests for the credential evaluation engine: every rule, at and around every edge."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from credentials.engine import (
    REQUIREMENT_CODES,
    Assessment,
    CoachingEngagement,
    EducationRecord,
    MentorSession,
    PathwayRules,
    TraineeRecords,
    add_calendar_months,
    evaluate,
    evaluation_to_json,
    format_date,
    whole_months_between,
)
from credentials.pathway_defaults import ACC, DEFAULT_PATHWAYS, MCC, PCC
from tests.credentials.builders import (
    TRAINING_START,
    education,
    engagement,
    exam,
    mentor_session,
    performance_evaluation,
    records,
)

AS_OF = dt.date(2025, 6, 1)
D = dt.date


def result_of(rules, trainee_records, code, as_of=AS_OF):
    return evaluate(rules, trainee_records, as_of).result(code)


# --- the pathways ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "acc", "pcc", "mcc"),
    [
        ("education_hours", 60, 125, 200),
        ("education_synchronous_hours", 30, None, None),
        ("mentor_hours", 10, 10, 10),
        ("mentor_span", 3, 3, 3),
        ("experience_hours", 100, 500, 2500),
        ("paid_hours", 75, 450, 2250),
        ("clients", 8, 25, 35),
        ("recent_hours", 25, 50, None),
        ("performance_evaluation", 1, 2, 2),
        ("exam", True, True, True),
        ("prerequisite_credential", None, None, "PCC"),
    ],
)
def test_default_pathways_match_the_design_table(code, acc, pcc, mcc):
    assert (getattr(ACC, code), getattr(PCC, code), getattr(MCC, code)) == (acc, pcc, mcc)


@pytest.mark.parametrize("rules", [ACC, PCC, MCC])
def test_default_counting_parameters(rules):
    assert rules.group_mentoring_cap_hours == 7
    assert rules.min_one_to_one_mentor_hours == 3
    assert rules.max_mentoring_group_size == 10
    assert rules.max_coaching_group_size == 15
    assert rules.recency_window_months == 18
    assert (rules.exam_pass_mark, rules.exam_scale_min, rules.exam_scale_max) == (460, 200, 600)


def test_default_pathways_are_keyed_by_code():
    assert DEFAULT_PATHWAYS == {"acc": ACC, "pcc": PCC, "mcc": MCC}
    assert [rules.level for rules in DEFAULT_PATHWAYS.values()] == ["ACC", "PCC", "MCC"]


@pytest.mark.parametrize(
    ("rules", "codes"),
    [
        (
            ACC,
            [
                "education_hours",
                "education_synchronous_hours",
                "mentor_hours",
                "mentor_span",
                "experience_hours",
                "paid_hours",
                "clients",
                "recent_hours",
                "performance_evaluation",
                "exam",
            ],
        ),
        (
            PCC,
            [
                "education_hours",
                "mentor_hours",
                "mentor_span",
                "experience_hours",
                "paid_hours",
                "clients",
                "recent_hours",
                "performance_evaluation",
                "exam",
            ],
        ),
        (
            MCC,
            [
                "education_hours",
                "mentor_hours",
                "mentor_span",
                "experience_hours",
                "paid_hours",
                "clients",
                "performance_evaluation",
                "exam",
                "prerequisite_credential",
            ],
        ),
    ],
)
def test_results_cover_only_the_pathways_codes_in_table_order(rules, codes):
    evaluation = evaluate(rules, records(), AS_OF)
    assert [result.code for result in evaluation.requirements] == codes
    assert all(result.label for result in evaluation.requirements)


def test_requirement_codes_list_every_code_in_the_order_results_use():
    seen = set()
    for rules in (ACC, PCC, MCC):
        codes = [result.code for result in evaluate(rules, records(), AS_OF).requirements]
        assert [code for code in REQUIREMENT_CODES if code in codes] == codes
        seen.update(codes)
    assert seen == set(REQUIREMENT_CODES)


def test_asking_for_a_requirement_the_pathway_lacks_is_an_error():
    with pytest.raises(KeyError):
        evaluate(PCC, records(), AS_OF).result("education_synchronous_hours")


# --- each number at required - 0.01, exactly, and above --------------------------------------

RECENT_DAY = AS_OF - dt.timedelta(days=30)

HOURS_CASES = [
    (ACC, "education_hours", lambda v: records(education=[education(v)])),
    (PCC, "education_hours", lambda v: records(education=[education(v)])),
    (MCC, "education_hours", lambda v: records(education=[education(v)])),
    (
        ACC,
        "education_synchronous_hours",
        lambda v: records(education=[education(v, synchronous=v)]),
    ),
    (ACC, "mentor_hours", lambda v: records(mentor_sessions=[mentor_session(v)])),
    (PCC, "mentor_hours", lambda v: records(mentor_sessions=[mentor_session(v)])),
    (MCC, "mentor_hours", lambda v: records(mentor_sessions=[mentor_session(v)])),
    (ACC, "experience_hours", lambda v: records(engagements=[engagement(pro_bono=v)])),
    (PCC, "experience_hours", lambda v: records(engagements=[engagement(paid=v)])),
    (MCC, "experience_hours", lambda v: records(engagements=[engagement(paid=v)])),
    (ACC, "paid_hours", lambda v: records(engagements=[engagement(paid=v)])),
    (PCC, "paid_hours", lambda v: records(engagements=[engagement(paid=v)])),
    (MCC, "paid_hours", lambda v: records(engagements=[engagement(paid=v)])),
    (ACC, "recent_hours", lambda v: records(engagements=[engagement(paid=v, start=RECENT_DAY)])),
    (PCC, "recent_hours", lambda v: records(engagements=[engagement(paid=v, start=RECENT_DAY)])),
]


@pytest.mark.parametrize(("rules", "code", "build"), HOURS_CASES)
@pytest.mark.parametrize("delta", ["-0.01", "0", "0.01", "12.5"])
def test_hours_requirements_at_their_edges(rules, code, build, delta):
    required = getattr(rules, code)
    value = required + Decimal(delta)
    result = result_of(rules, build(value), code)
    assert result.required == required
    assert result.achieved == value
    assert result.met is (value >= required)
    if result.met:
        assert "more needed" not in result.detail
    else:
        assert "0.01 more needed" in result.detail


CLIENT_CASES = [(ACC, 8), (PCC, 25), (MCC, 35)]


@pytest.mark.parametrize(("rules", "required"), CLIENT_CASES)
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_distinct_clients_at_their_edges(rules, required, delta):
    clients = [engagement(f"client {n}", paid=1) for n in range(required + delta)]
    result = result_of(rules, records(engagements=clients), "clients")
    assert (result.required, result.achieved, result.met) == (
        required,
        required + delta,
        delta >= 0,
    )


@pytest.mark.parametrize(("rules", "required"), [(ACC, 1), (PCC, 2), (MCC, 2)])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_performance_evaluations_at_their_edges(rules, required, delta):
    passed = [performance_evaluation() for _ in range(required + delta)]
    result = result_of(rules, records(assessments=passed), "performance_evaluation")
    assert (result.required, result.achieved, result.met) == (
        required,
        required + delta,
        delta >= 0,
    )


def test_failed_and_future_performance_evaluations_do_not_count():
    assessments = [
        performance_evaluation(passed=False),
        performance_evaluation(on=AS_OF + dt.timedelta(days=1)),
        performance_evaluation(on=AS_OF),
    ]
    assert result_of(PCC, records(assessments=assessments), "performance_evaluation").achieved == 1


# --- mentor coaching -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one_to_one", "group", "achieved", "met"),
    [
        ("3", "7", "10", True),
        ("3", "8", "10", True),  # the 8th group hour is beyond the cap
        ("2", "8", "9", False),
        ("2", "7", "9", False),
        ("2.99", "7.01", "9.99", False),
        ("3", "6.99", "9.99", False),
        ("0", "10", "7", False),
        ("10", "0", "10", True),
        ("2.5", "0", "2.5", False),
    ],
)
def test_group_mentoring_cap_and_one_to_one_minimum(one_to_one, group, achieved, met):
    sessions = [
        mentor_session(one_to_one, on=D(2024, 3, 1)),
        mentor_session(group, on=D(2024, 7, 1), group_size=5),
    ]
    result = result_of(ACC, records(mentor_sessions=sessions), "mentor_hours")
    assert result.achieved == Decimal(achieved)
    assert result.met is met
    if group == "8":
        assert "1 of your 8 group mentoring hours is beyond the 7-hour group limit" in result.detail


def test_mentor_detail_explains_the_group_cap_and_the_one_to_one_minimum():
    sessions = [mentor_session(1), mentor_session("10.5", group_size=4)]
    detail = result_of(ACC, records(mentor_sessions=sessions), "mentor_hours").detail
    assert detail == (
        "You have 8 of 10 countable mentor hours: 2 more needed. "
        "At least 3 hours must be one-to-one and you have 1. "
        "3.5 of your 10.5 group mentoring hours are beyond the 7-hour group limit "
        "and do not count."
    )


@pytest.mark.parametrize(("group_size", "counted"), [(10, "7"), (11, "0"), (2, "7")])
def test_mentoring_groups_larger_than_ten_do_not_count(group_size, counted):
    sessions = [mentor_session(3), mentor_session(7, group_size=group_size)]
    result = result_of(ACC, records(mentor_sessions=sessions), "mentor_hours")
    assert result.achieved == 3 + Decimal(counted)
    assert result.met is (group_size <= 10)
    if group_size > 10:
        assert "7 hours in groups larger than 10 do not count." in result.detail


@pytest.mark.parametrize(
    ("rules", "mentor", "counts"),
    [
        (ACC, "none", False),
        (ACC, "ACC", True),
        (ACC, "PCC", True),
        (ACC, "MCC", True),
        (PCC, "ACC", False),
        (PCC, "PCC", True),
        (PCC, "MCC", True),
        (MCC, "ACC", False),
        (MCC, "PCC", False),
        (MCC, "MCC", True),
    ],
)
def test_mentor_must_hold_the_level_sought_or_higher(rules, mentor, counts):
    sessions = [
        mentor_session(5, on=D(2024, 1, 10), mentor=mentor),
        mentor_session(5, on=D(2024, 5, 10), mentor=mentor),
    ]
    evaluation = evaluate(rules, records(mentor_sessions=sessions), AS_OF)
    assert evaluation.result("mentor_hours").achieved == (10 if counts else 0)
    assert evaluation.result("mentor_hours").met is counts
    assert evaluation.result("mentor_span").met is counts
    if not counts:
        assert (
            f"10 hours with mentors below {rules.level} level do not count."
            in evaluation.result("mentor_hours").detail
        )


def test_unconfirmed_sessions_do_not_count_until_confirmed():
    unconfirmed = [mentor_session(10, confirmed=False)]
    result = result_of(ACC, records(mentor_sessions=unconfirmed), "mentor_hours")
    assert (result.achieved, result.met) == (0, False)
    assert "10 hours not yet confirmed by your mentor do not count." in result.detail
    confirmed = [mentor_session(10, confirmed=True)]
    assert result_of(ACC, records(mentor_sessions=confirmed), "mentor_hours").met


def test_mentor_sessions_after_the_as_of_date_do_not_count():
    sessions = [mentor_session(10, on=AS_OF + dt.timedelta(days=1))]
    assert result_of(ACC, records(mentor_sessions=sessions), "mentor_hours").achieved == 0
    sessions = [mentor_session(10, on=AS_OF)]
    assert result_of(ACC, records(mentor_sessions=sessions), "mentor_hours").achieved == 10


def test_mentor_hours_never_count_as_client_coaching():
    evaluation = evaluate(ACC, records(mentor_sessions=[mentor_session(40)]), AS_OF)
    assert evaluation.result("experience_hours").achieved == 0
    assert evaluation.result("recent_hours").achieved == 0


def test_mentor_sessions_before_training_start_still_count():
    sessions = [mentor_session(10, on=TRAINING_START - dt.timedelta(days=40))]
    assert result_of(ACC, records(mentor_sessions=sessions), "mentor_hours").met


# --- mentor span -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "months", "met"),
    [
        (D(2025, 1, 15), D(2025, 4, 14), 2, False),  # 3 months minus a day
        (D(2025, 1, 15), D(2025, 4, 15), 3, True),  # exactly 3 months
        (D(2025, 1, 15), D(2025, 9, 30), 8, True),
        (D(2025, 1, 31), D(2025, 4, 29), 2, False),
        (D(2025, 1, 31), D(2025, 4, 30), 3, True),  # 31 Jan + 3 months = 30 Apr
        (D(2024, 11, 30), D(2025, 2, 27), 2, False),
        (D(2024, 11, 30), D(2025, 2, 28), 3, True),  # clamped to February's end
        (D(2023, 11, 30), D(2024, 2, 28), 2, False),  # leap year: the end is 29 Feb
        (D(2023, 11, 30), D(2024, 2, 29), 3, True),
        (D(2023, 11, 29), D(2024, 2, 29), 3, True),
        (D(2025, 3, 1), D(2025, 3, 1), 0, False),
        (D(2024, 10, 31), D(2025, 1, 30), 2, False),
        (D(2024, 10, 31), D(2025, 1, 31), 3, True),
    ],
)
def test_mentor_span_in_calendar_months(first, last, months, met):
    sessions = [mentor_session(5, on=last), mentor_session(5, on=first)]
    result = result_of(ACC, records(mentor_sessions=sessions), "mentor_span", as_of=D(2025, 12, 31))
    assert (result.required, result.achieved, result.met) == (3, months, met)


def test_mentor_span_detail_names_the_date_the_last_session_must_reach():
    sessions = [mentor_session(5, on=D(2025, 12, 14)), mentor_session(5, on=D(2026, 2, 20))]
    result = result_of(ACC, records(mentor_sessions=sessions), "mentor_span", as_of=D(2026, 3, 1))
    assert result.detail == (
        "Your mentor sessions span 2 months; the last must be on or after 14 March 2026."
    )


@pytest.mark.parametrize(
    ("sessions", "detail"),
    [
        ([], "No mentor sessions count yet; the first and last must be at least 3 months apart."),
        (
            [(D(2025, 3, 1), 1), (D(2025, 3, 20), 1)],
            "Your mentor sessions span less than a month; "
            "the last must be on or after 1 June 2025.",
        ),
        (
            [(D(2025, 3, 1), 1), (D(2025, 4, 1), 1)],
            "Your mentor sessions span 1 month; the last must be on or after 1 June 2025.",
        ),
        (
            [(D(2025, 1, 1), 1), (D(2025, 6, 3), 1)],
            "Your mentor sessions span 5 months, from 1 January 2025 to 3 June 2025.",
        ),
    ],
)
def test_mentor_span_details(sessions, detail):
    built = [mentor_session(hours, on=on) for on, hours in sessions]
    result = result_of(ACC, records(mentor_sessions=built), "mentor_span", as_of=D(2025, 7, 1))
    assert result.detail == detail


@pytest.mark.parametrize(
    "late_session",
    [
        mentor_session(1, on=D(2025, 5, 1), confirmed=False),
        mentor_session(1, on=D(2025, 5, 1), mentor="ACC"),
        mentor_session(1, on=D(2025, 5, 1), group_size=11),
        mentor_session(0, on=D(2025, 5, 1)),
        mentor_session(1, on=D(2025, 7, 1)),  # after the as-of date
    ],
)
def test_only_countable_sessions_set_the_span(late_session):
    sessions = [mentor_session(5, on=D(2025, 1, 10)), late_session]
    result = result_of(PCC, records(mentor_sessions=sessions), "mentor_span", as_of=D(2025, 6, 1))
    assert (result.achieved, result.met) == (0, False)


def test_group_sessions_beyond_the_cap_still_set_the_span():
    sessions = [
        mentor_session(7, on=D(2025, 1, 10), group_size=3),
        mentor_session(3, on=D(2025, 2, 10)),
        mentor_session(2, on=D(2025, 4, 10), group_size=3),
    ]
    evaluation = evaluate(ACC, records(mentor_sessions=sessions), AS_OF)
    assert evaluation.result("mentor_span").achieved == 3
    assert evaluation.result("mentor_hours").achieved == 10


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 3, D(2025, 4, 30)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 12, 14), 3, D(2026, 3, 14)),
        (D(2026, 8, 31), -18, D(2025, 2, 28)),
        (D(2025, 8, 31), -18, D(2024, 2, 29)),
        (D(2026, 11, 1), -18, D(2025, 5, 1)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 3, 15), 0, D(2025, 3, 15)),
    ],
)
def test_add_calendar_months_clamps_to_month_ends(day, months, expected):
    assert add_calendar_months(day, months) == expected


@pytest.mark.parametrize(
    ("first", "last", "months"),
    [
        (D(2025, 1, 31), D(2025, 2, 28), 1),
        (D(2025, 1, 31), D(2025, 2, 27), 0),
        (D(2025, 5, 1), D(2025, 4, 1), 0),  # the wrong way round is no span
        (D(2024, 2, 29), D(2025, 2, 28), 12),
    ],
)
def test_whole_months_between(first, last, months):
    assert whole_months_between(first, last) == months


# --- client coaching -------------------------------------------------------------------------


def test_a_row_from_before_training_start_to_after_counts_pro_rata():
    # 22 Dec 2023 to 10 Jan 2024 is 20 days; the 10 from 1 Jan 2024 count.
    row = engagement(paid=10, pro_bono=6, start=D(2023, 12, 22), end=D(2024, 1, 10))
    evaluation = evaluate(ACC, records(engagements=[row]), AS_OF)
    assert evaluation.result("experience_hours").achieved == 8
    assert evaluation.result("paid_hours").achieved == 5
    assert evaluation.result("clients").achieved == 1


def test_a_row_spanning_the_as_of_date_counts_only_its_days_up_to_it():
    row = engagement(paid=30, start=D(2025, 5, 23), end=D(2025, 6, 21))  # 30 days
    evaluation = evaluate(ACC, records(engagements=[row]), D(2025, 6, 1))
    assert evaluation.result("experience_hours").achieved == 10
    assert evaluation.result("recent_hours").achieved == 10


def test_rows_entirely_before_training_start_count_nothing():
    row = engagement("Early", paid=50, start=D(2023, 6, 1), end=D(2023, 12, 31))
    evaluation = evaluate(ACC, records(engagements=[row]), AS_OF)
    assert evaluation.result("experience_hours").achieved == 0
    assert evaluation.result("clients").achieved == 0
    assert evaluation.result("recent_hours").achieved == 0


def test_rows_after_the_as_of_date_count_nothing():
    row = engagement(paid=50, start=AS_OF + dt.timedelta(days=1))
    evaluation = evaluate(ACC, records(engagements=[row]), AS_OF)
    assert [evaluation.result(code).achieved for code in ("experience_hours", "clients")] == [0, 0]


@pytest.mark.parametrize(
    ("rows", "total", "paid"),
    [
        ([engagement(paid="0.75")], "0.75", "0.75"),
        ([engagement(paid="0.75"), engagement(pro_bono="0.25")], "1", "0.75"),
        ([engagement(pro_bono=100)], "100", "0"),
        ([engagement(paid=60, pro_bono=40)], "100", "60"),
        # 10 hours over 3 days with 2 in the window: 6.666… is shown rounded down.
        ([engagement(paid=10, start=D(2023, 12, 31), end=D(2024, 1, 2))], "6.66", "6.66"),
        # Three thirds of an hour add up exactly.
        (
            [
                engagement(c, paid=1, start=D(2023, 12, 30), end=D(2024, 1, 1))
                for c in ("a", "b", "c")
            ],
            "1",
            "1",
        ),
    ],
)
def test_partial_hours_and_pro_bono_versus_paid(rows, total, paid):
    evaluation = evaluate(PCC, records(engagements=rows), AS_OF)
    assert evaluation.result("experience_hours").achieved == Decimal(total)
    assert evaluation.result("paid_hours").achieved == Decimal(paid)


def test_pro_bono_hours_meet_the_total_but_not_the_paid_requirement():
    evaluation = evaluate(ACC, records(engagements=[engagement(paid=74, pro_bono=26)]), AS_OF)
    assert evaluation.result("experience_hours").met
    paid = evaluation.result("paid_hours")
    assert not paid.met
    assert paid.detail == (
        "You have 74 of 75 paid hours: 1 more needed. "
        "Pro-bono hours count toward your coaching hours but not these."
    )


def test_shown_numbers_never_claim_more_than_was_done():
    # 24.999… recent hours: shown as 24.99, not met, 0.01 more needed.
    rows = [
        engagement("a", paid=24, start=D(2025, 5, 1)),
        engagement("b", paid="2.99", start=D(2025, 5, 1), end=D(2025, 5, 3)),
    ]
    result = result_of(ACC, records(engagements=rows), "recent_hours", as_of=D(2025, 5, 1))
    assert (result.achieved, result.met) == (Decimal("24.99"), False)
    assert "0.01 more needed" in result.detail


def test_group_coaching_hours_are_not_multiplied_but_every_member_is_a_client():
    evaluation = evaluate(ACC, records(engagements=[engagement(paid=1, group_size=6)]), AS_OF)
    assert evaluation.result("experience_hours").achieved == 1
    assert evaluation.result("clients").achieved == 6


@pytest.mark.parametrize(("group_size", "counts"), [(15, True), (16, False), (14, True)])
def test_coaching_groups_larger_than_fifteen_count_neither_hours_nor_clients(group_size, counts):
    row = engagement("Team", paid=12, group_size=group_size)
    evaluation = evaluate(ACC, records(engagements=[row]), AS_OF)
    assert evaluation.result("experience_hours").achieved == (12 if counts else 0)
    assert evaluation.result("paid_hours").achieved == (12 if counts else 0)
    assert evaluation.result("clients").achieved == (group_size if counts else 0)
    if not counts:
        assert (
            "12 hours with groups larger than 15 do not count."
            in evaluation.result("experience_hours").detail
        )


@pytest.mark.parametrize(
    ("rows", "clients"),
    [
        ([engagement("Ann", paid=1), engagement("Ann", paid=2)], 1),
        ([engagement("Ann", paid=1), engagement("  ann ", paid=1)], 1),
        ([engagement("Ann Lee", paid=1), engagement("ann  lee", paid=1)], 1),
        ([engagement("Ann", paid=1), engagement("Bob", pro_bono=1)], 2),
        # A group logged on several rows counts once, at its largest size.
        ([engagement("Team", paid=1, group_size=4), engagement("Team", paid=1, group_size=6)], 6),
        ([engagement("Team", paid=1, group_size=4), engagement("Crew", paid=1, group_size=6)], 10),
        # Rows that count no hours do not make their client count.
        ([engagement("Team", paid=1, group_size=4), engagement("Team", group_size=9)], 4),
        ([engagement("Team", paid=1, group_size=4), engagement("Team", paid=1, group_size=16)], 4),
        ([engagement("Ann")], 0),
        ([engagement("Ann", paid=5, start=D(2023, 12, 1), end=D(2023, 12, 31))], 0),
        ([engagement("Ann", paid=5, start=AS_OF + dt.timedelta(days=1))], 0),
    ],
)
def test_distinct_clients(rows, clients):
    assert result_of(ACC, records(engagements=rows), "clients").achieved == clients


def test_without_a_training_start_no_coaching_hours_count():
    evaluation = evaluate(
        ACC, records(training_start=None, engagements=[engagement(paid=200)]), AS_OF
    )
    for code in ("experience_hours", "paid_hours", "clients", "recent_hours"):
        result = evaluation.result(code)
        assert (result.achieved, result.met) == (0, False)
        assert "training start date is not recorded" in result.detail


def test_a_training_start_after_the_as_of_date_counts_nothing_yet():
    rows = [engagement(paid=200, start=D(2025, 5, 1))]
    evaluation = evaluate(ACC, records(training_start=D(2025, 7, 1), engagements=rows), AS_OF)
    assert evaluation.result("experience_hours").achieved == 0


def test_experience_detail_says_where_hours_count_from():
    detail = result_of(ACC, records(engagements=[engagement(paid="62.5")]), "experience_hours")
    assert detail.detail == (
        "You have 62.5 of 100 coaching hours: 37.5 more needed. "
        "Hours count from your training start on 1 January 2024."
    )


# --- recent hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "day", "recent"),
    [
        (D(2026, 11, 1), D(2025, 4, 30), False),
        (D(2026, 11, 1), D(2025, 5, 1), True),  # the first day of the window
        (D(2026, 11, 1), D(2026, 11, 1), True),  # the as-of date itself
        (D(2026, 11, 1), D(2026, 11, 2), False),
        (D(2026, 8, 31), D(2025, 2, 27), False),
        (D(2026, 8, 31), D(2025, 2, 28), True),  # 31 Aug minus 18 months clamps to 28 Feb
        (D(2025, 8, 31), D(2024, 2, 28), False),
        (D(2025, 8, 31), D(2024, 2, 29), True),  # leap year
    ],
)
def test_recency_window_boundaries_are_inclusive(as_of, day, recent):
    rows = [engagement(paid=30, start=day)]
    result = result_of(ACC, records(engagements=rows), "recent_hours", as_of=as_of)
    assert (result.achieved, result.met) == ((30, True) if recent else (0, False))


def test_a_row_straddling_the_window_start_counts_pro_rata():
    # 21 Apr to 10 May 2025 is 20 days; the 10 from 1 May 2025 are recent.
    rows = [engagement(paid=40, start=D(2025, 4, 21), end=D(2025, 5, 10))]
    evaluation = evaluate(PCC, records(engagements=rows), D(2026, 11, 1))
    assert evaluation.result("recent_hours").achieved == 20
    assert evaluation.result("experience_hours").achieved == 40


def test_recent_hours_detail_names_the_window_start():
    rows = [engagement(paid="12.5", start=D(2026, 1, 1))]
    result = result_of(ACC, records(engagements=rows), "recent_hours", as_of=D(2026, 11, 1))
    assert result.detail == (
        "You have 12.5 of 25 recent hours: 12.5 more needed; they must fall on or after 1 May 2025."
    )
    rows = [engagement(paid=30, start=D(2026, 1, 1))]
    result = result_of(ACC, records(engagements=rows), "recent_hours", as_of=D(2026, 11, 1))
    assert result.detail == "You have 30 coaching hours on or after 1 May 2025; 25 are needed."


def test_recent_hours_start_no_earlier_than_training_start():
    rows = [engagement(paid=30, start=D(2024, 6, 1), end=D(2024, 6, 30))]
    trainee = records(training_start=D(2024, 6, 16), engagements=rows)
    result = result_of(ACC, trainee, "recent_hours", as_of=D(2025, 1, 1))
    assert result.achieved == 15
    assert "on or after 16 June 2024" in result.detail


def test_recency_window_reaching_before_year_one():
    trainee = records(
        training_start=D(1, 1, 1), engagements=[engagement(paid=30, start=D(1, 1, 1))]
    )
    assert result_of(ACC, trainee, "recent_hours", as_of=D(1, 6, 1)).achieved == 30


# --- exam and prerequisite -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assessments", "met"),
    [
        ([], False),
        ([exam(score=459)], False),
        ([exam(score=460)], True),
        ([exam(score=600)], True),
        ([exam(score=None)], True),
        ([exam(score=500, passed=False)], False),
        ([exam(passed=False)], False),
        ([exam(score=300, passed=False), exam(score=470)], True),
        ([exam(score=470, on=AS_OF + dt.timedelta(days=1))], False),
        ([exam(score=470, on=AS_OF)], True),
    ],
)
def test_exam(assessments, met):
    result = result_of(ACC, records(assessments=assessments), "exam")
    assert (result.required, result.achieved, result.met) == (1, int(met), met)


@pytest.mark.parametrize(
    ("assessments", "detail"),
    [
        ([], "You have not taken the credentialing exam yet; the pass mark is 460 on a scale of "
         "200 to 600."),
        ([exam(score=459), exam(score=420)], "Your best exam score so far is 459; the pass mark "
         "is 460 on a scale of 200 to 600."),
        ([exam(passed=False)], "You have not passed the credentialing exam yet; the pass mark is "
         "460 on a scale of 200 to 600."),
        ([exam(score=480, on=D(2025, 5, 1)), exam(on=D(2025, 3, 1))], "You passed the "
         "credentialing exam on 1 March 2025."),
    ],
)  # fmt: skip
def test_exam_details(assessments, detail):
    assert result_of(ACC, records(assessments=assessments), "exam").detail == detail


@pytest.mark.parametrize("score", [199, 601, 0, 1000])
def test_an_exam_score_off_the_scale_is_invalid_input(score):
    with pytest.raises(ValueError, match="outside the scale of 200 to 600"):
        evaluate(ACC, records(assessments=[exam(score=score)]), AS_OF)


@pytest.mark.parametrize("score", [200, 600])
def test_exam_scale_ends_are_valid(score):
    assert result_of(ACC, records(assessments=[exam(score=score)]), "exam").met is (score == 600)


@pytest.mark.parametrize(
    ("held", "met", "detail"),
    [
        ("none", False, "You need the PCC credential (or higher) first; you hold no credential."),
        (
            "ACC",
            False,
            "You need the PCC credential (or higher) first; you hold the ACC credential.",
        ),
        ("PCC", True, "You hold the PCC credential."),
        ("MCC", True, "You hold the MCC credential."),
    ],
)
def test_mcc_needs_pcc_or_mcc_first(held, met, detail):
    result = result_of(MCC, records(credential_held=held), "prerequisite_credential")
    assert (result.required, result.achieved, result.met) == (1, int(met), met)
    assert result.detail == detail


# --- education -------------------------------------------------------------------------------


def test_education_completed_after_the_as_of_date_does_not_count():
    items = [
        education(40, synchronous=20, on=AS_OF),
        education(30, synchronous=30, on=AS_OF + dt.timedelta(days=1)),
    ]
    evaluation = evaluate(ACC, records(education=items), AS_OF)
    assert evaluation.result("education_hours").achieved == 40
    assert evaluation.result("education_synchronous_hours").achieved == 20


def test_education_before_training_start_still_counts():
    items = [education(60, synchronous=30, on=TRAINING_START - dt.timedelta(days=100))]
    evaluation = evaluate(ACC, records(education=items), AS_OF)
    assert evaluation.result("education_hours").met
    assert evaluation.result("education_synchronous_hours").met


# --- the whole evaluation --------------------------------------------------------------------


def acc_ready_records(**changes) -> TraineeRecords:
    fields = {
        "education": [education(60, synchronous=30)],
        "mentor_sessions": [
            mentor_session(3, on=D(2024, 2, 1)),
            mentor_session(7, on=D(2024, 5, 1), group_size=6),
        ],
        "engagements": [
            engagement(f"client {n}", paid=10, start=D(2025, 1, 1) + dt.timedelta(days=n))
            for n in range(8)
        ]
        + [engagement("Pro bono", pro_bono=20, start=D(2024, 3, 1))],
        "assessments": [performance_evaluation(), exam(score=500)],
    }
    return records(**{**fields, **changes})


def test_a_trainee_who_meets_everything_is_eligible():
    evaluation = evaluate(ACC, acc_ready_records(), AS_OF)
    assert [result.code for result in evaluation.requirements if not result.met] == []
    assert evaluation.eligible


@pytest.mark.parametrize(
    "missing",
    [
        {"education": [education(60, synchronous="29.99")]},
        {"mentor_sessions": [mentor_session(10, on=D(2024, 3, 1))]},
        {"assessments": [exam(score=500)]},
        {"assessments": [performance_evaluation()]},
    ],
)
def test_one_unmet_requirement_makes_the_trainee_ineligible(missing):
    evaluation = evaluate(ACC, acc_ready_records(**missing), AS_OF)
    assert not evaluation.eligible
    assert sum(not result.met for result in evaluation.requirements) == 1


@pytest.mark.parametrize("rules", [ACC, PCC, MCC])
def test_as_of_before_any_records(rules):
    evaluation = evaluate(rules, acc_ready_records(), D(2023, 12, 31))
    assert not evaluation.eligible
    for result in evaluation.requirements:
        if result.code != "prerequisite_credential":
            assert result.achieved == 0, result.code
            assert not result.met


def test_evaluation_to_json_matches_the_credential_status_interface():
    evaluation = evaluate(ACC, acc_ready_records(engagements=[engagement(paid="62.5")]), AS_OF)
    document = evaluation_to_json(evaluation, "ann@example.org", "acc", AS_OF)
    assert list(document) == ["email", "pathway", "as_of", "eligible", "requirements"]
    assert document["email"] == "ann@example.org"
    assert document["pathway"] == "acc"
    assert document["as_of"] == "2025-06-01"
    assert document["eligible"] is False
    requirements = {item["code"]: item for item in document["requirements"]}
    assert list(requirements["paid_hours"]) == [
        "code",
        "label",
        "required",
        "achieved",
        "met",
        "detail",
    ]
    assert requirements["paid_hours"]["required"] == 75
    assert type(requirements["paid_hours"]["required"]) is int
    assert requirements["paid_hours"]["achieved"] == 62.5
    assert type(requirements["paid_hours"]["achieved"]) is float
    assert (
        requirements["paid_hours"]["detail"] == "You have 62.5 of 75 paid hours: 12.5 more needed."
    )
    assert requirements["exam"]["required"] == 1
    assert requirements["exam"]["achieved"] == 1
    assert requirements["exam"]["met"] is True
    assert json.loads(json.dumps(document)) == document


# --- invalid input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: education(-1), ValueError, "cannot be negative"),
        (lambda: education(5, synchronous=6), ValueError, "cannot exceed"),
        (
            lambda: EducationRecord(completed_on=AS_OF, hours=1.5),
            TypeError,
            "must be a Decimal or an int",
        ),
        (lambda: education(Decimal("NaN")), ValueError, "finite"),
        (lambda: mentor_session(1, mentor="Gold"), ValueError, "none, ACC, PCC or MCC"),
        (
            lambda: MentorSession(
                date=AS_OF,
                hours=1,
                is_group=True,
                group_size=None,
                mentor_credential="MCC",
                confirmed=True,
            ),
            ValueError,
            "no number in group",
        ),
        (
            lambda: CoachingEngagement(
                client_key="Ann",
                is_group=False,
                group_size=4,
                start_date=AS_OF,
                end_date=AS_OF,
                paid_hours=1,
                pro_bono_hours=0,
            ),
            ValueError,
            "one-to-one but has 4",
        ),
        (lambda: engagement(paid=1, group_size=0), ValueError, "at least 1"),
        (
            lambda: engagement(start=AS_OF, end=AS_OF - dt.timedelta(days=1)),
            ValueError,
            "cannot end before",
        ),
        (lambda: engagement(" "), ValueError, "needs a client"),
        (lambda: engagement(pro_bono=-1), ValueError, "Pro-bono hours cannot be negative"),
        (
            lambda: Assessment(kind="quiz", date=AS_OF, passed=True),
            ValueError,
            "exam or a performance_evaluation",
        ),
        (lambda: records(credential_held="Gold"), ValueError, "none, ACC, PCC or MCC"),
    ],
)
def test_invalid_records_are_refused_with_a_clear_message(build, error, message):
    with pytest.raises(error, match=message):
        build()


def rules_with(**changes) -> PathwayRules:
    return PathwayRules(**{**ACC.__dict__, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"level": "Gold"}, "level must be ACC, PCC or MCC"),
        ({"paid_hours": Decimal("75.001")}, "at most 2 decimal places"),
        ({"clients": -1}, "at least 0"),
        ({"exam_pass_mark": 601}, "pass mark must lie on the exam's scale"),
        ({"max_coaching_group_size": 0}, "at least 1"),
        ({"prerequisite_credential": "none"}, "prerequisite credential must be"),
    ],
)
def test_invalid_rules_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        rules_with(**changes)


def test_mentor_hours_need_the_one_to_one_minimum_even_when_the_cap_allows_more_group():
    rules = rules_with(group_mentoring_cap_hours=Decimal(8))
    sessions = [mentor_session(2), mentor_session(8, group_size=4)]
    result = result_of(rules, records(mentor_sessions=sessions), "mentor_hours")
    assert (result.achieved, result.met) == (10, False)
    assert result.detail == (
        "You have 10 countable mentor hours; 10 are needed. "
        "At least 3 hours must be one-to-one and you have 2."
    )


def test_counting_parameters_come_from_the_rules():
    rules = rules_with(
        group_mentoring_cap_hours=Decimal(5),
        min_one_to_one_mentor_hours=Decimal(5),
        max_mentoring_group_size=3,
        max_coaching_group_size=4,
        recency_window_months=1,
        exam_pass_mark=500,
        mentor_span=1,
    )
    trainee = records(
        mentor_sessions=[
            mentor_session(5, on=D(2025, 4, 1)),
            mentor_session(7, on=D(2025, 5, 1), group_size=3),
            mentor_session(7, on=D(2025, 5, 1), group_size=4),
        ],
        engagements=[
            engagement("a", paid=10, start=D(2025, 5, 1)),
            engagement("b", paid=10, start=D(2025, 4, 30)),
            engagement("c", paid=10, start=D(2025, 5, 1), group_size=5),
        ],
        assessments=[exam(score=499)],
    )
    evaluation = evaluate(rules, trainee, AS_OF)
    assert evaluation.result("mentor_hours").achieved == 10
    assert evaluation.result("mentor_span").met
    assert evaluation.result("experience_hours").achieved == 20
    assert evaluation.result("recent_hours").achieved == 10
    assert not evaluation.result("exam").met


# --- wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2025, 5, 1), "1 May 2025"),
        (D(2026, 3, 14), "14 March 2026"),
        (D(2024, 2, 29), "29 February 2024"),
    ],
)
def test_format_date(day, text):
    assert format_date(day) == text


def test_large_numbers_are_written_with_thousands_separators():
    detail = result_of(MCC, records(engagements=[engagement(paid="60.5")]), "paid_hours").detail
    assert detail.startswith("You have 60.5 of 2,250 paid hours: 2,189.5 more needed.")


@pytest.mark.parametrize(
    ("passed", "detail"),
    [
        (0, "You have 0 of 1 passed performance evaluation: 1 more needed."),
        (1, "You have 1 passed performance evaluation; 1 is needed."),
        (2, "You have 2 passed performance evaluations; 1 is needed."),
    ],
)
def test_singular_and_plural(passed, detail):
    trainee = records(assessments=[performance_evaluation() for _ in range(passed)])
    assert result_of(ACC, trainee, "performance_evaluation").detail == detail
