"""Pure ICF renewal rules (DESIGN §2): 40 CCE units every 3 years, at least 24 in Core
Competencies and at least 3 in coaching ethics; ACC renewals also need 10 hours of mentor
coaching.

The cycle runs from the day the credential was granted or last renewed to the day before its
third anniversary. Units count on their completion date inside the cycle. Ethics units are
Core Competency units of an activity that marks them as ethics, so they count toward the 24
too. Mentor coaching counts as for the credential itself: confirmed sessions only, groups of
more than 10 not at all, and at most 7 hours of group mentoring.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from credentials.engine import RequirementResult, add_calendar_months, format_date

CYCLE_MONTHS = 36
TOTAL_UNITS = Decimal(40)
CORE_UNITS = Decimal(24)
ETHICS_UNITS = Decimal(3)
ACC_MENTOR_HOURS = Decimal(10)
MAX_GROUP_MENTOR_HOURS = Decimal(7)
MAX_MENTOR_GROUP_SIZE = 10
ICF_CORE, ICF_RESOURCE = "icf_core", "icf_resource"
ZERO = Decimal(0)


@dataclass(frozen=True)
class CceUnits:
    completed_on: dt.date
    credit_type: str  # icf_core or icf_resource; anything else is not a CCE unit
    units: Decimal
    ethics: bool = False


@dataclass(frozen=True)
class MentorHours:
    date: dt.date
    hours: Decimal
    group_size: int | None = None  # None: one-to-one


@dataclass(frozen=True)
class RenewalStatus:
    credential: str
    cycle_start: dt.date
    due_on: dt.date  # the third anniversary: the renewal is due before it
    requirements: tuple[RequirementResult, ...]

    @property
    def complete(self) -> bool:
        return all(requirement.met for requirement in self.requirements)

    @property
    def last_day(self) -> dt.date:
        return self.due_on - dt.timedelta(days=1)


def cycle_due_on(cycle_start: dt.date) -> dt.date:
    return add_calendar_months(cycle_start, CYCLE_MONTHS)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))


def _result(
    code: str, label: str, required: Decimal, achieved: Decimal, unit: str, due_on: dt.date
) -> RequirementResult:
    met = achieved >= required
    if met:
        detail = f"You have {_number(achieved)} {unit}; {_number(required)} are needed."
    else:
        detail = (
            f"You have {_number(achieved)} of {_number(required)} {unit}: "
            f"{_number(required - achieved)} more needed before {format_date(due_on)}."
        )
    return RequirementResult(code, label, required, achieved, met, detail)


def counted_mentor_hours(sessions: Iterable[MentorHours]) -> Decimal:
    one_to_one = sum((s.hours for s in sessions if s.group_size is None), ZERO)
    group = sum(
        (
            s.hours
            for s in sessions
            if s.group_size is not None and s.group_size <= MAX_MENTOR_GROUP_SIZE
        ),
        ZERO,
    )
    return one_to_one + min(group, MAX_GROUP_MENTOR_HOURS)


def renewal_status(
    *,
    credential: str,
    cycle_start: dt.date,
    units: Iterable[CceUnits],
    mentor_sessions: Iterable[MentorHours] = (),
) -> RenewalStatus:
    """Where a coach stands in the renewal cycle that starts on `cycle_start`."""
    due_on = cycle_due_on(cycle_start)

    def in_cycle(day: dt.date) -> bool:
        return cycle_start <= day < due_on

    counted = [u for u in units if in_cycle(u.completed_on)]
    core = sum((u.units for u in counted if u.credit_type == ICF_CORE), ZERO)
    resource = sum((u.units for u in counted if u.credit_type == ICF_RESOURCE), ZERO)
    ethics = sum((u.units for u in counted if u.credit_type == ICF_CORE and u.ethics), ZERO)
    requirements = [
        _result("cce_units", "CCE units in all", TOTAL_UNITS, core + resource, "units", due_on),
        _result("core_units", "Core Competency units", CORE_UNITS, core, "units", due_on),
        _result("ethics_units", "Coaching ethics units", ETHICS_UNITS, ethics, "units", due_on),
    ]
    if credential == "ACC":
        hours = counted_mentor_hours(
            [session for session in mentor_sessions if in_cycle(session.date)]
        )
        requirements.append(
            _result("mentor_hours", "Mentor coaching", ACC_MENTOR_HOURS, hours, "hours", due_on)
        )
    return RenewalStatus(
        credential=credential,
        cycle_start=cycle_start,
        due_on=due_on,
        requirements=tuple(requirements),
    )
