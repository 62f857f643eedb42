"""The credential evaluation engine: pure rules over plain data.

Given a pathway's rules, one trainee's records and an as-of date, `evaluate` says for every
requirement of the pathway what is required, what is achieved, whether it is met and, in a
sentence a trainee understands, what is missing. Nothing here touches the database: callers turn
rows into the records below, which keeps every rule testable exhaustively.

Decisions the design leaves open:
- Arithmetic is exact (`Fraction`), so the order of the input never changes a result. Achieved
  numbers are shown rounded *down* to 2 decimals and shortfalls rounded *up*, so a result never
  claims more than was done and "met" always agrees with the numbers shown.
- Nothing dated after the as-of date counts; an engagement row spanning it counts only its days
  up to the as-of date. A row's hours are spread evenly over its inclusive days for every window.
- Without a recorded training start no coaching hours count (they must fall on or after it).
- Recent hours are client-coaching hours, paid and pro bono, that fall both in the recency window
  and on or after the training start.
- Clients are rows grouped by client key, ignoring case and spacing. A key with some counting
  hours counts as many clients as the largest group among its counting rows (1 for a one-to-one
  client), so a group logged on several rows is counted once, at its largest size.
- Mentor span is in whole calendar months: the largest n with first + n months <= last, where
  adding months clamps to the month's end (30 Nov + 3 months = 28/29 Feb). Only sessions that
  count (confirmed, mentor level, group size, as-of date, more than 0 hours) set the span; group
  sessions beyond the group-hours cap still do.
- Exam and prerequisite are yes/no requirements shown as numbers: required 1, achieved 0 or 1.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction

CREDENTIAL_RANK = {"none": 0, "ACC": 1, "PCC": 2, "MCC": 3}
PATHWAY_LEVELS = ("ACC", "PCC", "MCC")
# The credentialing exam's scaled scores (DESIGN §2).
EXAM_SCALE_MIN = 200
EXAM_SCALE_MAX = 600
ASSESSMENT_KINDS = ("exam", "performance_evaluation")
# DESIGN §2's requirement codes in its table order: the order results and the JSON use.
REQUIREMENT_CODES = (
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
    "prerequisite_credential",
)
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

Amount = Decimal | int
_CENT = Decimal("0.01")


# --- validation of plain inputs ------------------------------------------------------------


def _check_amount(value: object, what: str) -> None:
    # Floats are refused: binary fractions would make sums depend on the input order.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or an int, not {type(value).__name__}.")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be a finite number.")
    if value < 0:
        raise ValueError(f"{what} cannot be negative (got {value}).")


def _check_count(value: object, what: str, *, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, not {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum} (got {value}).")


def _check_credential(value: object, what: str) -> None:
    if value not in CREDENTIAL_RANK:
        raise ValueError(f"{what} must be one of none, ACC, PCC or MCC (got {value!r}).")


def _check_group(is_group: bool, group_size: int | None, what: str) -> None:
    if is_group:
        if group_size is None:
            raise ValueError(f"{what} is a group but has no number in group.")
        _check_count(group_size, f"{what} number in group", minimum=1)
    elif group_size not in (None, 1):
        raise ValueError(f"{what} is one-to-one but has {group_size} in its group.")


# --- rules ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PathwayRules:
    """One credential pathway: each requirement's number (None: not required) and how to count.

    Every number is data so that admins can edit it per pathway; defaults are DESIGN's.
    """

    code: str  # "acc", "pcc", "mcc"
    name: str
    level: str  # the credential sought: mentors must hold it or higher
    # Requirement numbers, named by requirement code; None: the pathway has no such requirement.
    education_hours: Amount | None
    education_synchronous_hours: Amount | None
    mentor_hours: Amount | None
    mentor_span: int | None  # calendar months from first to last countable mentor session
    experience_hours: Amount | None
    paid_hours: Amount | None
    clients: int | None
    recent_hours: Amount | None
    performance_evaluation: int | None  # passed performance evaluations
    exam: bool  # a passed credentialing exam is required
    prerequisite_credential: str | None  # held at this level or higher
    # How to count.
    group_mentoring_cap_hours: Amount = Decimal(7)
    min_one_to_one_mentor_hours: Amount = Decimal(3)
    max_mentoring_group_size: int = 10
    max_coaching_group_size: int = 15
    recency_window_months: int = 18
    exam_pass_mark: int = 460
    exam_scale_min: int = EXAM_SCALE_MIN
    exam_scale_max: int = EXAM_SCALE_MAX

    def __post_init__(self) -> None:
        if self.level not in PATHWAY_LEVELS:
            raise ValueError(f"Pathway level must be ACC, PCC or MCC (got {self.level!r}).")
        for name in (
            "education_hours",
            "education_synchronous_hours",
            "mentor_hours",
            "experience_hours",
            "paid_hours",
            "recent_hours",
            "group_mentoring_cap_hours",
            "min_one_to_one_mentor_hours",
        ):
            value = getattr(self, name)
            if value is None:
                continue
            _check_amount(value, name)
            # Required numbers are shown exactly, so they may not need more than 2 decimals.
            if Decimal(value) != Decimal(value).quantize(_CENT):
                raise ValueError(f"{name} may have at most 2 decimal places (got {value}).")
        for name in ("mentor_span", "clients", "performance_evaluation"):
            if getattr(self, name) is not None:
                _check_count(getattr(self, name), name)
        for name in ("max_mentoring_group_size", "max_coaching_group_size"):
            _check_count(getattr(self, name), name, minimum=1)
        _check_count(self.recency_window_months, "recency_window_months")
        for name in ("exam_pass_mark", "exam_scale_min", "exam_scale_max"):
            _check_count(getattr(self, name), name)
        if not self.exam_scale_min <= self.exam_pass_mark <= self.exam_scale_max:
            raise ValueError("The exam pass mark must lie on the exam's scale.")
        if self.prerequisite_credential is not None and (
            self.prerequisite_credential not in PATHWAY_LEVELS
        ):
            raise ValueError("The prerequisite credential must be ACC, PCC or MCC.")


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EducationRecord:
    """Approved coach-specific education (only approved records are passed in)."""

    completed_on: dt.date
    hours: Amount
    synchronous_hours: Amount = 0

    def __post_init__(self) -> None:
        _check_amount(self.hours, "Education hours")
        _check_amount(self.synchronous_hours, "Synchronous education hours")
        if self.synchronous_hours > self.hours:
            raise ValueError("Synchronous education hours cannot exceed the record's hours.")


@dataclass(frozen=True, kw_only=True)
class MentorSession:
    date: dt.date
    hours: Amount
    is_group: bool
    group_size: int | None
    mentor_credential: str
    confirmed: bool

    def __post_init__(self) -> None:
        _check_amount(self.hours, "Mentor session hours")
        _check_group(self.is_group, self.group_size, "A mentor session")
        _check_credential(self.mentor_credential, "The mentor's credential")


@dataclass(frozen=True, kw_only=True)
class CoachingEngagement:
    """One row of the ICF coaching log: a client (or group) over a span of days."""

    client_key: str
    is_group: bool
    group_size: int | None
    start_date: dt.date
    end_date: dt.date
    paid_hours: Amount
    pro_bono_hours: Amount

    def __post_init__(self) -> None:
        if not self.client_key.strip():
            raise ValueError("A coaching log row needs a client.")
        _check_group(self.is_group, self.group_size, "A coaching log row")
        if self.end_date < self.start_date:
            raise ValueError("A coaching log row cannot end before it starts.")
        _check_amount(self.paid_hours, "Paid hours")
        _check_amount(self.pro_bono_hours, "Pro-bono hours")


@dataclass(frozen=True, kw_only=True)
class Assessment:
    kind: str
    date: dt.date
    passed: bool
    score: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ASSESSMENT_KINDS:
            raise ValueError(
                f"An assessment must be an exam or a performance_evaluation (got {self.kind!r})."
            )
        if self.score is not None:
            _check_count(self.score, "An assessment score")


@dataclass(frozen=True, kw_only=True)
class TraineeRecords:
    training_start: dt.date | None
    credential_held: str = "none"
    education: tuple[EducationRecord, ...] = ()
    mentor_sessions: tuple[MentorSession, ...] = ()
    engagements: tuple[CoachingEngagement, ...] = ()
    assessments: tuple[Assessment, ...] = ()

    def __post_init__(self) -> None:
        _check_credential(self.credential_held, "The credential held")
        # Any iterable is accepted; tuples keep the records immutable and comparable.
        for record_field in fields(self):
            if record_field.name not in ("training_start", "credential_held"):
                object.__setattr__(self, record_field.name, tuple(getattr(self, record_field.name)))


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementResult:
    code: str
    label: str
    required: Decimal | int
    achieved: Decimal | int
    met: bool
    detail: str


@dataclass(frozen=True)
class Evaluation:
    eligible: bool
    requirements: tuple[RequirementResult, ...]

    def result(self, code: str) -> RequirementResult:
        for requirement in self.requirements:
            if requirement.code == code:
                return requirement
        raise KeyError(f"This pathway has no requirement {code!r}.")


# --- dates and numbers ---------------------------------------------------------------------


def add_calendar_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the end of a shorter month."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return dt.date(year, month_index + 1, min(day.day, last_day))


def whole_months_between(first: dt.date, last: dt.date) -> int:
    """The largest n with first + n calendar months <= last (0 when last is before that)."""
    months = (last.year - first.year) * 12 + last.month - first.month
    if months > 0 and add_calendar_months(first, months) > last:
        months -= 1
    return max(months, 0)


def format_date(day: dt.date) -> str:
    """'1 May 2025', independent of the server's locale."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _to_cents(value: Fraction, round_to: Callable[[Fraction], int]) -> Decimal:
    return Decimal(round_to(value * 100)).scaleb(-2)


