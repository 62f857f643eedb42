"""import_records kinds cme_activities and cme_credits (DESIGN §4): all rows or none, each rule
a row-numbered error, re-importing changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from credentials.cme.models import ActivityCredit, CmeActivity, CmeClaim
from credentials.imports import Table, import_records
from lms.models import Profession
from tests.factories.cme import make_activity, make_claim
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

ACTIVITY_HEADINGS = (
    "Code",
    "Title",
    "Provider",
    "Format",
    "Start Date",
    "End Date",
    "Location",
    "Credit Type",
    "Max Credits",
)
CREDIT_HEADINGS = ("Learner Email", "Activity Code", "Credit Type", "Completed On", "Credits")


def _activities(*rows):
    return import_records(
        kind="cme_activities",
        table=Table(headings=ACTIVITY_HEADINGS, rows=list(rows)),
        dry_run=False,
    )


def _credits(*rows, dry_run=False):
    return import_records(
        kind="cme_credits", table=Table(headings=CREDIT_HEADINGS, rows=list(rows)), dry_run=dry_run
    )


def messages(report):
    return [str(error) for error in report.errors]


LIVE = (
    "grand-2026",
    "Grand rounds",
    "Heart Institute",
    "live",
    "2026-03-01",
    "2026-03-01",
    "Room 4, London",
)


def test_activities_import_creates_one_activity_per_code_with_its_credit_types():
    report = _activities((*LIVE, "ama", "1.5"), (*LIVE, "icf_core", "1.5"))
    assert report.ok and report.created == 2
    activity = CmeActivity.objects.get(code="grand-2026")
    assert activity.location == "Room 4, London"
    assert {(o.credit_type.code, o.max_credits) for o in activity.credits.all()} == {
        ("ama", Decimal("1.5")),
        ("icf_core", Decimal("1.5")),
    }
    again = _activities((*LIVE, "ama", "1.5"), (*LIVE, "icf_core", "1.5"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = _activities((*LIVE, "ama", "1.75"))
    assert changed.updated == 1
    assert ActivityCredit.objects.get(activity=activity, credit_type__code="ama").max_credits == (
        Decimal("1.75")
    )


def test_activity_rows_are_checked():
    enduring = ("e-1", "Enduring", "P", "enduring", "2026-01-01", "2026-12-31")
    report = _activities(
        (*enduring, "Room 1", "ama", "1"),
        ("l-1", "Live", "P", "live", "2026-01-01", "2026-01-01", "", "ama", "1"),
        ("d-1", "Dates", "P", "enduring", "2026-02-01", "2026-01-01", "", "ama", "1"),
        ("m-1", "Max", "P", "enduring", "2026-01-01", "2026-12-31", "", "ama", "1.1"),
        ("t-1", "Type", "P", "webinar", "2026-01-01", "2026-12-31", "", "cpd", "1"),
        ("m-1", "Max", "P", "enduring", "2026-01-01", "2026-12-31", "", "icf_core", "0"),
        ("m-1", "Other title", "P", "enduring", "2026-01-01", "2026-12-31", "", "ancc", "1"),
        ("x-1", "X", "P", "enduring", "2026-01-01", "2026-12-31", "", "ama", "1"),
        ("x-1", "X", "P", "enduring", "2026-01-01", "2026-12-31", "", "ama", "2"),
    )
    assert messages(report) == [
        "row 2, column Location: Only live activities have a location: leave it empty.",
        "row 3, column Location: Give the location of a live activity.",
        "row 4, column End Date: The end date is before the start date.",
        "row 5, column Max Credits: The maximum must be a multiple of 0.25.",
        "row 6, column Format: Format must be enduring, live, internet_poc or other.",
        "row 6, column Credit Type: Credit Type must be ama, participation, ancc, icf_core or "
        "icf_resource.",
        "row 7, column Max Credits: The maximum must be more than 0.",
        "row 8, column Code: Row 5 has the same Code with a different Title: the rows of one "
        "activity must agree.",
        "row 10, column Code: This row duplicates row 9.",
    ]
    assert not CmeActivity.objects.exists()


def test_lowering_a_maximum_below_stored_claims_is_an_error(physician):
    activity = make_activity(code="low-1", credits={"ama": "2"}, provider="P", title="Low")
    make_claim(activity=activity, learner=physician, credits="1.75")
    report = _activities(
        (
            "low-1",
            "Low",
            "P",
            "enduring",
            activity.start_date.isoformat(),
            activity.end_date.isoformat(),
            "",
            "ama",
            "1.5",
        )
    )
    assert messages(report) == [
        "row 2, column Max Credits: 1 claim of this activity already exceed this maximum: "
        "correct them first."
    ]


@pytest.fixture
def activity():
    return make_activity(code="act-1", credits={"ama": "2", "participation": "2"})


def _day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def test_credits_import_records_claims_and_reimport_changes_nothing(physician, nurse, activity):
    rows = [
        (physician.email.upper(), "act-1", "ama", _day(3), "1.75"),
        (nurse.email, "act-1", "participation", _day(3), "2"),
    ]
    report = _credits(*rows)
    assert report.ok and report.created == 2
    claim = CmeClaim.objects.get(learner=physician)
    assert (claim.credits, claim.completed_on.isoformat(), claim.source) == (
        Decimal("1.75"),
        _day(3),
        "import",
    )
    again = _credits(*rows)
    assert (again.created, again.unchanged) == (0, 2)


def test_a_dry_run_writes_nothing(physician, activity):
    report = _credits((physician.email, "act-1", "ama", _day(3), "1"), dry_run=True)
    assert report.ok and report.created == 1
    assert not CmeClaim.objects.exists()


def test_every_claim_rule_is_a_row_numbered_error(physician, nurse, activity):
    make_claim(activity=activity, learner=physician, credits="1", days_ago=5)
    other = make_trainee(profession=Profession.PHYSICIAN)
    nurses = [make_trainee(profession=Profession.NURSE) for _ in range(5)]
    late = (activity.end_date + dt.timedelta(days=1)).isoformat()
    early = (activity.start_date - dt.timedelta(days=1)).isoformat()
    report = _credits(
        (physician.email, "act-1", "ama", _day(6), "1"),  # changes a stored claim
        (nurse.email, "act-1", "ama", _day(2), "1"),  # profession
        (nurses[0].email, "act-1", "participation", _day(2), "1.1"),  # increment
        (nurses[1].email, "act-1", "participation", _day(2), "2.5"),  # maximum
        (nurses[2].email, "act-1", "participation", early, "1"),  # before the activity
        (nurses[3].email, "act-1", "participation", late, "1"),  # in the future, after the end
        ("ghost@example.org", "nope", "ama", _day(2), "1"),
        (nurses[4].email, "act-1", "participation", _day(2), "0"),
        (other.email, "act-1", "ama", _day(5), "1"),
        (other.email, "act-1", "ama", _day(5), "1"),  # twice in the file
    )
    assert messages(report) == [
        f"row 2, column Credits: {physician.email} already has a claim of 1 AMA PRA Category 1 "
        f"Credits™ completed on {_day(5)} for this activity: an import cannot change it. Ask the "
        "CME office to correct the claim.",
        "row 3, column Credit Type: A nurse cannot claim AMA PRA Category 1 Credit™ for this "
        "activity.",
        "row 4, column Credits: Claim hours in steps of 0.25, such as 0.75.",
        "row 5, column Credits: This activity offers at most 2 hours.",
        f"row 6, column Completed On: The activity starts on {activity.start_date.isoformat()}: "
        "it cannot be completed before.",
        "row 7, column Completed On: The completion date is in the future.",
        "row 8, column Learner Email: No one has the email ghost@example.org.",
        "row 8, column Activity Code: No CME activity has the code nope.",
        "row 9, column Credits: Claim more than 0 hours.",
        "row 11, column Learner Email: This row duplicates row 10.",
    ]
    assert CmeClaim.objects.count() == 1


def test_the_command_takes_the_new_kinds(tmp_path, physician, activity, capsys):
    path = tmp_path / "credits.csv"
    path.write_text(
        "\ufeffLearner Email,Activity Code,Credit Type,Completed On,Credits\n"
        f"{physician.email},act-1,ama,{_day(2)},9\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Nothing was saved"):
        call_command("import_records", "cme_credits", str(path))
    assert "row 2, column Credits: This activity offers at most 2" in capsys.readouterr().err
    path.write_text(
        f"Learner Email,Activity Code,Credit Type,Completed On,Credits\n"
        f"{physician.email},act-1,ama,{_day(2)},2\n",
        encoding="utf-8",
    )
    call_command("import_records", "cme_credits", str(path))
    assert "1 created" in capsys.readouterr().out
