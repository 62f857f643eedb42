"""Every record with a life cycle moves through lms.transitions: its map, its event row, and a
clear refusal for the second of two people acting at once."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from credentials import services
from credentials.models import (
    Award,
    EducationRecord,
    EducationRecordEvent,
    ImportJob,
    MentorSession,
    MentorSessionEvent,
)
from lms.transitions import STALE_MESSAGE, StatusEvent
from tests.factories.people import make_mentor
from tests.factories.records import make_education_record, make_mentor_session

pytestmark = pytest.mark.django_db


def test_the_credentials_events_share_the_one_status_event():
    for model in (MentorSessionEvent, EducationRecordEvent):
        assert issubclass(model, StatusEvent)
        # Room for every status name (under_review is 12 characters, longer ones will come).
        assert model._meta.get_field("to_status").max_length == 20


class TestMentorSessionMoves:
    def test_a_confirmation_writes_who_when_from_to(self, trainee):
        session = make_mentor_session(trainee=trainee, mentor=make_mentor())
        services.mentor_session_confirm(session=session, mentor=session.mentor)
        event = session.events.last()
        assert (event.from_status, event.to_status, event.actor) == (
            "logged",
            "confirmed",
            session.mentor,
        )
        assert event.at is not None

    def test_a_dispute_records_its_reason_on_the_event(self, trainee):
        session = make_mentor_session(trainee=trainee, mentor=make_mentor())
        services.mentor_session_dispute(session=session, mentor=session.mentor, reason="Not me")
        event = session.events.last()
        assert (event.from_status, event.to_status, event.note) == ("logged", "disputed", "Not me")

    def test_a_withdrawn_session_is_final(self, trainee):
        session = make_mentor_session(trainee=trainee, mentor=make_mentor())
        services.mentor_session_dispute(session=session, mentor=session.mentor, reason="Wrong")
        services.mentor_session_withdraw(session=session, trainee=trainee)
        assert not services.MENTOR_SESSION_MACHINE.allows("withdrawn", "confirmed")
        with pytest.raises(ValidationError, match="already “withdrawn"):
            services.mentor_session_confirm(session=session, mentor=session.mentor)
        assert MentorSession.objects.get(pk=session.pk).status == "withdrawn"

    def test_of_a_mentor_and_a_trainee_acting_at_once_one_wins(self, trainee):
        session = make_mentor_session(trainee=trainee, mentor=make_mentor())
        services.mentor_session_dispute(session=session, mentor=session.mentor, reason="Wrong")
        trainees_copy = MentorSession.objects.get(pk=session.pk)
        services.mentor_session_confirm(session=session, mentor=session.mentor)
        with pytest.raises(ValidationError, match=STALE_MESSAGE):
            services.mentor_session_withdraw(session=trainees_copy, trainee=trainee)
        assert MentorSession.objects.get(pk=session.pk).status == "confirmed"
        assert [e.to_status for e in session.events.all()] == ["logged", "disputed", "confirmed"]


class TestEducationRecordMoves:
    def test_a_rejection_writes_who_from_to_and_why(self, trainee, programme_admin):
        record = make_education_record(trainee=trainee)
        services.education_record_review(
            record=record, reviewer=programme_admin, approve=False, note="No certificate"
        )
        event = record.events.last()
        assert (event.from_status, event.to_status, event.actor, event.note) == (
            "pending",
            "rejected",
            programme_admin,
            "No certificate",
        )

    def test_of_two_reviewers_at_once_the_second_is_told(self, trainee, programme_admin):
        record = make_education_record(trainee=trainee)
        second_reviewers_copy = EducationRecord.objects.get(pk=record.pk)
        services.education_record_review(record=record, reviewer=programme_admin, approve=True)
        with pytest.raises(ValidationError, match=STALE_MESSAGE):
            services.education_record_review(
                record=second_reviewers_copy, reviewer=programme_admin, approve=False, note="x"
            )
        assert EducationRecord.objects.get(pk=record.pk).status == "approved"
        assert [e.to_status for e in record.events.all()] == ["pending", "approved"]


class TestImportJobMoves:
    @pytest.fixture
    def job(self, programme_admin):
        return services.import_job_create(
            kind="people",
            file=ContentFile(b"email\n", name="people.csv"),
            dry_run=True,
            created_by=programme_admin,
        )

    def test_a_job_records_each_step_from_queued_to_finished(self, job, programme_admin):
        services.import_job_claim(job_id=job.pk)
        services.import_job_finish(
            job=ImportJob.objects.get(pk=job.pk),
            total_rows=0,
            created_rows=0,
            updated_rows=0,
            errors=[],
        )
        steps = [(e.from_status, e.to_status, e.actor) for e in job.events.all()]
        assert steps == [
            ("", "queued", programme_admin),
            ("queued", "running", None),
            ("running", "succeeded", None),
        ]

    def test_a_job_that_never_started_is_failed_with_its_reason(self, job):
        services.import_job_fail(job_id=job.pk, reason="The worker vanished.")
        job.refresh_from_db()
        assert job.status == "failed"
        event = job.events.last()
        assert (event.from_status, event.to_status, event.note) == (
            "queued",
            "failed",
            "The worker vanished.",
        )

    def test_a_queued_job_cannot_finish_without_running(self, job):
        assert not services.IMPORT_JOB_MACHINE.allows("queued", "succeeded")
        with pytest.raises(ValidationError, match="already “queued”"):
            services.import_job_finish(
                job=job, total_rows=0, created_rows=0, updated_rows=0, errors=[]
            )
        assert ImportJob.objects.get(pk=job.pk).status == "queued"

    def test_of_two_workers_claiming_the_job_one_runs_it(self, job):
        first = services.import_job_claim(job_id=job.pk)
        second = services.import_job_claim(job_id=job.pk)
        assert (first.status, second) == ("running", None)
        assert job.events.filter(to_status="running").count() == 1

    def test_a_job_finished_while_the_sweep_failed_its_stale_copy_keeps_its_outcome(self, job):
        services.import_job_claim(job_id=job.pk)
        workers_copy = ImportJob.objects.get(pk=job.pk)
        services.import_job_fail(job_id=job.pk, reason="Interrupted.")
        with pytest.raises(ValidationError, match=STALE_MESSAGE):
            services.import_job_finish(
                job=workers_copy, total_rows=0, created_rows=0, updated_rows=0, errors=[]
            )
        assert ImportJob.objects.get(pk=job.pk).status == "failed"


class TestAwardMoves:
    def test_issue_and_revocation_are_events(self, award, admin):
        services.award_revoke(award=award, actor=admin, reason="Falsified log.")
        award.refresh_from_db()
        assert (award.status, award.revoked_reason) == ("revoked", "Falsified log.")
        steps = [(e.from_status, e.to_status, e.actor, e.note) for e in award.events.all()]
        assert steps == [
            ("", "issued", admin, ""),
            ("issued", "revoked", admin, "Falsified log."),
        ]

    def test_a_revoked_award_is_not_reissued_by_the_map(self, award, admin):
        services.award_revoke(award=award, actor=admin, reason="Falsified log.")
        assert not services.AWARD_MACHINE.allows("revoked", "issued")
        assert award.events.filter(to_status="revoked").count() == 1

    def test_the_database_refuses_a_revocation_without_its_date(self, award):
        with pytest.raises(IntegrityError), transaction.atomic():
            Award.objects.filter(pk=award.pk).update(status="revoked")

    def test_of_two_admins_revoking_at_once_the_second_is_told(self, award, admin):
        second_admins_copy = Award.objects.get(pk=award.pk)
        services.award_revoke(award=award, actor=admin, reason="First reason.")
        with pytest.raises(ValidationError, match=STALE_MESSAGE):
            services.award_revoke(award=second_admins_copy, actor=admin, reason="Second reason.")
        assert Award.objects.get(pk=award.pk).revoked_reason == "First reason."
        assert award.events.filter(to_status="revoked").count() == 1
