"""`manage.py import_records KIND FILE [--dry-run]`: output and exit status."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from credentials.models import CoachingLogEntry
from tests.factories.people import make_trainee

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
HEADINGS = (
    "Coach Email,Client Name,Contact,Individual/Group,Number in Group,"
    "Start Date,End Date,Paid Hours,Pro Bono Hours"
)

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ann(db):
    return make_trainee(email="ann.lee@example.org")


def test_success_says_what_changed_and_a_reimport_changes_nothing(ann):
    out, _ = run("coaching_log", str(FIXTURES / "coaching_log.csv"))
    assert out.strip() == "Imported 3 rows: 3 created, 0 updated, 0 unchanged."
    out, _ = run("coaching_log", str(FIXTURES / "coaching_log.csv"))
    assert "0 created, 0 updated, 3 unchanged" in out
    assert CoachingLogEntry.objects.count() == 3


def test_errors_are_listed_one_per_line_and_the_command_fails(ann, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        f"{HEADINGS}\nann.lee@example.org,A,,Individual,,2024-01-01,2024-01-02,1,0\n"
        "ann.lee@example.org,B,,Individual,,2024-13-01,2024-01-02,1,0\n"
        "ann.lee@example.org,C,,Individual,,2024-01-01,2024-01-02,-2,0\n"
    )
    with pytest.raises(CommandError) as raised:
        run("coaching_log", str(path))
    assert raised.value.returncode == 1
    assert str(raised.value) == (
        "Nothing was saved: 2 errors in 2 rows. Correct the file and import it again."
    )
    assert not CoachingLogEntry.objects.exists()


def test_error_lines_go_to_stderr(ann, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(f"{HEADINGS}\nann.lee@example.org,B,,Individual,,2024-1-1,2024-01-02,1,0\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", "coaching_log", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "row 2, column Start Date: Start Date must be a date as YYYY-MM-DD, such as 2025-03-31."
    ]


def test_dry_run_saves_nothing(ann):
    out, _ = run("coaching_log", str(FIXTURES / "coaching_log.csv"), "--dry-run")
    assert out.startswith("Dry run: nothing was saved.")
    assert "3 created" in out
    assert not CoachingLogEntry.objects.exists()


def test_xlsx_file(ann, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADINGS.split(","))
    workbook.active.append(
        ["ann.lee@example.org", "A", "", "Individual", None, "2024-01-01", "2024-01-05", 1.5, 0]
    )
    path = tmp_path / "log.xlsx"
    workbook.save(path)
    out, _ = run("coaching_log", str(path))
    assert "1 created" in out


def test_a_file_that_is_not_a_spreadsheet_fails_with_a_message(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match="not a spreadsheet"):
        run("people", str(path))


def test_a_missing_file_fails_with_a_message(tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        run("people", str(tmp_path / "nope.csv"))


def test_big_files_draw_a_progress_bar_on_stderr(ann, tmp_path, monkeypatch):
    from credentials.management.commands import import_records as command

    monkeypatch.setattr(command, "PROGRESS_BAR_MIN_ROWS", 2)
    _, err = run("coaching_log", str(FIXTURES / "coaching_log.csv"), "--dry-run")
    assert "\r[" in err
    assert "100% 3/3 rows" in err


def test_small_files_draw_no_bar_when_not_on_a_terminal(ann):
    _, err = run("coaching_log", str(FIXTURES / "coaching_log.csv"), "--dry-run")
    assert err == ""
