"""Applying, the review transition map, and issuing the award exactly once."""

from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from credentials import selectors, services
from credentials.models import (
    ApplicationStatus,
    Award,
    CoachingLogEntry,
    CredentialApplication,
)
from lms.transitions import STALE_MESSAGE
from tests.credentials.eligible import make_acc_eligible
from tests.factories.people import make_programme_admin, make_trainee, make_trainer

pytestmark = pytest.mark.django_db

SUBMITTED = ApplicationStatus.SUBMITTED
UNDER_REVIEW = ApplicationStatus.UNDER_REVIEW
APPROVED = ApplicationStatus.APPROVED
RETURNED = ApplicationStatus.RETURNED
ALLOWED = {(SUBMITTED, UNDER_REVIEW), (UNDER_REVIEW, APPROVED), (UNDER_REVIEW, RETURNED)}


@pytest.fixture
def acc():
    return selectors.pathway_by_code(code="acc")


@pytest.fixture
def admin():
    return make_programme_admin()


@pytest.fixture
def application(acc, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.application_submit(trainee=make_acc_eligible(), pathway=acc)


def application_in(status, application, admin):
    """Walk `application` along the map to `status`."""
    path = {
        SUBMITTED: [],
        UNDER_REVIEW: [UNDER_REVIEW],
        APPROVED: [UNDER_REVIEW, APPROVED],
        RETURNED: [UNDER_REVIEW, RETURNED],
    }[status]
    for step in path:
        services.application_transition(
            application=application, to_status=step, actor=admin, reasons="Missing log."
        )
    return application


def test_submitting_freezes_the_evaluation_writes_an_event_and_emails_trainee_and_admins(
    acc, admin, django_capture_on_commit_callbacks
):
    trainee = make_acc_eligible()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(trainee=trainee, pathway=acc)
    assert application.status == SUBMITTED
    assert application.snapshot["eligible"] is True
    assert application.snapshot["email"] == trainee.email
    assert {row["code"] for row in application.snapshot["requirements"]} >= {"exam", "clients"}
    assert [(e.from_status, e.to_status, e.actor) for e in application.events.all()] == [
        ("", SUBMITTED, trainee)
    ]
    recipients = [message.to for message in mail.outbox]
    assert [trainee.email] in recipients
    assert [admin.email] in recipients


def test_the_snapshot_stays_as_it_was_when_records_change_later(application):
    CoachingLogEntry.objects.filter(trainee=application.trainee).delete()
    application.refresh_from_db()
    assert application.snapshot["eligible"] is True


def test_a_trainee_who_is_not_eligible_cannot_apply_and_nothing_is_written(acc):
    trainee = make_trainee()
    with pytest.raises(
        ValidationError,
        match=r"ICF ACC-aligned yet.*coach-specific education",
    ):
        services.application_submit(trainee=trainee, pathway=acc)
    assert not CredentialApplication.objects.exists()
    assert mail.outbox == []


def test_applying_twice_while_one_is_open_is_refused(application, acc):
    with pytest.raises(ValidationError, match="already have an application"):
        services.application_submit(trainee=application.trainee, pathway=acc)
    assert CredentialApplication.objects.count() == 1


def test_a_race_past_the_check_is_stopped_by_the_constraint(application, acc):
    # Both requests passed the "already open?" check before either saved.
    with (
        mock.patch.object(
            CredentialApplication.objects, "filter", wraps=CredentialApplication.objects.filter
        ) as filtered,
        mock.patch.object(CredentialApplication, "full_clean"),
    ):
        filtered.return_value.exists.return_value = False
        with pytest.raises(ValidationError, match="already have an application"):
            services.application_submit(trainee=application.trainee, pathway=acc)
    assert CredentialApplication.objects.count() == 1


def test_the_database_refuses_a_second_open_application():
    trainee = make_trainee()
    CredentialApplication.objects.create(
        trainee=trainee, pathway_id=1, as_of="2025-01-01", snapshot={}
    )
    with pytest.raises(IntegrityError):
        CredentialApplication.objects.create(
            trainee=trainee, pathway_id=1, as_of="2025-01-01", snapshot={}
        )


def test_applying_after_an_award_is_refused(application, admin, acc):
    application_in(APPROVED, application, admin)
    with pytest.raises(ValidationError, match="You already hold Physician Coach — Associate level"):
        services.application_submit(trainee=application.trainee, pathway=acc)


def test_only_trainees_apply(acc):
    with pytest.raises(ValidationError, match="Only trainees"):
        services.application_submit(trainee=make_trainer(), pathway=acc)


@pytest.mark.parametrize("from_status", [SUBMITTED, UNDER_REVIEW, APPROVED, RETURNED])
@pytest.mark.parametrize("to_status", [SUBMITTED, UNDER_REVIEW, APPROVED, RETURNED])
def test_transition_map(
    application, admin, from_status, to_status, django_capture_on_commit_callbacks
):
    application_in(from_status, application, admin)
    events_before = application.events.count()
    mail.outbox.clear()
    if (from_status, to_status) in ALLOWED:
        with django_capture_on_commit_callbacks(execute=True):
            services.application_transition(
                application=application, to_status=to_status, actor=admin, reasons="Reasons."
            )
        application.refresh_from_db()
        assert application.status == to_status
        event = application.events.last()
        assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, admin)
        assert application.trainee.email in {to for m in mail.outbox for to in m.to}
    else:
        with pytest.raises(ValidationError, match="cannot be"):
            services.application_transition(
                application=application, to_status=to_status, actor=admin, reasons="Reasons."
            )
        application.refresh_from_db()
        assert application.status == from_status
        assert application.events.count() == events_before
        assert mail.outbox == []


