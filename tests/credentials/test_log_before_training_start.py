"""An entry dated before the trainee's training start is saved with a warning and marked."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories.records import days_ago, make_log_entry

pytestmark = pytest.mark.django_db


def entry_form(**fields) -> dict:
    return {
        "client_name": "Early client",
        "engagement": "individual",
        "start_date": days_ago(100).isoformat(),
        "end_date": days_ago(90).isoformat(),
        "paid_hours": "3",
        "pro_bono_hours": "0",
        **fields,
    }


@pytest.fixture
def started_trainee(trainee):
    trainee.training_start = days_ago(60)
    trainee.save(update_fields=["training_start"])
    return trainee


def test_saving_an_entry_before_the_training_start_warns(client, started_trainee):
    client.force_login(started_trainee)
    response = client.post(reverse("credentials:coaching_log_create"), entry_form(), follow=True)
    html = response.content.decode()
    assert "Coaching with Early client is before your training start — does not count" in html
    assert "message-warning" in html


def test_an_entry_after_the_training_start_saves_without_a_warning(client, started_trainee):
    client.force_login(started_trainee)
    response = client.post(
        reverse("credentials:coaching_log_create"),
        entry_form(start_date=days_ago(30).isoformat(), end_date=days_ago(20).isoformat()),
        follow=True,
    )
    assert "training start" not in response.content.decode()


def test_an_edit_that_moves_an_entry_before_the_training_start_warns(client, started_trainee):
    entry = make_log_entry(trainee=started_trainee, client_name="Moved")
    client.force_login(started_trainee)
    response = client.post(
        reverse("credentials:coaching_log_edit", args=[entry.pk]),
        entry_form(
            client_name="Moved",
            start_date=days_ago(70).isoformat(),
            end_date=days_ago(50).isoformat(),
            version=entry.version,
        ),
        follow=True,
    )
    assert "partly before your training start — only the days from" in response.content.decode()


def test_the_list_marks_entries_before_the_training_start(client, started_trainee):
    make_log_entry(
        trainee=started_trainee, client_name="Old", start_date=days_ago(90), end_date=days_ago(80)
    )
    make_log_entry(trainee=started_trainee, client_name="New")
    client.force_login(started_trainee)
    html = client.get(reverse("credentials:coaching_log")).content.decode()
    assert html.count("before your training start — does not count") == 1
    old_row = html[html.index(">Old") :]
    assert "does not count" in old_row[: old_row.index("</tr>")]


def test_an_import_with_rows_before_the_training_start_warns(client, started_trainee):
    client.force_login(started_trainee)
    early, late = days_ago(90).isoformat(), days_ago(10).isoformat()
    upload = SimpleUploadedFile(
        "log.csv",
        (
            "Client Name,Individual/Group,Start Date,End Date,Paid Hours,Pro Bono Hours\n"
            f"Early,Individual,{early},{early},1,0\nLate,Individual,{late},{late},1,0\n"
        ).encode(),
    )
    preview = client.post(reverse("credentials:coaching_log_import"), {"spreadsheet": upload})
    response = client.post(
        reverse("credentials:coaching_log_import_confirm"),
        {"token": preview.context["token"]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 imported row starts before your training start" in html
    assert html.count("before your training start — does not count") == 1
