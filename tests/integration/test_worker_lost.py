"""A worker killed in the middle of a certificate render: the award still gets its PDF.

Each test starts its own worker (tests/integration/slow_render_worker.py) on a queue of its own,
with the render hanging the first time, and sends the render task there.
"""

import datetime as dt
import json
import os
import signal
import uuid

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from credentials.models import Award
from credentials.tasks import unfinished_work_requeue
from lms.celery import app
from tests.credentials.eligible import make_acc_eligible
from tests.credentials.test_awards_certificates import approve
from tests.factories.people import make_programme_admin, make_trainee
from tests.integration.stack import (
    BROKER_URL,
    PYTHON,
    needs_broker,
    needs_stack_postgres,
    session_database_url,
    start_process,
    stop_process,
    wait_until,
)

pytestmark = [pytest.mark.worker, needs_broker, needs_stack_postgres]
RENDER_TASK = "credentials.award_certificate_render"


@pytest.fixture
def queue(real_broker):
    """A queue of this test's own, where the render task goes (the CI worker never sees it)."""
    name = f"worker-lost-{uuid.uuid4().hex[:8]}"
    routes = app.conf.task_routes
    app.conf.update(task_routes={RENDER_TASK: {"queue": name}})
    yield name
    app.conf.update(task_routes=routes)
    with redis.Redis.from_url(BROKER_URL) as broker:
        # A message taken by a killed worker waits in Redis's `unacked` hash for the visibility
        # timeout; nobody will consume this queue again.
        for tag, payload in broker.hgetall("unacked").items():
            if json.loads(payload)[2] == name:
                broker.hdel("unacked", tag)
                broker.zrem("unacked_index", tag)
        # The queue itself and kombu's bindings for it.
        for key in broker.scan_iter(match=f"*{name}*"):
            broker.delete(key)


@pytest.fixture
def start_worker(transactional_db, queue, tmp_path):
    workers = []
    marker = tmp_path / "render-started"

    def start():
        log = tmp_path / f"worker-{len(workers) + 1}.log"
        worker = start_process(
            PYTHON,
            "tests/integration/slow_render_worker.py",
            queue,
            str(marker),
            log=log,
            DJANGO_SETTINGS_MODULE="lms.settings.dev",
            DATABASE_URL=session_database_url(),
            MEDIA_ROOT=settings.MEDIA_ROOT,
            EMAIL_URL="consolemail://",
        )
        workers.append(worker)
        wait_until(lambda: "ready." in log.read_text(errors="replace"), "worker ready", worker, log)
        return worker, marker, log

    yield start
    for worker in workers:
        stop_process(worker, signal.SIGKILL)


def issue_award() -> Award:
    # Approving queues the render once the transaction commits: to this test's queue.
    return approve(make_acc_eligible(make_trainee()), make_programme_admin())


def certificate_rendered(award: Award) -> bool:
    award.refresh_from_db()
    return bool(award.certificate_pdf)


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM], ids=["KILL", "TERM"])
def test_a_render_whose_pool_process_is_killed_runs_again(start_worker, signal_number):
    worker, marker, log = start_worker()
    award = issue_award()
    wait_until(marker.exists, "the render started", worker, log)

    # The pool process dies mid-render (out of memory, stopped by the system): the task goes
    # back to the queue rather than being acknowledged as failed.
    os.kill(int(marker.read_text()), signal_number)

    wait_until(lambda: certificate_rendered(award), "the PDF rendered", worker, log)
    with award.certificate_pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_render_whose_worker_is_killed_is_queued_again_by_the_sweep(start_worker):
    worker, marker, log = start_worker()
    award = issue_award()
    wait_until(marker.exists, "the render started", worker, log)

    # The whole worker dies: its message waits in Redis for the visibility timeout.
    stop_process(worker, signal.SIGKILL)
    worker, _, log = start_worker()
    assert not certificate_rendered(award)

    # Some minutes later, beat's sweep finds the award without its PDF.
    Award.objects.filter(pk=award.pk).update(created_at=timezone.now() - dt.timedelta(minutes=6))
    assert unfinished_work_requeue()["awards_requeued"] == 1

    wait_until(lambda: certificate_rendered(award), "the PDF rendered", worker, log)
    with award.certificate_pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
