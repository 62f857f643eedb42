"""The sweep of work lost messages and killed workers left undone (credentials.tasks
.unfinished_work_requeue, every 5 minutes from Celery beat). Tasks run eagerly here; the worker
tests (tests/integration/test_worker_lost.py) kill a real worker mid-render."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from credentials import selectors, services
from credentials.models import Award, ImportJob, ImportJobStatus
from credentials.tasks import unfinished_work_requeue
from tests.credentials.eligible import make_acc_eligible
from tests.credentials.test_awards_certificates import approve
from tests.credentials.test_imports_jobs import queued_job
from tests.factories.people import make_programme_admin, make_trainee

pytestmark = pytest.mark.django_db


def minutes_ago(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


@pytest.fixture
def admin():
    return make_programme_admin()


def award_without_pdf(admin, *, issued_minutes_ago: int) -> Award:
    # The render task is queued on commit, which a test's transaction never reaches: the PDF
    # stays missing, as when the message was lost.
    award = approve(make_acc_eligible(make_trainee()), admin)
    Award.objects.filter(pk=award.pk).update(created_at=minutes_ago(issued_minutes_ago))
    return award


def test_the_selector_finds_awards_left_without_their_pdf(admin):
    overdue = award_without_pdf(admin, issued_minutes_ago=6)
    award_without_pdf(admin, issued_minutes_ago=1)  # its render may still be on its way
    revoked = award_without_pdf(admin, issued_minutes_ago=30)
    services.award_revoke(award=revoked, actor=admin, reason="Issued by mistake.")
    rendered = award_without_pdf(admin, issued_minutes_ago=30)
    services.award_certificate_attach(award_id=rendered.pk)

    found = selectors.awards_without_certificate(issued_before=minutes_ago(5))

    assert list(found) == [overdue]


def test_the_sweep_renders_an_overdue_certificate_once(admin, django_capture_on_commit_callbacks):
    overdue = award_without_pdf(admin, issued_minutes_ago=6)
    fresh = award_without_pdf(admin, issued_minutes_ago=1)

    with django_capture_on_commit_callbacks(execute=True):
        first = unfinished_work_requeue()
    with django_capture_on_commit_callbacks(execute=True):
        second = unfinished_work_requeue()

    overdue.refresh_from_db()
    fresh.refresh_from_db()
    with overdue.certificate_pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert not fresh.certificate_pdf
    assert first["awards_requeued"] == 1
    assert second["awards_requeued"] == 0
    assert [m.to for m in mail.outbox if "certificate is ready" in m.subject] == [
        [overdue.trainee.email]
    ]


def stalled(job: ImportJob, *, status: str, since_minutes: int) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        created_at=minutes_ago(since_minutes + 1),
        started_at=minutes_ago(since_minutes) if status == ImportJobStatus.RUNNING else None,
    )
    return job


def test_the_selector_finds_import_jobs_queued_or_running_too_long(admin):
    lost_message = stalled(queued_job(admin), status=ImportJobStatus.QUEUED, since_minutes=16)
    lost_worker = stalled(queued_job(admin), status=ImportJobStatus.RUNNING, since_minutes=16)
    stalled(queued_job(admin), status=ImportJobStatus.QUEUED, since_minutes=2)
    stalled(queued_job(admin), status=ImportJobStatus.RUNNING, since_minutes=2)
    stalled(queued_job(admin), status=ImportJobStatus.SUCCEEDED, since_minutes=60)

    found = selectors.import_jobs_stalled(since_before=minutes_ago(15))

    assert list(found) == [lost_message, lost_worker]


def test_the_sweep_runs_a_lost_queued_job_and_fails_an_interrupted_one(admin):
    make_trainee(email="ann.lee@example.org")  # the coaching-log fixture's coach
    lost_message = stalled(queued_job(admin), status=ImportJobStatus.QUEUED, since_minutes=16)
    lost_worker = stalled(queued_job(admin), status=ImportJobStatus.RUNNING, since_minutes=16)
    running = stalled(queued_job(admin), status=ImportJobStatus.RUNNING, since_minutes=2)

    settled = unfinished_work_requeue()

    assert settled == {"awards_requeued": 0, "import_jobs_requeued": 1, "import_jobs_failed": 1}
    for job in (lost_message, lost_worker, running):
        job.refresh_from_db()
    assert (lost_message.status, lost_message.created_rows) == (ImportJobStatus.SUCCEEDED, 3)
    assert lost_worker.status == ImportJobStatus.FAILED
    assert lost_worker.errors == [
        {"row": None, "column": "", "message": services.IMPORT_JOB_INTERRUPTED}
    ]
    assert running.status == ImportJobStatus.RUNNING


def test_a_claimed_job_records_when_it_started(admin):
    job = queued_job(admin)
    services.import_job_claim(job_id=job.pk)
    job.refresh_from_db()
    assert job.started_at is not None


def test_beat_runs_the_sweep_more_often_than_its_limits():
    entry = settings.CELERY_BEAT_SCHEDULE["credentials-unfinished-work-requeue"]
    assert entry["task"] == unfinished_work_requeue.name
    assert entry["schedule"] <= services.AWARD_CERTIFICATE_OVERDUE_AFTER


def test_interrupted_tasks_run_again_and_none_outlives_the_visibility_timeout():
    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    retry_countdown = 3 * 60  # Celery's default_retry_delay, used by autoretry_for
    assert settings.CELERY_TASK_TIME_LIMIT + retry_countdown < visibility < 60 * 60
    assert dt.timedelta(seconds=visibility) <= services.IMPORT_JOB_STALLED_AFTER
