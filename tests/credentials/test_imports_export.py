"""export_coaching_log: the ICF layout, readable by Excel, and importable again."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from credentials.imports import export_coaching_log, import_records, read_table
from credentials.services import coaching_log_entry_upsert
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(db):
    trainee = make_trainee(email="ann@example.org")
    coaching_log_entry_upsert(
        trainee=trainee,
        client_name="Zoë",
        client_contact="zoe@example.com",
        engagement="individual",
        start_date=dt.date(2024, 2, 1),
        end_date=dt.date(2024, 3, 1),
        paid_hours=Decimal("10.50"),
        pro_bono_hours=Decimal("0"),
    )
    coaching_log_entry_upsert(
        trainee=trainee,
        client_name="Team",
        engagement="group",
        group_size=4,
        start_date=dt.date(2024, 1, 5),
        end_date=dt.date(2024, 1, 5),
        paid_hours=Decimal("0"),
        pro_bono_hours=Decimal("2"),
    )
    return trainee


def test_csv_has_a_bom_the_icf_headings_and_the_contact(ann):
    content = export_coaching_log(trainee=ann, file_format="csv")
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Coach Email,Client Name,Contact,Individual/Group,Number in Group,Start Date,End Date,"
        "Paid Hours,Pro Bono Hours",
        "ann@example.org,Team,,Group,4,2024-01-05,2024-01-05,0,2",
        "ann@example.org,Zoë,zoe@example.com,Individual,,2024-02-01,2024-03-01,10.5,0",
    ]


def test_export_holds_only_the_trainees_own_log(ann):
    other = make_trainee()
    assert export_coaching_log(trainee=other, file_format="csv").count(b"\n") == 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(ann, file_format):
    content = export_coaching_log(trainee=ann, file_format=file_format)
    upload = io.BytesIO(content)
    upload.name = f"log.{file_format}"
    report = import_records(
        kind="coaching_log", table=read_table(upload), dry_run=False, only_trainee=ann
    )
    assert (report.ok, report.unchanged, report.created, report.updated) == (True, 2, 0, 0)


def test_xlsx_export_opens_in_a_workbook(ann):
    sheet = load_workbook(io.BytesIO(export_coaching_log(trainee=ann, file_format="xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Contact"
    assert rows[2][1:3] == ("Zoë", "zoe@example.com")


def test_unknown_format_is_a_programming_error(ann):
    with pytest.raises(ValueError, match="csv or xlsx"):
        export_coaching_log(trainee=ann, file_format="pdf")
