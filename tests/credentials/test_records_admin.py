"""Back office for practice records: education review, assessment results, mentor sessions."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from credentials.models import AssessmentResult, CoachingLogEntry, EducationRecord
from tests.factories.people import make_mentor
from tests.factories.records import days_ago, make_education_record, make_mentor_session

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:credentials_educationrecord_changelist"


def test_the_coaching_log_is_not_in_the_admin(client, programme_admin):
    from django.contrib import admin

    assert CoachingLogEntry not in admin.site._registry
    client.force_login(programme_admin)
    assert b"coaching log" not in client.get(reverse("admin:index")).content.lower()


def test_admins_approve_pending_education(client, programme_admin, trainee):
    record = make_education_record(trainee=trainee)
    client.force_login(programme_admin)
    assert client.get(reverse(CHANGELIST), {"status__exact": "pending"}).status_code == 200
    response = client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [record.pk]},
        follow=True,
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status == "approved"
    assert record.events.last().actor == programme_admin


def test_rejecting_asks_for_a_reason_first(client, programme_admin, trainee):
    record = make_education_record(trainee=trainee)
    client.force_login(programme_admin)
    ask = client.post(
        reverse(CHANGELIST), {"action": "reject_selected", ACTION_CHECKBOX_NAME: [record.pk]}
    )
    assert ask.status_code == 200
    assert b"Reason for the trainee" in ask.content
    assert EducationRecord.objects.get(pk=record.pk).status == "pending"
    client.post(
        reverse(CHANGELIST),
        {
            "action": "reject_selected",
            ACTION_CHECKBOX_NAME: [record.pk],
            "note": "The certificate is unreadable.",
        },
    )
    record.refresh_from_db()
    assert (record.status, record.review_note) == ("rejected", "The certificate is unreadable.")


def test_a_reviewed_record_is_reported_not_reviewed_twice(client, programme_admin, trainee):
    record = make_education_record(trainee=trainee)
    client.force_login(programme_admin)
    for _ in range(2):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "approve_selected", ACTION_CHECKBOX_NAME: [record.pk]},
            follow=True,
        )
    assert "already" in response.content.decode()
    assert record.events.count() == 2


def assessment_form(trainee, **overrides) -> dict:
    data = {
        "trainee": str(trainee.pk),
        "kind": "exam",
        "date": days_ago(4).isoformat(),
        "passed": "on",
        "score": "480",
    }
    return {key: value for key, value in {**data, **overrides}.items() if value is not None}


def test_an_assessment_added_in_the_admin_is_recorded_by_the_admin(
    client, programme_admin, trainee
):
    client.force_login(programme_admin)
    response = client.post(
        reverse("admin:credentials_assessmentresult_add"), assessment_form(trainee)
    )
    assert response.status_code == 302
    result = AssessmentResult.objects.get()
    assert (result.score, result.passed, result.recorded_by) == (480, True, programme_admin)


def test_a_score_contradicting_passed_is_shown_on_the_admin_form(client, programme_admin, trainee):
    client.force_login(programme_admin)
    response = client.post(
        reverse("admin:credentials_assessmentresult_add"),
        assessment_form(trainee, score="400"),
    )
    assert response.status_code == 200
    assert "the pass mark is 460" in response.content.decode()
    assert not AssessmentResult.objects.exists()


def test_mentor_sessions_are_read_only_in_the_admin(client, programme_admin, trainee):
    session = make_mentor_session(trainee=trainee, mentor=make_mentor())
    client.force_login(programme_admin)
    assert client.get(reverse("admin:credentials_mentorsession_changelist")).status_code == 200
    url = reverse("admin:credentials_mentorsession_change", args=[session.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "confirmed"}).status_code == 403
    assert client.get(reverse("admin:credentials_mentorsession_add")).status_code == 403