def test_returning_requires_reasons_which_reach_the_trainee(
    application, admin, django_capture_on_commit_callbacks
):
    application_in(UNDER_REVIEW, application, admin)
    with pytest.raises(ValidationError) as refused:
        services.application_transition(
            application=application, to_status=RETURNED, actor=admin, reasons="   "
        )
    assert "reasons" in refused.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application,
            to_status=RETURNED,
            actor=admin,
            reasons="Your log lacks client 8.",
        )
    assert application.events.last().note == "Your log lacks client 8."
    assert "Your log lacks client 8." in mail.outbox[-1].body


def test_a_returned_trainee_may_apply_again(application, admin, acc):
    application_in(RETURNED, application, admin)
    again = services.application_submit(trainee=application.trainee, pathway=acc)
    assert again.pk != application.pk
    assert again.status == SUBMITTED


def test_only_programme_admins_move_applications(application):
    with pytest.raises(ValidationError, match="Only programme admins"):
        services.application_transition(
            application=application, to_status=UNDER_REVIEW, actor=make_trainer()
        )


def test_approving_issues_one_award_with_the_programme_name(
    application, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_in(APPROVED, application, admin)
    award = Award.objects.get()
    assert (award.trainee, award.pathway, award.application) == (
        application.trainee,
        application.pathway,
        application,
    )
    assert award.certificate_pdf.name.endswith(".pdf")


def test_two_admins_approving_at_once_make_one_award(application, admin):
    application_in(UNDER_REVIEW, application, admin)
    first_view = CredentialApplication.objects.get(pk=application.pk)
    second_view = CredentialApplication.objects.get(pk=application.pk)
    services.application_transition(application=first_view, to_status=APPROVED, actor=admin)
    with pytest.raises(ValidationError, match=STALE_MESSAGE):
        services.application_transition(
            application=second_view, to_status=APPROVED, actor=make_programme_admin()
        )
    assert Award.objects.count() == 1
    assert application.events.filter(to_status=APPROVED).count() == 1


def test_an_admin_returning_what_another_just_approved_is_told_and_changes_nothing(
    application, admin
):
    application_in(UNDER_REVIEW, application, admin)
    second_view = CredentialApplication.objects.get(pk=application.pk)
    services.application_transition(application=application, to_status=APPROVED, actor=admin)
    with pytest.raises(ValidationError, match=STALE_MESSAGE):
        services.application_transition(
            application=second_view, to_status=RETURNED, actor=admin, reasons="Missing log."
        )
    assert CredentialApplication.objects.get(pk=application.pk).status == APPROVED
    assert Award.objects.count() == 1
    assert [e.to_status for e in application.events.all()] == [SUBMITTED, UNDER_REVIEW, APPROVED]


def test_a_retried_award_issue_returns_the_existing_award(application, admin):
    application_in(APPROVED, application, admin)
    first = Award.objects.get()
    again = services.award_issue(application=application, actor=admin)
    assert again.pk == first.pk
    assert Award.objects.count() == 1


def test_an_award_needs_an_approved_application(application, admin):
    with pytest.raises(ValidationError, match="approved application"):
        services.award_issue(application=application, actor=admin)
    assert not Award.objects.exists()
