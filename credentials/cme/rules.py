"""Pure CME rules: credit arithmetic, the AMA designation statement, who may claim what.

No ORM here: plain values in, plain values out, so that hypothesis can try them exhaustively.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal

AMA = "ama"
PARTICIPATION = "participation"
# Credit types tied to a licensed profession: a learner who may claim one of them gets it, not
# the generic certificate of participation.
PROFESSIONAL_CREDIT_TYPES = frozenset({AMA, "ancc"})

# How the AMA wording names each learning format ("designates this live activity for ...").
FORMAT_PHRASES = {
    "enduring": "enduring material",
    "live": "live activity",
    "internet_poc": "internet point-of-care activity",
    "other": "activity",
}
COMMENSURATE = (
    "Physicians should claim only the credit commensurate with the extent of their "
    "participation in the activity."
)


def format_credits(value: Decimal) -> str:
    """1.75 → '1.75', 2.00 → '2', 0.50 → '0.5'."""
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_multiple(value: Decimal, increment: Decimal) -> bool:
    return increment > 0 and value % increment == 0


def floor_to_increment(value: Decimal, increment: Decimal) -> Decimal:
    """The largest multiple of `increment` not above `value`."""
    steps = (value / increment).to_integral_value(rounding=ROUND_FLOOR)
    return (steps * increment).quantize(Decimal("0.01"))


def claim_ceiling(*, maximum: Decimal, increment: Decimal, hours_spent: Decimal | None) -> Decimal:
    """The most a learner may claim: the maximum, and never more than the time the LMS knows
    they spent (None: the LMS does not know), in whole increments."""
    ceiling = maximum if hours_spent is None else min(maximum, hours_spent)
    return floor_to_increment(ceiling, increment)


def credit_choices(
    *, maximum: Decimal, increment: Decimal, hours_spent: Decimal | None = None
) -> list[Decimal]:
    """Every amount a learner may claim, smallest first, in steps of the increment."""
    ceiling = claim_ceiling(maximum=maximum, increment=increment, hours_spent=hours_spent)
    count = int(ceiling / increment) if ceiling > 0 else 0
    return [(increment * step).quantize(Decimal("0.01")) for step in range(1, count + 1)]


def credits_problem(
    *,
    credits: Decimal,
    increment: Decimal,
    maximum: Decimal,
    unit: str,
    hours_spent: Decimal | None = None,
) -> str:
    """Why this amount cannot be claimed, in plain words; '' when it can."""
    if credits <= 0:
        return f"Claim more than 0 {unit}."
    if not is_multiple(credits, increment):
        step = format_credits(increment)
        return f"Claim {unit} in steps of {step}, such as {format_credits(increment * 3)}."
    if credits > maximum:
        return f"This activity offers at most {format_credits(maximum)} {unit}."
    if hours_spent is not None and credits > hours_spent:
        return (
            f"You can claim at most {format_credits(floor_to_increment(hours_spent, increment))} "
            f"{unit}: the time this activity takes."
        )
    return ""


def maximum_problem(*, maximum: Decimal, increment: Decimal) -> str:
    if maximum <= 0:
        return "The maximum must be more than 0."
    if not is_multiple(maximum, increment):
        return f"The maximum must be a multiple of {format_credits(increment)}."
    return ""


def completion_date_problem(
    *, completed_on: dt.date, starts_on: dt.date, ends_on: dt.date, today: dt.date
) -> str:
    if completed_on > today:
        return "The completion date is in the future."
    if completed_on < starts_on:
        return f"The activity starts on {starts_on.isoformat()}: it cannot be completed before."
    if completed_on > ends_on:
        return f"The activity ended on {ends_on.isoformat()}: credit cannot be earned after."
    return ""


def designation_statement(*, provider: str, learning_format: str, maximum: Decimal) -> str:
    """The AMA designation statement, word for word."""
    credit = "Credit" if maximum == 1 else "Credits"
    return (
        f"{provider} designates this {FORMAT_PHRASES[learning_format]} for a maximum of "
        f"{format_credits(maximum)} AMA PRA Category 1 {credit}™. {COMMENSURATE}"
    )


def claimable_codes(*, profession: str, offered: Mapping[str, frozenset[str]]) -> set[str]:
    """The credit types a learner of this profession may claim among those an activity offers.

    `offered` maps each offered credit type's code to the professions that may claim it (empty:
    anyone). Physicians get AMA credit; others a certificate of participation, unless a credit
    type of their own profession (ANCC for nurses) is offered.
    """
    allowed = {
        code
        for code, professions in offered.items()
        if not professions or profession in professions
    }
    if PARTICIPATION in allowed and allowed & PROFESSIONAL_CREDIT_TYPES:
        allowed.discard(PARTICIPATION)
    return allowed