def _shown_achieved(value: Fraction) -> Decimal:
    return _to_cents(value, math.floor)


def _shown_nearest(value: Fraction) -> Decimal:
    return _to_cents(value, lambda cents: math.floor(cents + Fraction(1, 2)))


def _number_text(value: Decimal | int) -> str:
    """'2,500', '12.5', '0.75': no trailing zeros, thousands separated."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{Decimal(value):,.2f}".rstrip("0")


def _counted(amount: Decimal | int, singular: str, plural: str) -> str:
    return f"{_number_text(amount)} {singular if amount == 1 else plural}"


def _progress_sentence(
    achieved: Decimal | int, required: Decimal | int, singular: str, plural: str
) -> str:
    if achieved >= required:
        verb = "is" if required == 1 else "are"
        return (
            f"You have {_counted(achieved, singular, plural)}; "
            f"{_number_text(required)} {verb} needed."
        )
    return (
        f"You have {_number_text(achieved)} of {_counted(required, singular, plural)}: "
        f"{_number_text(required - achieved)} more needed."
    )


def _hours_in_window(
    row: CoachingEngagement, first: dt.date | None, last: dt.date
) -> tuple[Amount | Fraction, Amount | Fraction]:
    """The row's (paid, pro-bono) hours on its inclusive days that fall in [first, last].

    A row wholly inside the window (most rows) keeps its amounts as given: Fraction arithmetic
    per row is what made evaluating thousands of rows slow.
    """
    if first is None:
        return 0, 0
    days = (row.end_date - row.start_date).days + 1
    overlap_days = (min(row.end_date, last) - max(row.start_date, first)).days + 1
    if overlap_days >= days:
        return row.paid_hours, row.pro_bono_hours
    if overlap_days <= 0:
        return 0, 0
    share = Fraction(overlap_days, days)
    return Fraction(row.paid_hours) * share, Fraction(row.pro_bono_hours) * share


def _client_identity(client_key: str) -> str:
    return " ".join(client_key.split()).casefold()


# --- tallies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CoachingTally:
    hours: Fraction
    paid_hours: Fraction
    pro_bono_hours: Fraction
    clients: int
    oversized_group_hours: Fraction


class _ExactSum:
    """An exact sum of Decimals, ints and Fractions, cheap per term.

    Terms are added as integer ratios grouped by denominator (hours have few: 1, 2, 4, 100...),
    so the one Fraction is built at the end, not one per row.
    """

    __slots__ = ("_numerators",)

    def __init__(self) -> None:
        self._numerators: dict[int, int] = {}

    def add(self, amount: Amount | Fraction) -> None:
        numerator, denominator = amount.as_integer_ratio()
        self._numerators[denominator] = self._numerators.get(denominator, 0) + numerator

    def total(self) -> Fraction:
        return sum(
            (
                Fraction(numerator, denominator)
                for denominator, numerator in self._numerators.items()
            ),
            Fraction(0),
        )


def _tally_coaching(
    rules: PathwayRules,
    engagements: tuple[CoachingEngagement, ...],
    first: dt.date | None,
    last: dt.date,
) -> _CoachingTally:
    paid, pro_bono, oversized = _ExactSum(), _ExactSum(), _ExactSum()
    clients_by_identity: dict[str, int] = {}
    for row in engagements:
        row_paid, row_pro_bono = _hours_in_window(row, first, last)
        if row.is_group and row.group_size > rules.max_coaching_group_size:
            oversized.add(row_paid)
            oversized.add(row_pro_bono)
            continue
        if not (row_paid or row_pro_bono):  # never negative: zero only when both are
            continue
        paid.add(row_paid)
        pro_bono.add(row_pro_bono)
        identity = _client_identity(row.client_key)
        size = row.group_size if row.is_group else 1
        clients_by_identity[identity] = max(clients_by_identity.get(identity, 0), size)
    paid_hours, pro_bono_hours = paid.total(), pro_bono.total()
    return _CoachingTally(
        hours=paid_hours + pro_bono_hours,
        paid_hours=paid_hours,
        pro_bono_hours=pro_bono_hours,
        clients=sum(clients_by_identity.values()),
        oversized_group_hours=oversized.total(),
    )


@dataclass(frozen=True)
class _MentoringTally:
    one_to_one_hours: Fraction
    group_hours: Fraction
    countable_hours: Fraction
    unconfirmed_hours: Fraction
    below_level_hours: Fraction
    oversized_group_hours: Fraction
    first_session: dt.date | None
    last_session: dt.date | None


def _tally_mentoring(
    rules: PathwayRules, sessions: tuple[MentorSession, ...], as_of: dt.date
) -> _MentoringTally:
    one_to_one = group = unconfirmed = below_level = oversized = Fraction(0)
    session_dates: list[dt.date] = []
    for session in sessions:
        if session.date > as_of:
            continue
        hours = Fraction(session.hours)
        if not session.confirmed:
            unconfirmed += hours
        elif CREDENTIAL_RANK[session.mentor_credential] < CREDENTIAL_RANK[rules.level]:
            below_level += hours
        elif session.is_group and session.group_size > rules.max_mentoring_group_size:
            oversized += hours
        else:
            if session.is_group:
                group += hours
            else:
                one_to_one += hours
            if hours > 0:
                session_dates.append(session.date)
    return _MentoringTally(
        one_to_one_hours=one_to_one,
        group_hours=group,
        countable_hours=one_to_one + min(group, Fraction(rules.group_mentoring_cap_hours)),
        unconfirmed_hours=unconfirmed,
        below_level_hours=below_level,
        oversized_group_hours=oversized,
        first_session=min(session_dates, default=None),
        last_session=max(session_dates, default=None),
    )


# --- one function per requirement ----------------------------------------------------------


def _hours_result(
    code: str,
    label: str,
    required: Amount,
    achieved: Fraction,
    singular: str,
    plural: str,
    notes: tuple[str, ...] = (),
) -> RequirementResult:
    required_shown = Decimal(required).quantize(_CENT)
    achieved_shown = _shown_achieved(achieved)
    return RequirementResult(
        code=code,
        label=label,
        required=required_shown,
        achieved=achieved_shown,
        met=achieved >= Fraction(required),
        detail=" ".join(
            [_progress_sentence(achieved_shown, required_shown, singular, plural), *notes]
        ),
    )


def _count_result(
    code: str,
    label: str,
    required: int,
    achieved: int,
    singular: str,
    plural: str,
    notes: tuple[str, ...] = (),
) -> RequirementResult:
    return RequirementResult(
        code=code,
        label=label,
        required=required,
        achieved=achieved,
        met=achieved >= required,
        detail=" ".join([_progress_sentence(achieved, required, singular, plural), *notes]),
    )


def _hours_note(hours: Fraction, reason: str) -> tuple[str, ...]:
    if hours == 0:
        return ()
    shown = _shown_nearest(hours)
    verb = "does" if shown == 1 else "do"
    return (f"{_counted(shown, 'hour', 'hours')} {reason} {verb} not count.",)


_NO_TRAINING_START = "Your training start date is not recorded, so no coaching hours count yet."


def _education_results(
    rules: PathwayRules, records: TraineeRecords, as_of: dt.date
) -> list[RequirementResult]:
    completed = [record for record in records.education if record.completed_on <= as_of]
    results = []
    if rules.education_hours is not None:
        results.append(
            _hours_result(
                "education_hours",
                "Coach-specific education",
                rules.education_hours,
                sum((Fraction(record.hours) for record in completed), Fraction(0)),
                "education hour",
                "education hours",
            )
        )
    if rules.education_synchronous_hours is not None:
        results.append(
            _hours_result(
                "education_synchronous_hours",
                "Live (synchronous) education",
                rules.education_synchronous_hours,
                sum((Fraction(record.synchronous_hours) for record in completed), Fraction(0)),
                "live education hour",
                "live education hours",
            )
        )
    return results


def _mentor_hours_result(rules: PathwayRules, tally: _MentoringTally) -> RequirementResult:
    required = Decimal(rules.mentor_hours).quantize(_CENT)
    achieved = _shown_achieved(tally.countable_hours)
    minimum_one_to_one = Fraction(rules.min_one_to_one_mentor_hours)
    cap = Fraction(rules.group_mentoring_cap_hours)
    sentences = [
        _progress_sentence(achieved, required, "countable mentor hour", "countable mentor hours")
    ]
    if tally.one_to_one_hours < minimum_one_to_one:
        sentences.append(
            f"At least {_counted(rules.min_one_to_one_mentor_hours, 'hour', 'hours')} must be "
            f"one-to-one and you have {_number_text(_shown_achieved(tally.one_to_one_hours))}."
        )
    if tally.group_hours > cap:
        beyond_cap = _shown_nearest(tally.group_hours - cap)
        one = beyond_cap == 1
        sentences.append(
            f"{_number_text(beyond_cap)} of your "
            f"{_number_text(_shown_nearest(tally.group_hours))} group mentoring hours "
            f"{'is' if one else 'are'} beyond the "
            f"{_number_text(rules.group_mentoring_cap_hours)}-hour group limit and "
            f"{'does' if one else 'do'} not count."
        )
    sentences += _hours_note(tally.unconfirmed_hours, "not yet confirmed by your mentor")
    sentences += _hours_note(tally.below_level_hours, f"with mentors below {rules.level} level")
    sentences += _hours_note(
        tally.oversized_group_hours,
        f"in groups larger than {rules.max_mentoring_group_size}",
    )
    return RequirementResult(
        code="mentor_hours",
        label="Mentor coaching",
        required=required,
        achieved=achieved,
        met=tally.countable_hours >= Fraction(rules.mentor_hours)
        and tally.one_to_one_hours >= minimum_one_to_one,
        detail=" ".join(sentences),
    )


def _mentor_span_result(rules: PathwayRules, tally: _MentoringTally) -> RequirementResult:
    required = rules.mentor_span
    months = "month" if required == 1 else "months"
    if tally.first_session is None or tally.last_session is None:
        return RequirementResult(
            code="mentor_span",
            label="Mentor coaching span",
            required=required,
            achieved=0,
            met=required == 0,
            detail=(
                "No mentor sessions count yet; the first and last must be at least "
                f"{required} {months} apart."
            ),
        )
    span = whole_months_between(tally.first_session, tally.last_session)
    if span == 0:
        span_text = "less than a month"
    else:
        span_text = f"{span} month" if span == 1 else f"{span} months"
    if span >= required:
        detail = (
            f"Your mentor sessions span {span_text}, from {format_date(tally.first_session)} "
            f"to {format_date(tally.last_session)}."
        )
    else:
        target = add_calendar_months(tally.first_session, required)
        detail = (
            f"Your mentor sessions span {span_text}; the last must be on or after "
            f"{format_date(target)}."
        )
    return RequirementResult(
        code="mentor_span",
        label="Mentor coaching span",
        required=required,
        achieved=span,
        met=span >= required,
        detail=detail,
    )


def _recency_start(as_of: dt.date, months: int) -> dt.date:
    try:
        return add_calendar_months(as_of, -months)
    except ValueError:  # the window reaches back before year 1
        return dt.date.min


def _coaching_results(
    rules: PathwayRules, records: TraineeRecords, as_of: dt.date
) -> list[RequirementResult]:
    start = records.training_start
    tally = _tally_coaching(rules, records.engagements, start, as_of)
    no_start = (_NO_TRAINING_START,) if start is None else ()
    results = []
    if rules.experience_hours is not None:
        notes = no_start + _hours_note(
            tally.oversized_group_hours,
            f"with groups larger than {rules.max_coaching_group_size}",
        )
        if start is not None and tally.hours < Fraction(rules.experience_hours):
            notes += (f"Hours count from your training start on {format_date(start)}.",)
        results.append(
            _hours_result(
                "experience_hours",
                "Client coaching",
                rules.experience_hours,
                tally.hours,
                "coaching hour",
                "coaching hours",
                notes,
            )
        )
    if rules.paid_hours is not None:
        notes = no_start
        if tally.pro_bono_hours and tally.paid_hours < Fraction(rules.paid_hours):
            notes += ("Pro-bono hours count toward your coaching hours but not these.",)
        results.append(
            _hours_result(
                "paid_hours",
                "Paid client coaching",
                rules.paid_hours,
                tally.paid_hours,
                "paid hour",
                "paid hours",
                notes,
            )
        )
    if rules.clients is not None:
        results.append(
            _count_result(
                "clients",
                "Distinct clients",
                rules.clients,
                tally.clients,
                "client",
                "clients",
                no_start,
            )
        )
    if rules.recent_hours is not None:
        results.append(_recent_hours_result(rules, records, as_of))
    return results


def _recent_hours_result(
    rules: PathwayRules, records: TraineeRecords, as_of: dt.date
) -> RequirementResult:
    window_start = _recency_start(as_of, rules.recency_window_months)
    start = records.training_start
    first = None if start is None else max(start, window_start)
    tally = _tally_coaching(rules, records.engagements, first, as_of)
    required = Decimal(rules.recent_hours).quantize(_CENT)
    achieved = _shown_achieved(tally.hours)
    met = tally.hours >= Fraction(rules.recent_hours)
    if first is None:
        detail = f"You have 0 of {_counted(required, 'recent hour', 'recent hours')}. "
        detail += _NO_TRAINING_START
    elif met:
        detail = (
            f"You have {_counted(achieved, 'coaching hour', 'coaching hours')} on or after "
            f"{format_date(first)}; {_number_text(required)} "
            f"{'is' if required == 1 else 'are'} needed."
        )
    else:
        detail = (
            f"You have {_number_text(achieved)} of "
            f"{_counted(required, 'recent hour', 'recent hours')}: "
            f"{_number_text(required - achieved)} more needed; they must fall on or after "
            f"{format_date(first)}."
        )
    return RequirementResult(
        code="recent_hours",
        label=f"Recent coaching (last {rules.recency_window_months} months)",
        required=required,
        achieved=achieved,
        met=met,
        detail=detail,
    )


def _assessment_results(
    rules: PathwayRules, records: TraineeRecords, as_of: dt.date
) -> list[RequirementResult]:
    taken = [assessment for assessment in records.assessments if assessment.date <= as_of]
    results = []
    if rules.performance_evaluation is not None:
        passed = sum(
            1
            for assessment in taken
            if assessment.kind == "performance_evaluation" and assessment.passed
        )
        results.append(
            _count_result(
                "performance_evaluation",
                "Performance evaluations",
                rules.performance_evaluation,
                passed,
                "passed performance evaluation",
                "passed performance evaluations",
            )
        )
    if rules.exam:
        results.append(_exam_result(rules, [a for a in taken if a.kind == "exam"]))
    return results


def _exam_result(rules: PathwayRules, exams: list[Assessment]) -> RequirementResult:
    passes = sorted(
        exam.date
        for exam in exams
        if exam.passed and (exam.score is None or exam.score >= rules.exam_pass_mark)
    )
    pass_mark = (
        f"the pass mark is {rules.exam_pass_mark} on a scale of "
        f"{rules.exam_scale_min} to {rules.exam_scale_max}"
    )
    scores = [exam.score for exam in exams if exam.score is not None]
    if passes:
        detail = f"You passed the credentialing exam on {format_date(passes[0])}."
    elif scores:
        detail = f"Your best exam score so far is {max(scores)}; {pass_mark}."
    elif exams:
        detail = f"You have not passed the credentialing exam yet; {pass_mark}."
    else:
        detail = f"You have not taken the credentialing exam yet; {pass_mark}."
    return RequirementResult(
        code="exam",
        label="Credentialing exam",
        required=1,
        achieved=1 if passes else 0,
        met=bool(passes),
        detail=detail,
    )


def _prerequisite_result(rules: PathwayRules, records: TraineeRecords) -> RequirementResult:
    needed = rules.prerequisite_credential
    held = records.credential_held
    met = CREDENTIAL_RANK[held] >= CREDENTIAL_RANK[needed]
    if met:
        detail = f"You hold the {held} credential."
    else:
        holding = "no credential" if held == "none" else f"the {held} credential"
        detail = f"You need the {needed} credential (or higher) first; you hold {holding}."
    return RequirementResult(
        code="prerequisite_credential",
        label="Prerequisite credential",
        required=1,
        achieved=1 if met else 0,
        met=met,
        detail=detail,
    )


def _check_exam_scores(rules: PathwayRules, assessments: tuple[Assessment, ...]) -> None:
    for assessment in assessments:
        if assessment.kind != "exam" or assessment.score is None:
            continue
        if not rules.exam_scale_min <= assessment.score <= rules.exam_scale_max:
            raise ValueError(
                f"The exam score {assessment.score} on {format_date(assessment.date)} is "
                f"outside the scale of {rules.exam_scale_min} to {rules.exam_scale_max}."
            )


# --- the engine ----------------------------------------------------------------------------


def evaluate(rules: PathwayRules, records: TraineeRecords, as_of: dt.date) -> Evaluation:
    """One result per requirement the pathway has, in DESIGN's table order."""
    _check_exam_scores(rules, records.assessments)
    results = _education_results(rules, records, as_of)
    if rules.mentor_hours is not None or rules.mentor_span is not None:
        mentoring = _tally_mentoring(rules, records.mentor_sessions, as_of)
        if rules.mentor_hours is not None:
            results.append(_mentor_hours_result(rules, mentoring))
        if rules.mentor_span is not None:
            results.append(_mentor_span_result(rules, mentoring))
    results += _coaching_results(rules, records, as_of)
    results += _assessment_results(rules, records, as_of)
    if rules.prerequisite_credential is not None:
        results.append(_prerequisite_result(rules, records))
    return Evaluation(eligible=all(result.met for result in results), requirements=tuple(results))


def _json_number(value: Decimal | int) -> int | float:
    return int(value) if value == int(value) else float(value)


def evaluation_to_json(
    evaluation: Evaluation, email: str, pathway_code: str, as_of: dt.date
) -> dict:
    """The `credential_status --json` object of DESIGN §4 (numbers as JSON numbers)."""
    return {
        "email": email,
        "pathway": pathway_code,
        "as_of": as_of.isoformat(),
        "eligible": evaluation.eligible,
        "requirements": [
            {
                "code": result.code,
                "label": result.label,
                "required": _json_number(result.required),
                "achieved": _json_number(result.achieved),
                "met": result.met,
                "detail": result.detail,
            }
            for result in evaluation.requirements
        ],
    }
