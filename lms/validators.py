"""Pure validators for identifiers people type in."""

import unicodedata
import zoneinfo
from datetime import date

from django.core.exceptions import ValidationError

# The NPI check digit is a Luhn digit computed as if the number carried the
# health-industry prefix 80840 (CMS NPI standard). Adding the prefix's own Luhn
# contribution is the same as prepending it.
NPI_PREFIX = "80840"


def luhn_checksum_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def npi_is_valid(value: str) -> bool:
    return (
        len(value) == 10
        and value.isascii()
        and value.isdigit()
        and luhn_checksum_is_valid(NPI_PREFIX + value)
    )


def validate_npi(value: str) -> None:
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError(
            "An NPI is exactly 10 digits, with no spaces or letters.", code="npi_format"
        )
    if not npi_is_valid(value):
        raise ValidationError(
            "This NPI's check digit is wrong. Please copy it again from your NPPES record.",
            code="npi_checksum",
        )


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "Choose a time zone from the list, such as Europe/London.", code="time_zone"
        )


def validate_not_in_future(value: date, *, today: date) -> None:
    """`today` is passed in because "today" depends on the person's time zone."""
    if value > today:
        raise ValidationError(
            "This date is in the future. Enter today's date or an earlier one.",
            code="future_date",
        )


def validate_no_control_characters(value: str) -> None:
    """Refuse line breaks, tabs and other control characters: a name is one line of text, and
    it is shown in pages, exports and emails."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise ValidationError(
            "Use letters, spaces and punctuation only: no line breaks, tabs or other "
            "control characters.",
            code="control_characters",
        )
