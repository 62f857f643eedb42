"""A trainee's web import (upload → check → confirm) and export of their coaching log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credentials.models import CoachingLogEntry
from tests.factories.people import make_mentor, make_trainee
from tests.factories.records import EXE_BYTES, days_ago, make_log_entry

pytestmark = pytest.mark.django_db

HEADINGS = (
    "Coach Email,Client Name,Contact,Individual/Group,Number in Group,"
    "Start Date,End Date,Paid Hours,Pro Bono Hours"
)
UPLOAD = reverse("credentials:coaching_log_import")
CONFIRM = reverse("credentials:coaching_log_import_confirm")


def csv_file(*rows: str, name: str = "log.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADINGS, *rows]) + "\n").encode())


def row(email: str, client: str = "Client A", paid: str = "3", contact: str = "") -> str:
    start, end = days_ago(40).isoformat(), days_ago(20).isoformat()
    return f"{email},{client},{contact},Individual,,{start},{end},{paid},0"


def test_upload_checks_then_confirm_imports(client, trainee):
    client.force_login(trainee)
    page = client.get(UPLOAD).content.decode()
    assert "Check the file" in page
    preview = client.post(
        UPLOAD,
        {
            "spreadsheet": csv_file(
                row(trainee.email, contact="hidden@example.org"), row(trainee.email, "Client B")
            )
        },
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Import 2 rows" in html
    assert "Client B" in html
    assert "hidden@example.org" not in html
    assert not CoachingLogEntry.objects.exists()

    token = preview.context["token"]
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("credentials:coaching_log")
    assert "Imported 2 rows: 2 added" in response.content.decode()
    entries = CoachingLogEntry.objects.filter(trainee=trainee)
    assert sorted(entries.values_list("client_name", flat=True)) == ["Client A", "Client B"]
    assert entries.get(client_name="Client A").client_contact == "hidden@example.org"

    # The pending file is used once: confirming again imports nothing more.
    again = client.post(CONFIRM, {"token": token}, follow=True)
    assert "Upload the spreadsheet again" in again.content.decode()
    assert entries.count() == 2


def test_row_errors_are_listed_and_nothing_is_saved(client, trainee):
    client.force_login(trainee)
    response = client.post(
        UPLOAD,
        {
            "spreadsheet": csv_file(
                row(trainee.email),
                row(trainee.email, "Client B", paid="lots"),
                row(make_trainee().email, "Client C"),
            )
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 3, Paid Hours" in html
    assert "Row 4, Coach Email" in html
    assert "Nothing was saved" in html
    assert "Import 3 rows" not in html
    assert not CoachingLogEntry.objects.exists()
    # Nothing waits to be confirmed after a failed check.
    assert client.post(CONFIRM, {"token": ""}).status_code == 302
    assert not CoachingLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("upload", "text"),
    [
        (SimpleUploadedFile("log.csv", EXE_BYTES), "This file is not a spreadsheet."),
        (SimpleUploadedFile("log.csv", b"Name,Hours\nA,1\n"), "The file is missing these columns"),
        (
            SimpleUploadedFile("log.csv", b"a" * (2 * 1024 * 1024 + 1)),
            "larger than 2 MB",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_plainly(client, trainee, upload, text):
    client.force_login(trainee)
    response = client.post(UPLOAD, {"spreadsheet": upload})
    assert response.status_code == 400
    assert text in response.content.decode()


def test_no_file_is_refused(client, trainee):
    client.force_login(trainee)
    response = client.post(UPLOAD, {})
    assert response.status_code == 400
    assert "Choose the spreadsheet to import." in response.content.decode()


def test_a_wrong_token_imports_nothing(client, trainee):
    client.force_login(trainee)
    client.post(UPLOAD, {"spreadsheet": csv_file(row(trainee.email))})
    response = client.post(CONFIRM, {"token": "guessed"})
    assert response.status_code == 302
    assert not CoachingLogEntry.objects.exists()


@pytest.mark.parametrize("url", [UPLOAD, reverse("credentials:coaching_log_export", args=["csv"])])
def test_only_trainees_import_and_export(client, url):
    assert client.get(url).status_code == 302
    client.force_login(make_mentor())
    assert client.get(url).status_code == 403


def test_export_gives_the_owners_log_with_contacts(client, trainee):
    make_log_entry(trainee=trainee, client_name="Mine", client_contact="mine@example.org")
    make_log_entry(trainee=make_trainee(), client_name="Theirs")
    client.force_login(trainee)
    response = client.get(reverse("credentials:coaching_log_export", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="coaching-log-')
    text = response.content.decode("utf-8-sig")
    assert "Mine" in text
    assert "mine@example.org" in text
    assert "Theirs" not in text
    excel = client.get(reverse("credentials:coaching_log_export", args=["xlsx"]))
    assert excel.content.startswith(b"PK")
    assert client.get(reverse("credentials:coaching_log_export", args=["pdf"])).status_code == 404
