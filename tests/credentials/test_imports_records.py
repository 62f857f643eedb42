"""import_records: every rule of the import contract, kind by kind."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from credentials import resources, services
from credentials.imports import ImportFileError, Table, import_records, read_table
from credentials.models import (
    AssessmentResult,
    CoachingLogEntry,
    EducationRecord,
    EducationStatus,
    MentorSession,
    MentorSessionStatus,
    Source,
)
from lms.models import Role, User
from tests.factories.people import make_mentor, make_trainee, make_trainer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
LOG_HEADINGS = (
    "Coach Email",
    "Client Name",
    "Contact",
    "Individual/Group",
    "Number in Group",
    "Start Date",
    "End Date",
    "Paid Hours",
    "Pro Bono Hours",
)

pytestmark = pytest.mark.django_db


CELL_NAMES = dict(
    zip(
        (
            "contact",
            "individual_group",
            "number_in_group",
            "start_date",
            "end_date",
            "paid_hours",
            "pro_bono_hours",
        ),
        LOG_HEADINGS[2:],
        strict=True,
    )
)


def log_row(email="ann@example.org", client="Client A", **cells) -> tuple[str, ...]:
    """A log row; `cells` override the defaults by snake_case heading (paid_hours="3")."""
    values = {
        "Contact": "",
        "Individual/Group": "Individual",
        "Number in Group": "",
        "Start Date": "2024-02-01",
        "End Date": "2024-02-28",
        "Paid Hours": "2",
        "Pro Bono Hours": "0",
        **{CELL_NAMES[name]: value for name, value in cells.items()},
    }
    return (email, client, *(values[heading] for heading in LOG_HEADINGS[2:]))


def log_table(*rows) -> Table:
    return Table(headings=LOG_HEADINGS, rows=list(rows))


@pytest.fixture
def ann(db):
    return make_trainee(email="ann@example.org", training_start=dt.date(2024, 1, 1))


def messages_of(report) -> list[str]:
    return [str(error) for error in report.errors]


# --- Coaching log ----------------------------------------------------------------------------


def test_fixture_file_imports_then_reimport_changes_nothing():
    make_trainee(email="ann.lee@example.org")
    with (FIXTURES / "coaching_log.csv").open("rb") as handle:
        table = read_table(handle)

    first = import_records(kind="coaching_log", table=table, dry_run=False)
    assert (first.ok, first.created, first.updated, first.unchanged) == (True, 3, 0, 0)
    entry = CoachingLogEntry.objects.get(client_name="Client B")
    assert entry.client_contact == "+44 20 7946 0000"
    assert entry.pro_bono_hours == Decimal("1.5")
    assert entry.source == Source.IMPORT
    assert CoachingLogEntry.objects.get(client_name="Team C").group_size == 5

    again = import_records(kind="coaching_log", table=table, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.summary() == "Imported 3 rows: 0 created, 0 updated, 3 unchanged."
    assert CoachingLogEntry.objects.count() == 3


def test_changed_hours_update_the_row_and_bump_its_version(ann):
    import_records(kind="coaching_log", table=log_table(log_row()), dry_run=False)
    report = import_records(
        kind="coaching_log", table=log_table(log_row(paid_hours="3.25")), dry_run=False
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    entry = CoachingLogEntry.objects.get()
    assert (entry.paid_hours, entry.version) == (Decimal("3.25"), 2)


def test_headings_are_matched_ignoring_case_spaces_and_order(ann):
    headings = tuple(f"  {heading.upper()} " for heading in reversed(LOG_HEADINGS))
    table = Table(headings=headings, rows=[tuple(reversed(log_row()))])
    assert import_records(kind="coaching_log", table=table, dry_run=False).created == 1


def test_optional_columns_may_be_left_out(ann):
    headings = tuple(h for h in LOG_HEADINGS if h not in {"Contact", "Number in Group"})
    row = ("ann@example.org", "Client A", "individual", "2024-02-01", "2024-02-01", "1", "")
    report = import_records(
        kind="coaching_log", table=Table(headings=headings, rows=[row]), dry_run=False
    )
    assert report.created == 1


def test_missing_and_unknown_headings_are_listed():
    table = Table(headings=("Coach Email", "Client", "Paid Hours", "Notes"), rows=[("a",) * 4])
    with pytest.raises(ImportFileError) as raised:
        import_records(kind="coaching_log", table=table, dry_run=False)
    message = raised.value.message
    assert "missing these columns: Client Name, Individual/Group, Start Date, End Date" in message
    assert "Pro Bono Hours" in message
    assert "not part of this import: Client, Notes" in message


def test_repeated_heading_is_refused():
    table = Table(headings=(*LOG_HEADINGS, "paid hours"), rows=[("",) * 10])
    with pytest.raises(ImportFileError, match="more than once"):
        import_records(kind="coaching_log", table=table, dry_run=False)


def test_every_row_error_is_reported_with_spreadsheet_numbers_and_nothing_is_saved(ann):
    make_trainer(email="tess@example.org")
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    table = log_table(
        log_row(client="Fine"),  # row 2: valid, but must not be saved
        log_row(client="Bad hours", paid_hours="-1", pro_bono_hours="lots"),  # row 3
        log_row(client="Backwards", start_date="2024-03-10", end_date="2024-03-01"),  # row 4
        log_row(client="Future", start_date=future, end_date=future),  # row 5
        log_row(client="Crowd", individual_group="Group"),  # row 6
        log_row(email="nobody@example.org"),  # row 7
        log_row(email="tess@example.org"),  # row 8
        log_row(client="Odd", individual_group="pair"),  # row 9
        log_row(client="Bad date", start_date="01/02/2024"),  # row 10
        log_row(client="Fine"),  # row 11: repeats row 2
    )
    report = import_records(kind="coaching_log", table=table, dry_run=False)

    assert not report.ok
    assert messages_of(report) == [
        "row 3, column Paid Hours: Paid Hours must be a number of hours such as 1.5.",
        "row 3, column Pro Bono Hours: Pro Bono Hours must be a number of hours such as 1.5.",
        "row 4, column End Date: The end date cannot be before the start date.",
        "row 5, column Start Date: Log coaching once it has happened: the date is in the future.",
        "row 5, column End Date: Log coaching once it has happened: the date is in the future.",
        "row 6, column Number in Group: Give the number of people in the group.",
        "row 7, column Coach Email: No trainee has the email nobody@example.org.",
        "row 8, column Coach Email: tess@example.org is not a trainee.",
        "row 9, column Individual/Group: Individual/Group must be Individual or Group.",
        "row 10, column Start Date: Start Date must be a date as YYYY-MM-DD, such as 2025-03-31.",
        "row 11, column Client Name: This row duplicates row 2.",
    ]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert not CoachingLogEntry.objects.exists()


def test_blank_lines_between_rows_are_skipped_but_keep_numbering(ann):
    table = log_table(log_row(client="A"), ("",) * 9, log_row(client="B", paid_hours="x"))
    report = import_records(kind="coaching_log", table=table, dry_run=False)
    assert [error.row for error in report.errors] == [4]


def test_dry_run_reports_counts_and_writes_nothing(ann):
    report = import_records(
        kind="coaching_log", table=log_table(log_row(), log_row(client="B")), dry_run=True
    )
    assert (report.ok, report.created) == (True, 2)
    assert report.summary().startswith("Dry run: nothing was saved.")
    assert not CoachingLogEntry.objects.exists()


def test_only_trainee_may_import_only_their_own_rows(ann):
    other = make_trainee(email="bo@example.org")
    table = log_table(log_row(), log_row(email="bo@example.org"))
    report = import_records(kind="coaching_log", table=table, dry_run=False, only_trainee=ann)
    assert messages_of(report) == [
        "row 3, column Coach Email: Coach Email must be your own email (ann@example.org): "
        "you can import only your own coaching log."
    ]
    assert not CoachingLogEntry.objects.filter(trainee=other).exists()


def test_progress_is_reported_about_every_percent(ann):
    rows = [log_row(client=f"Client {n}") for n in range(250)]
    calls = []
    import_records(
        kind="coaching_log",
        table=log_table(*rows),
        dry_run=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (2, 250)
    assert calls[-1] == (250, 250)
    assert 100 <= len(calls) <= 126


def test_an_import_that_loses_the_race_for_a_row_sees_it_as_unchanged(ann, monkeypatch):
    """Another import inserts the same row between our read and our insert: the unique
    constraint refuses the batch's insert, inside a savepoint, and its rows are then taken one
    by one: the raced row counts as there, the others are created, nothing is doubled."""
    import_records(kind="coaching_log", table=log_table(log_row(client="Raced")), dry_run=False)
    stale_reads = []

    def stale_read(model, rows):
        stale_reads.append(len(rows))
        return {}

    monkeypatch.setattr(services, "_stored_rows", stale_read)
    table = log_table(log_row(client="New 1"), log_row(client="Raced"), log_row(client="New 2"))
    report = import_records(kind="coaching_log", table=table, dry_run=False)

    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 2, 0, 1)
    assert stale_reads == [3]
    assert sorted(CoachingLogEntry.objects.values_list("client_name", flat=True)) == [
        "New 1",
        "New 2",
        "Raced",
    ]


def test_rows_are_written_in_batches_with_exact_counts(ann, monkeypatch):
    monkeypatch.setattr(resources, "IMPORT_BATCH_ROWS", 3)
    monkeypatch.setattr(services, "IMPORT_INSERT_BATCH", 2)
    import_records(
        kind="coaching_log",
        table=log_table(*(log_row(client=f"Client {n}") for n in range(4))),
        dry_run=False,
    )
    table = log_table(
        *(log_row(client=f"Client {n}") for n in range(3)),  # unchanged
        log_row(client="Client 3", paid_hours="5", contact="c3@example.com"),  # updated
        *(log_row(client=f"Client {n}") for n in range(4, 11)),  # created
    )
    report = import_records(kind="coaching_log", table=table, dry_run=False)

    assert (report.created, report.updated, report.unchanged) == (7, 1, 3)
    assert CoachingLogEntry.objects.count() == 11
    changed = CoachingLogEntry.objects.get(client_name="Client 3")
    assert (changed.paid_hours, changed.client_contact, changed.version) == (
        Decimal(5),
        "c3@example.com",
        2,
    )
    again = import_records(kind="coaching_log", table=table, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 11)


def test_an_invalid_row_after_a_written_batch_still_saves_nothing(ann, monkeypatch):
    monkeypatch.setattr(resources, "IMPORT_BATCH_ROWS", 2)
    rows = [log_row(client=f"Client {n}") for n in range(5)]
    rows.append(log_row(client="Late", paid_hours="x"))  # row 7
    report = import_records(kind="coaching_log", table=log_table(*rows), dry_run=False)
    assert [error.row for error in report.errors] == [7]
    assert not CoachingLogEntry.objects.exists()


@pytest.mark.parametrize("rows", [3, 600])
def test_the_import_costs_a_few_queries_per_batch(ann, rows, django_assert_max_num_queries):
    """New rows, then the same rows unchanged: one bound for 3 rows and for 600 (one batch),
    where a query per row would exceed it many times over. (SQLite caps the rows per INSERT
    by its parameter limit; PostgreSQL takes IMPORT_INSERT_BATCH rows per INSERT.)"""
    table = log_table(
        *(
            log_row(client=f"Client {n}", start_date="2024-01-01", end_date="2024-01-01")
            for n in range(rows)
        )
    )
    with django_assert_max_num_queries(30):
        assert import_records(kind="coaching_log", table=table, dry_run=False).created == rows
    with django_assert_max_num_queries(15):
        assert import_records(kind="coaching_log", table=table, dry_run=False).unchanged == rows


def test_contact_left_empty_keeps_the_stored_contact(ann):
    import_records(
        kind="coaching_log", table=log_table(log_row(contact="a@example.com")), dry_run=False
    )
    report = import_records(kind="coaching_log", table=log_table(log_row()), dry_run=False)
    assert report.unchanged == 1
    assert CoachingLogEntry.objects.get().client_contact == "a@example.com"


# --- People ----------------------------------------------------------------------------------


def test_people_import_creates_updates_and_is_idempotent():
    with (FIXTURES / "people.csv").open("rb") as handle:
        table = read_table(handle)
    first = import_records(kind="people", table=table, dry_run=False)
    assert (first.ok, first.created) == (True, 4)
    ann = User.objects.get(email="ann.lee@example.org")
    assert ann.has_role(Role.TRAINEE)
    assert ann.training_start == dt.date(2024, 1, 15)
    mentor = User.objects.get(email="mo.mentor@example.org")
    assert mentor.has_role(Role.MENTOR)
    assert mentor.credential_held == "MCC"
    assert not mentor.has_usable_password()

    again = import_records(kind="people", table=table, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_people_import_adds_a_role_and_never_removes_one():
    make_mentor(email="mo@example.org", first_name="Mo", last_name="M")
    table = Table(
        headings=("email", "first name", "last name", "role"),
        rows=[("MO@example.org", "Mo", "M", "Trainer")],
    )
    report = import_records(kind="people", table=table, dry_run=False)
    assert report.updated == 1
    person = User.objects.get(email="mo@example.org")
    assert person.role_names == {Role.MENTOR.value, Role.TRAINER.value}


def test_people_rows_are_checked():
    table = Table(
        headings=("Email", "First Name", "Last Name", "Role", "Credential", "Training Start"),
        rows=[
            ("not-an-email", "A", "B", "trainee", "", ""),
            ("c@example.org", "C", "D", "mentor", "", "2024-01-01"),
            ("e@example.org", "E", "F", "boss", "XCC", ""),
            ("g@example.org", "", "H", "trainee", "none", "2999-01-01"),
        ],
    )
    report = import_records(kind="people", table=table, dry_run=False)
    assert messages_of(report) == [
        "row 2, column Email: Enter a valid email address.",
        "row 3, column Training Start: Only trainees have a training start date: leave it empty.",
        "row 4, column Role: Role must be trainee, mentor, trainer or admin.",
        "row 4, column Credential: Credential must be none, ACC, PCC or MCC.",
        "row 5, column First Name: First Name is empty: fill it in.",
    ]
    assert not User.objects.filter(email__endswith="@example.org").exists()


# --- Education, mentor sessions, assessments -------------------------------------------------


def test_education_import_is_approved_with_an_event(ann, programme_admin):
    table = Table(
        headings=(
            "Trainee Email",
            "Title",
            "Provider",
            "Completed On",
            "Hours",
            "Synchronous Hours",
        ),
        rows=[("ann@example.org", "Ethics", "ICF", "2024-03-01", "12", "4.5")],
    )
    report = import_records(kind="education", table=table, dry_run=False, actor=programme_admin)
    assert report.created == 1
    record = EducationRecord.objects.get()
    assert (record.status, record.source, record.synchronous_hours) == (
        EducationStatus.APPROVED,
        Source.IMPORT,
        Decimal("4.5"),
    )
    event = record.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", "approved", programme_admin)
    assert import_records(kind="education", table=table, dry_run=False).unchanged == 1
    assert record.events.count() == 1


def test_education_live_hours_above_total_are_refused(ann):
    table = Table(
        headings=(
            "Trainee Email",
            "Title",
            "Provider",
            "Completed On",
            "Hours",
            "Synchronous Hours",
        ),
        rows=[("ann@example.org", "Ethics", "ICF", "2024-03-01", "2", "3")],
    )
    report = import_records(kind="education", table=table, dry_run=False)
    assert messages_of(report) == [
        "row 2, column Synchronous Hours: Live hours cannot be more than the total hours."
    ]


def test_mentor_sessions_import_as_confirmed_with_the_mentor_credential(ann):
    make_mentor(email="mo@example.org", credential_held="PCC")
    headings = (
        "Trainee Email",
        "Mentor Email",
        "Date",
        "Hours",
        "Individual/Group",
        "Number in Group",
    )
    table = Table(
        headings=headings,
        rows=[
            ("ann@example.org", "mo@example.org", "2024-03-01", "1", "individual", ""),
            ("ann@example.org", "mo@example.org", "2024-04-01", "1.5", "group", "6"),
            ("ann@example.org", "ann@example.org", "2024-05-01", "1", "individual", ""),
        ],
    )
    report = import_records(kind="mentor_sessions", table=table, dry_run=False)
    assert messages_of(report) == ["row 4, column Mentor Email: ann@example.org is not a mentor."]
    table.rows.pop()
    report = import_records(kind="mentor_sessions", table=table, dry_run=False)
    assert report.created == 2
    sessions = MentorSession.objects.order_by("date")
    assert {s.status for s in sessions} == {MentorSessionStatus.CONFIRMED}
    assert [s.mentor_credential for s in sessions] == ["PCC", "PCC"]
    assert sessions[1].group_size == 6
    assert all(s.events.get().to_status == "confirmed" for s in sessions)


def test_a_logged_session_imported_again_is_confirmed_with_an_event(ann, programme_admin):
    mentor = make_mentor(email="mo@example.org", credential_held="PCC")
    logged = MentorSession.objects.create(
        trainee=ann,
        mentor=mentor,
        mentor_credential="PCC",
        date=dt.date(2024, 3, 1),
        hours=Decimal(1),
        engagement="individual",
    )
    table = Table(
        headings=("Trainee Email", "Mentor Email", "Date", "Hours", "Individual/Group"),
        rows=[
            ("ann@example.org", "mo@example.org", "2024-03-01", "1", "individual"),
            ("ann@example.org", "mo@example.org", "2024-03-08", "1", "individual"),
        ],
    )
    report = import_records(
        kind="mentor_sessions", table=table, dry_run=False, actor=programme_admin
    )
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    logged.refresh_from_db()
    assert logged.status == MentorSessionStatus.CONFIRMED
    event = logged.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        "logged",
        "confirmed",
        programme_admin,
    )
    assert MentorSession.objects.get(date=dt.date(2024, 3, 8)).events.count() == 1


def test_assessments_import(ann):
    table = Table(
        headings=("Trainee Email", "Type", "Date", "Passed", "Score"),
        rows=[
            ("ann@example.org", "exam", "2024-06-01", "yes", "512"),
            ("ann@example.org", "Performance_Evaluation", "2024-06-02", "No", ""),
            ("ann@example.org", "interview", "2024-06-03", "maybe", "high"),
        ],
    )
    report = import_records(kind="assessments", table=table, dry_run=False)
    assert messages_of(report) == [
        "row 4, column Type: Type must be exam or performance_evaluation.",
        "row 4, column Passed: Passed must be yes or no.",
        "row 4, column Score: Score must be a whole number such as 480.",
    ]
    table.rows.pop()
    assert import_records(kind="assessments", table=table, dry_run=False).created == 2
    exam = AssessmentResult.objects.get(kind="exam")
    assert (exam.passed, exam.score, exam.source) == (True, 512, Source.IMPORT)


def test_upsert_services_refuse_bad_values_with_field_errors(ann):
    with pytest.raises(ValidationError) as raised:
        services.coaching_log_entry_upsert(
            trainee=ann,
            client_name="A",
            engagement="individual",
            start_date=dt.date(2024, 1, 2),
            end_date=dt.date(2024, 1, 1),
            paid_hours=Decimal(1),
            pro_bono_hours=Decimal(0),
        )
    assert "end_date" in raised.value.message_dict
