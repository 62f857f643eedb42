"""pars_export (DESIGN §4): rows field by field, the permission rule, withdrawal, the reasons."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lms.services import pars_consent_set
from tests.credentials.cme_reports.builders import make_physician
from tests.factories.cme import make_activity, make_claim
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

HEADER = [
    "First Name",
    "Last Name",
    "Birth Month",
    "Birth Day",
    "NPI",
    "Licence Number",
    "Licence State",
    "Board ID",
    "Completion Date",
    "Credits",
    "ACCME Activity ID",
    "Activity Code",
]


def _today():
    return timezone.localdate()


def _run(tmp_path, *extra, date_from=None, date_to=None):
    output = tmp_path / "pars.csv"
    stdout = io.StringIO()
    date_from = date_from or _today() - dt.timedelta(days=30)
    date_to = date_to or _today()
    call_command(
        "pars_export",
        "--from",
        date_from.isoformat(),
        "--to",
        date_to.isoformat(),
        "--output",
        str(output),
        *extra,
        stdout=stdout,
    )
    with output.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows, stdout.getvalue().splitlines()


def test_a_consenting_physician_is_written_field_by_field(tmp_path):
    activity = make_activity(credits={"ama": "2"}, code="ethics-101", accme_activity_id="A-777")
    physician = make_physician(first_name="Ada", last_name="Okafor", npi="", board_id="")
    make_claim(activity=activity, learner=physician, credits="1.75", days_ago=3)
    rows, lines = _run(tmp_path)
    assert rows[0] == HEADER
    assert rows[1:] == [
        [
            "Ada",
            "Okafor",
            "3",
            "9",
            "",
            "A12345",
            "CA",
            "",
            (_today() - dt.timedelta(days=3)).isoformat(),
            "1.75",
            "A-777",
            "ethics-101",
        ]
    ]
    assert lines == [f"Wrote 1 row to {tmp_path / 'pars.csv'}."]


def test_npi_alone_is_enough_and_the_board_id_goes_out_when_present(tmp_path):
    activity = make_activity(credits={"ama": "2"})
    physician = make_physician(licence_number="", licence_state="")
    make_claim(activity=activity, learner=physician, credits="2")
    rows, _ = _run(tmp_path)
    row = dict(zip(HEADER, rows[1], strict=True))
    assert (row["NPI"], row["Licence Number"], row["Board ID"]) == ("1234567893", "", "ABIM-998")


def test_learners_without_permission_or_identifiers_are_listed_apart_with_the_reason(tmp_path):
    activity = make_activity(credits={"ama": "2"}, code="sleep-201")
    fine = make_physician(last_name="Fine")
    never = make_physician(consent=False, email="never@example.org")
    no_birthday = make_physician(email="nobirthday@example.org", birth_month=None, birth_day=None)
    no_ids = make_physician(email="noids@example.org", npi="", licence_number="")
    licence_without_state = make_physician(email="nostate@example.org", npi="", licence_state="")
    for learner in (fine, never, no_birthday, no_ids, licence_without_state):
        make_claim(activity=activity, learner=learner, days_ago=2)
    rows, lines = _run(tmp_path)
    assert [row[1] for row in rows[1:]] == ["Fine"]
    completed = (_today() - dt.timedelta(days=2)).isoformat()
    assert lines[0] == f"Wrote 1 row to {tmp_path / 'pars.csv'}."
    assert lines[1] == "Left out 4 completions:"
    assert sorted(lines[2:]) == sorted(
        [
            f"never@example.org, sleep-201, completed {completed}: "
            "has not given permission to report to PARS",
            f"nobirthday@example.org, sleep-201, completed {completed}: "
            "missing birth month and day",
            f"noids@example.org, sleep-201, completed {completed}: "
            "missing an NPI or a state licence number with its state",
            f"nostate@example.org, sleep-201, completed {completed}: "
            "missing an NPI or a state licence number with its state",
        ]
    )


def test_withdrawing_permission_after_a_completion_leaves_it_out_of_later_exports(tmp_path):
    activity = make_activity(credits={"ama": "2"}, code="grief-1")
    physician = make_physician(email="withdrew@example.org")
    make_claim(activity=activity, learner=physician, days_ago=5)
    rows, _ = _run(tmp_path)
    assert len(rows) == 2
    pars_consent_set(user=physician, consent=False)
    rows, lines = _run(tmp_path)
    assert rows == [HEADER]
    completed = (_today() - dt.timedelta(days=5)).isoformat()
    assert lines[2] == (
        f"withdrew@example.org, grief-1, completed {completed}: does not allow reporting to PARS "
        f"(permission withdrawn or refused on {_today().isoformat()})"
    )


def test_only_ama_claims_in_the_period_and_of_the_chosen_activity_are_considered(tmp_path):
    chosen = make_activity(credits={"ama": "2"}, code="chosen")
    other = make_activity(credits={"ama": "2"}, code="other")
    physician = make_physician(last_name="Inside")
    make_claim(activity=chosen, learner=physician, days_ago=10)
    make_claim(activity=other, learner=physician, days_ago=10)
    early = make_physician(last_name="Early")
    make_claim(activity=chosen, learner=early, days_ago=40)
    nurse_activity = make_activity(credits={"participation": "2"}, code="nurses")
    make_claim(
        activity=nurse_activity, learner=make_trainee(profession="nurse"), code="participation"
    )
    rows, _ = _run(tmp_path, "--activity", "chosen")
    assert [(row[1], row[-1]) for row in rows[1:]] == [("Inside", "chosen")]
    rows, _ = _run(tmp_path)
    assert sorted(row[-1] for row in rows[1:]) == ["chosen", "other"]


def test_a_period_without_completions_writes_the_header_only(tmp_path):
    rows, lines = _run(tmp_path)
    assert rows == [HEADER]
    assert len(lines) == 1
    assert lines[0].startswith("No AMA completions from ")
    assert "wrote 0 rows (the header only)" in lines[0]


def test_names_that_a_spreadsheet_would_run_go_out_quoted(tmp_path):
    activity = make_activity(credits={"ama": "2"})
    make_claim(activity=activity, learner=make_physician(first_name="=HYPERLINK(1)"))
    rows, _ = _run(tmp_path)
    assert rows[1][0] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2026-02-01", "--to", "2026-01-01"], "is before --from"),
        (["--from", "2026-01-01", "--to", "2026-02-01", "--activity", "nope"], "no CME activity"),
        (["--from", "1 Jan", "--to", "2026-02-01"], "YYYY-MM-DD"),
    ],
)
def test_bad_arguments_are_refused_and_write_nothing(tmp_path, arguments, message):
    output = tmp_path / "pars.csv"
    with pytest.raises(CommandError, match=message):
        call_command("pars_export", *arguments, "--output", str(output))
    assert not output.exists()
