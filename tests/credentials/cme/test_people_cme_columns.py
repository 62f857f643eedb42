"""The people import's optional CME columns and the CME identifiers on the profile page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from credentials.imports import Table, import_records
from lms.models import Profession, User
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

HEADINGS = (
    "Email",
    "First Name",
    "Last Name",
    "Role",
    "Profession",
    "NPI",
    "Licence Number",
    "Licence State",
    "Board ID",
    "Birth Month",
    "Birth Day",
    "PARS Consent",
)


def _import(*rows):
    return import_records(
        kind="people", table=Table(headings=HEADINGS, rows=list(rows)), dry_run=False
    )


def test_cme_columns_are_stored_and_reimport_changes_nothing():
    row = (
        "doc@example.org",
        "Ada",
        "Lind",
        "trainee",
        "physician",
        "1234567893",
        "A12345",
        "ca",
        "ABIM-998",
        "2",
        "29",
        "yes",
    )
    report = _import(row)
    assert report.ok and report.created == 1
    person = User.objects.get(email="doc@example.org")
    assert person.profession == Profession.PHYSICIAN
    assert (person.npi, person.licence_number, person.licence_state, person.board_id) == (
        "1234567893",
        "A12345",
        "CA",
        "ABIM-998",
    )
    assert (person.birth_month, person.birth_day) == (2, 29)
    assert person.pars_consent is True
    assert person.pars_consent_changed_at is not None
    again = _import(row)
    assert again.unchanged == 1 and again.updated == 0


def test_empty_cme_cells_keep_what_is_stored_and_consent_change_is_dated():
    person = make_trainee(
        email="n@example.org",
        first_name="N",
        last_name="O",
        licence_number="X1",
        birth_month=7,
        birth_day=14,
    )
    report = _import(("n@example.org", "N", "O", "trainee", "", "", "", "", "", "", "", "no"))
    assert report.ok
    person.refresh_from_db()
    assert (person.licence_number, person.birth_month, person.birth_day) == ("X1", 7, 14)
    assert person.pars_consent is False and person.pars_consent_changed_at is None  # unchanged
    report = _import(("n@example.org", "N", "O", "trainee", "nurse", "", "", "", "", "", "", "yes"))
    person.refresh_from_db()
    assert report.updated == 1
    assert person.profession == Profession.NURSE
    assert person.pars_consent and person.pars_consent_changed_at is not None


def test_cme_cells_are_checked_row_by_row():
    report = _import(
        ("a@example.org", "A", "B", "trainee", "dentist", "", "", "", "", "", "", ""),
        ("c@example.org", "C", "D", "trainee", "", "123", "", "", "", "", "", ""),
        ("e@example.org", "E", "F", "trainee", "", "", "", "C1", "", "", "", ""),
        ("g@example.org", "G", "H", "trainee", "", "", "", "", "", "2", "30", ""),
        ("i@example.org", "I", "J", "trainee", "", "", "", "", "", "13", "1", ""),
        ("k@example.org", "K", "L", "trainee", "", "", "", "", "", "", "", "maybe"),
        ("m@example.org", "M", "N", "trainee", "", "", "", "", "", "5", "", ""),
    )
    assert [str(error) for error in report.errors] == [
        "row 2, column Profession: Profession must be physician, nurse, psychologist or other.",
        "row 3, column NPI: An NPI is exactly 10 digits, with no spaces or letters.",
        "row 4, column Licence State: Give the state as its two-letter code, such as CA or NY.",
        "row 5, column Birth Day: Month 2 has no day 30.",
        "row 6, column Birth Day: The birth month is a number from 1 to 12.",
        "row 7, column PARS Consent: PARS Consent must be yes or no.",
        "row 8, column Birth Day: Give both the birth month and the birth day, or neither.",
    ]
    assert not User.objects.filter(email__endswith="@example.org").exists()


def test_user_clean_refuses_a_day_the_month_does_not_have():
    person = User(email="x@example.org", first_name="X", last_name="Y", birth_month=4, birth_day=31)
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert error.value.message_dict["birth_day"] == ["Month 4 has no day 31."]


def test_profile_shows_cme_identifiers_to_physicians_only(client):
    doctor = make_trainee(
        profession=Profession.PHYSICIAN,
        licence_number="A12345",
        licence_state="NY",
        board_id="ABIM-1",
        birth_month=3,
        birth_day=9,
        pars_consent=True,
    )
    client.force_login(doctor)
    page = client.get(reverse("profile")).content.decode()
    assert "CME reporting" in page
    assert "A12345 (NY)" in page and "ABIM-1" in page and "9 March" in page
    assert "You allow us to report your CME credit to ACCME" in page
    nurse = make_trainee(profession=Profession.NURSE)
    client.force_login(nurse)
    assert "CME reporting" not in client.get(reverse("profile")).content.decode()
