"""A trainee's own coaching-log import takes ICF's template as coaches keep it (DESIGN §4),
reports every problem of a row, and reads typed dates only the way the trainee says."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from credentials.imports import Table, import_records, read_own_coaching_log, read_table
from credentials.models import CoachingLogEntry
from tests.factories.records import days_ago

pytestmark = pytest.mark.django_db

UPLOAD = reverse("credentials:coaching_log_import")
CONFIRM = reverse("credentials:coaching_log_import_confirm")
ICF_HEADINGS = [
    "Client Name",
    "Contact Information",
    "Individual/Group",
    "No. of individuals in Group",
    "Start Date",
    "End Date",
    "Paid Hours",
    "Pro-bono Hours",
]


def icf_workbook(*rows) -> SimpleUploadedFile:
    """ICF's template: title and coach rows, the headings in row 4, data, then a totals row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Client Coaching Log"])
    sheet.append(["Coach Name:", "Ann Lee"])
    sheet.append([])
    sheet.append(ICF_HEADINGS)
    for row in rows:
        sheet.append(row)
    sheet.append(["Total", None, None, None, None, None, "=SUM(G5:G6)", "=SUM(H5:H6)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ICF log.xlsx", buffer.getvalue())


def at(days: int) -> dt.datetime:
    return dt.datetime.combine(days_ago(days), dt.time(0))


def test_icfs_template_imports_as_it_is(client, trainee):
    client.force_login(trainee)
    upload = icf_workbook(
        ["Client A", "a@example.org", "Individual", None, at(40), at(20), 3, 0],
        ["Team B", "", "Group", 4, at(10), at(10), 0, 2],
    )
    preview = client.post(UPLOAD, {"spreadsheet": upload})
    html = preview.content.decode()
    assert preview.status_code == 200, html
    assert "Import 2 rows" in html
    assert [number for number, _ in preview.context["rows"]] == [5, 6]  # as Excel shows them
    client.post(CONFIRM, {"token": preview.context["token"]})
    entries = CoachingLogEntry.objects.filter(trainee=trainee).order_by("client_name")
    assert [(e.client_name, e.group_size, e.start_date) for e in entries] == [
        ("Client A", None, days_ago(40)),
        ("Team B", 4, days_ago(10)),
    ]
    assert entries[0].client_contact == "a@example.org"


def test_errors_in_icfs_template_name_the_rows_excel_shows(client, trainee):
    client.force_login(trainee)
    upload = icf_workbook(
        ["Client A", "", "Individual", None, at(40), at(20), 3, 0],
        ["Client B", "", "Individual", None, at(40), at(20), "lots", 0],
    )
    response = client.post(UPLOAD, {"spreadsheet": upload})
    assert response.status_code == 400
    assert [str(error) for error in response.context["report"].errors] == [
        "row 6, column Paid Hours: Paid Hours must be a number of hours such as 1.5."
    ]


@pytest.mark.parametrize(
    "headings",
    [
        ("Client Name", "Contact Info", "Individual/Group", "Number in Group"),
        ("CLIENT  NAME", "contact information", "individual/group", "no. of individuals in group"),
    ],
)
def test_icfs_heading_variants_in_any_case_and_spacing(trainee, headings):
    day = days_ago(3).isoformat()
    content = (
        ",".join([*headings, "Start Date", "End Date", "Paid Hours", "PRO BONO   hours"])
        + f"\nClient A,a@example.org,Group,3,{day},{day},1,0\n"
    )
    table = read_own_coaching_log(SimpleUploadedFile("log.csv", content.encode()))
    report = import_records(kind="coaching_log", table=table, dry_run=False, only_trainee=trainee)
    assert report.ok, report.errors
    entry = CoachingLogEntry.objects.get()
    assert (entry.client_contact, entry.group_size) == ("a@example.org", 3)


def test_the_command_still_needs_coach_email_and_its_own_headings(trainee):
    day = days_ago(3).isoformat()
    content = (
        f"Client Name,Individual/Group,Start Date,End Date,Paid Hours,Pro Bono Hours\n"
        f"Client A,Individual,{day},{day},1,0\n"
    )
    table = read_table(SimpleUploadedFile("log.csv", content.encode()))
    with pytest.raises(Exception, match="missing these columns: Coach Email"):
        import_records(kind="coaching_log", table=table, dry_run=True)


LOG_HEADINGS = (
    "Coach Email",
    "Client Name",
    "Individual/Group",
    "Start Date",
    "End Date",
    "Paid Hours",
    "Pro Bono Hours",
)


def test_every_problem_of_a_row_is_reported(trainee):
    table = Table(
        headings=LOG_HEADINGS,
        rows=[
            (trainee.email, "A", "pair", "2024-13-01", "0001-01-01", "x", "-1"),
            ("nobody@example.org", "B", "Individual", "2024-01-01", "2024-01-01", "x", "0"),
        ],
    )
    report = import_records(kind="coaching_log", table=table, dry_run=True)
    assert [str(error) for error in report.errors] == [
        "row 2, column Individual/Group: Individual/Group must be Individual or Group.",
        "row 2, column Start Date: Start Date must be a date as YYYY-MM-DD, such as 2025-03-31.",
        "row 2, column End Date: Check the date: records start in 1950, not earlier.",
        "row 2, column Paid Hours: Paid Hours must be a number of hours such as 1.5.",
        "row 2, column Pro Bono Hours: Pro Bono Hours must be a number of hours such as 1.5.",
        "row 3, column Coach Email: No trainee has the email nobody@example.org.",
        "row 3, column Paid Hours: Paid Hours must be a number of hours such as 1.5.",
    ]


def test_a_row_with_cell_and_model_problems_reports_both(trainee):
    day = days_ago(2).isoformat()
    table = Table(
        headings=LOG_HEADINGS,
        rows=[(trainee.email, "A", "Group", day, day, "30", "nope")],
    )
    report = import_records(kind="coaching_log", table=table, dry_run=True)
    assert [str(error) for error in report.errors] == [
        "row 2, column Number in Group: Give the number of people in the group.",
        "row 2, column Paid Hours: Paid and pro bono hours add up to more than 24 hours a day "
        "(24 hours from the start date to the end date). Check the hours and the dates.",
        "row 2, column Pro Bono Hours: Pro Bono Hours must be a number of hours such as 1.5.",
    ]


def typed_dates_upload(trainee, start: str, end: str) -> SimpleUploadedFile:
    content = (
        "Client Name,Contact,Individual/Group,Number in Group,Start Date,End Date,"
        f"Paid Hours,Pro Bono Hours\nClient A,,Individual,,{start},{end},1,0\n"
    )
    return SimpleUploadedFile("log.csv", content.encode())


def test_a_date_that_reads_one_way_only_is_accepted(client, trainee):
    client.force_login(trainee)
    response = client.post(
        UPLOAD, {"spreadsheet": typed_dates_upload(trainee, "15/09/2026", "15/09/2026")}
    )
    assert response.status_code == 200, response.content.decode()
    client.post(CONFIRM, {"token": response.context["token"]})
    assert CoachingLogEntry.objects.get().start_date == dt.date(2026, 9, 15)


def test_an_ambiguous_date_is_refused_unless_the_order_is_given(client, trainee):
    client.force_login(trainee)
    refused = client.post(
        UPLOAD, {"spreadsheet": typed_dates_upload(trainee, "03/04/2026", "03/04/2026")}
    )
    assert refused.status_code == 400
    messages = [str(error) for error in refused.context["report"].errors]
    assert messages == [
        "row 2, column Start Date: Start Date 03/04/2026 could be 3 April 2026 or 4 March 2026: "
        "choose whether the day or the month comes first and upload the file again.",
        "row 2, column End Date: End Date 03/04/2026 could be 3 April 2026 or 4 March 2026: "
        "choose whether the day or the month comes first and upload the file again.",
    ]
    accepted = client.post(
        UPLOAD,
        {
            "spreadsheet": typed_dates_upload(trainee, "03/04/2026", "03/04/2026"),
            "date_order": "mdy",
        },
    )
    assert accepted.status_code == 200
    client.post(CONFIRM, {"token": accepted.context["token"]})
    assert CoachingLogEntry.objects.get().start_date == dt.date(2026, 3, 4)


def test_a_date_impossible_in_the_given_order_is_refused(client, trainee):
    client.force_login(trainee)
    response = client.post(
        UPLOAD,
        {
            "spreadsheet": typed_dates_upload(trainee, "15/09/2026", "15/09/2026"),
            "date_order": "mdy",
        },
    )
    assert response.status_code == 400
    assert "15/09/2026 is not a real date read month first" in response.content.decode()


def test_the_command_keeps_to_iso_dates(trainee):
    content = (
        "Coach Email,Client Name,Individual/Group,Start Date,End Date,Paid Hours,Pro Bono Hours\n"
        f"{trainee.email},A,Individual,15/09/2026,2026-09-15,1,0\n"
    )
    table = read_table(SimpleUploadedFile("log.csv", content.encode()))
    report = import_records(kind="coaching_log", table=table, dry_run=True)
    assert [str(error) for error in report.errors] == [
        "row 2, column Start Date: Start Date must be a date as YYYY-MM-DD, such as 2025-03-31."
    ]
