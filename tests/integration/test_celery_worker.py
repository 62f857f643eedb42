"""Tasks through a real broker to a real Celery worker, and /healthz against the real services.

.ci/run starts the stack (PostgreSQL + Redis) and a worker (`celery -A lms worker`) with the same
CELERY_BROKER_URL, a result backend in CELERY_RESULT_BACKEND, and the worker's email written to
files (EMAIL_URL=filemail://DIR) in the folder named by WORKER_EMAIL_DIR. Without a broker these
tests are skipped; the rest of the suite runs tasks eagerly (lms/settings/test.py).
"""

import os
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery.result import EagerResult
from django.core import mail
from django.db import connection

from lms.services import email_enqueue
from lms.tasks import send_email
from tests.integration.stack import BROKER_URL, needs_broker

RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
WORKER_EMAIL_DIR = os.environ.get("WORKER_EMAIL_DIR", "")
WORKER_TIMEOUT_SECONDS = 60


def wait_for_worker_email(subject: str) -> str:
    """The text of the email file the worker wrote for `subject`, waiting for it to appear."""
    folder = Path(WORKER_EMAIL_DIR)
    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for path in folder.glob("*.log"):
            text = path.read_text(errors="replace")
            if subject in text:
                return text
        time.sleep(0.2)
    pytest.fail(f"the worker wrote no email with subject {subject!r} to {folder} in time")


@pytest.mark.worker
@needs_broker
@pytest.mark.skipif(not RESULT_BACKEND, reason="CELERY_RESULT_BACKEND is unset: no results")
def test_send_email_task_runs_on_the_worker(real_broker):
    result = send_email.delay(
        subject=f"Worker round trip {uuid.uuid4()}", body="Hello.", to=["someone@example.org"]
    )

    assert not isinstance(result, EagerResult)
    assert result.get(timeout=WORKER_TIMEOUT_SECONDS) is None
    assert result.successful()
    assert mail.outbox == []  # it ran in the worker, not in this process


@pytest.mark.worker
@needs_broker
@pytest.mark.skipif(not WORKER_EMAIL_DIR, reason="WORKER_EMAIL_DIR is unset: no email folder")
def test_enqueued_email_is_sent_by_the_worker_after_commit(
    db, real_broker, django_capture_on_commit_callbacks
):
    subject = f"Your module is complete {uuid.uuid4()}"

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(subject=subject, body="Well done.", to=["trainee@example.org"])

    sent = wait_for_worker_email(subject)
    assert "To: trainee@example.org" in sent
    assert "Well done." in sent
    assert mail.outbox == []


@pytest.mark.worker
@needs_broker
def test_healthz_reports_the_real_broker_and_database(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        assert connection.vendor == "postgresql"


@pytest.mark.worker
@needs_broker
def test_the_broker_keeps_its_messages_across_a_restart():
    # Redis without its append-only file forgets every queued task when it restarts.
    with redis.Redis.from_url(BROKER_URL) as broker:
        assert broker.config_get("appendonly") == {"appendonly": "yes"}
