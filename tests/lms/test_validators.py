from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lms.forms import time_zone_choices
from lms.templatetags.account_tags import duration_in_words
from lms.validators import (
    luhn_checksum_is_valid,
    npi_is_valid,
    validate_not_in_future,
    validate_npi,
    validate_time_zone,
)


def npi_check_digit(first_nine: str) -> str:
    """Independent reference: the CMS algorithm as published (double alternate digits, +24)."""
    total = 24  # the constant contribution of the 80840 prefix
    for position, char in enumerate(reversed(first_nine)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_known_valid_npis_pass(npi):
    validate_npi(npi)
    assert npi_is_valid(npi)


def test_npi_with_wrong_check_digit_is_refused_with_a_plain_message():
    with pytest.raises(ValidationError) as caught:
        validate_npi("1234567890")
    assert caught.value.code == "npi_checksum"
    assert "check digit is wrong" in caught.value.messages[0]


@pytest.mark.parametrize(
    "npi",
    [
        "123456789",
        "12345678930",
        "12345 7893",
        "12345678a3",
        "",
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff13",
    ],
)
def test_npi_that_is_not_ten_ascii_digits_is_refused(npi):
    with pytest.raises(ValidationError) as caught:
        validate_npi(npi)
    assert caught.value.code == "npi_format"
    assert caught.value.messages == ["An NPI is exactly 10 digits, with no spaces or letters."]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_completes_any_nine_digits(first_nine):
    valid_digits = [d for d in "0123456789" if npi_is_valid(first_nine + d)]
    assert valid_digits == [npi_check_digit(first_nine)]


@given(
    st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 9), st.integers(1, 9)
)
def test_changing_any_single_digit_of_a_valid_npi_makes_it_invalid(number, position, delta):
    valid = number[:9] + npi_check_digit(number[:9])
    changed = valid[:position] + str((int(valid[position]) + delta) % 10) + valid[position + 1 :]
    assert npi_is_valid(valid)
    assert not npi_is_valid(changed)


def test_luhn_reference_numbers():
    assert luhn_checksum_is_valid("79927398713")
    assert not luhn_checksum_is_valid("79927398710")


def test_dates_up_to_today_are_accepted_and_tomorrow_is_not():
    today = date(2025, 6, 1)
    validate_not_in_future(today, today=today)
    validate_not_in_future(today - timedelta(days=400), today=today)
    with pytest.raises(ValidationError, match="in the future"):
        validate_not_in_future(today + timedelta(days=1), today=today)


def test_time_zone_validator():
    validate_time_zone("Europe/London")
    with pytest.raises(ValidationError, match="Choose a time zone from the list"):
        validate_time_zone("Mars/Olympus_Mons")


def test_time_zone_choices_are_valid_zones_with_utc_first_and_no_legacy_aliases():
    values = [value for value, _ in time_zone_choices()]
    assert values[0] == "UTC"
    assert {"Europe/London", "America/New_York", "Asia/Kolkata"} <= set(values)
    assert not any(value.startswith(("Etc/", "US/")) for value in values)
    for value in values:
        validate_time_zone(value)


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (15, "15 minutes"),
        (1, "1 minute"),
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (120, "2 hours"),
    ],
)
def test_duration_in_words(minutes, words):
    assert duration_in_words(timedelta(minutes=minutes)) == words
