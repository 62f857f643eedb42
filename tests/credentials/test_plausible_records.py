"""Implausible hours and dates are refused by the model's clean(), whichever way they come in:
the web form, the `import_records` command and the trainee's own web import."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from credentials.models import CoachingLogEntry, EducationRecord, MentorSession
from tests.factories.people import make_mentor
from tests.factories.records import days_ago, make_education_record, make_log_entry

pytestmark = pytest.mark.django_db

HEADINGS = (
    "Coach Email,Client Name,Contact,Individual/Group,Number in Group,"
    "Start Date,End Date,Paid Hours,Pro Bono Hours"
)


def test_more_than_24_hours_a_day_is_refused(trainee):
    day = days_ago(3)
    with pytest.raises(ValidationError) as raised:
        make_log_entry(
            trainee=trainee, start_date=day, end_date=day, paid_hours=Decimal("99999.99")
        )
    assert "more than 24 hours a day" in raised.value.message_dict["paid_hours"][0]


def test_paid_and_pro_bono_hours_together_count_against_the_days(trainee):
    # Two days hold at most 48 hours: 40 + 9 is too many, 40 + 8 is fine.
    start, end = days_ago(4), days_ago(3)
    with pytest.raises(ValidationError):
        make_log_entry(
            trainee=trainee,
            start_date=start,
            end_date=end,
            paid_hours=Decimal(40),
            pro_bono_hours=Decimal(9),
        )
    make_log_entry(
        trainee=trainee,
        start_date=start,
        end_date=end,
        paid_hours=Decimal(40),
        pro_bono_hours=Decimal(8),
    )


def test_a_date_before_1950_is_refused(trainee):
    with pytest.raises(ValidationError) as raised:
        make_log_entry(trainee=trainee, start_date="0001-01-01")
    assert "1950" in raised.value.message_dict["start_date"][0]
    with pytest.raises(ValidationError) as raised:
        make_education_record(trainee=trainee, completed_on="1949-12-31")
    assert "completed_on" in raised.value.message_dict
    assert not CoachingLogEntry.objects.exists()
    assert not EducationRecord.objects.exists()


def test_a_start_date_in_the_future_is_refused(trainee):
    with pytest.raises(ValidationError) as raised:
        make_log_entry(trainee=trainee, start_date=days_ago(-5), end_date=days_ago(-6))
    assert "start_date" in raised.value.message_dict


def test_the_form_refuses_implausible_input(client, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("credentials:coaching_log_create"),
        {
            "client_name": "Client A",
            "engagement": "individual",
            "start_date": "0001-01-01",
            "end_date": days_ago(1).isoformat(),
            "paid_hours": "99999.99",
            "pro_bono_hours": "0",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "records start in 1950" in html
    assert not CoachingLogEntry.objects.exists()


def test_the_mentor_session_form_refuses_an_old_date(client, trainee):
    mentor = make_mentor(credential_held="PCC")
    client.force_login(trainee)
    response = client.post(
        reverse("credentials:mentor_sessions"),
        {"mentor": mentor.pk, "date": "1900-05-01", "hours": "1", "engagement": "individual"},
    )
    assert response.status_code == 400
    assert "records start in 1950" in response.content.decode()
    assert not MentorSession.objects.exists()


def test_the_command_reports_each_implausible_cell(trainee, tmp_path):
    day = days_ago(3).isoformat()
    path = tmp_path / "log.csv"
    path.write_text(
        f"{HEADINGS}\n"
        f"{trainee.email},A,,Individual,,{day},{day},99999.99,0\n"
        f"{trainee.email},B,,Individual,,0001-01-01,{day},1,0\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", "coaching_log", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(line.startswith("row 2, column Paid Hours: ") for line in lines), lines
    assert "row 3, column Start Date: Check the date: records start in 1950, not earlier." in lines
    assert not CoachingLogEntry.objects.exists()


def test_the_mentor_sessions_import_refuses_more_than_24_hours(trainee, tmp_path):
    mentor = make_mentor(credential_held="PCC")
    path = tmp_path / "sessions.csv"
    path.write_text(
        "Trainee Email,Mentor Email,Date,Hours,Individual/Group,Number in Group\n"
        f"{trainee.email},{mentor.email},{days_ago(2).isoformat()},25,Individual,\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_records", "mentor_sessions", str(path), stdout=io.StringIO(), stderr=err
        )
    assert (
        "row 2, column Hours: A mentor session cannot last more than 24 hours."
        in err.getvalue().splitlines()
    )
