"""A database restart under load: gunicorn with the production settings and persistent
connections (as `make serve-prod` runs it) keeps answering once PostgreSQL is back.

The test restarts the stack's PostgreSQL (`.ci/stack restart-postgres`), which drops every
connection, this test session's included; the stack is running again when it ends.
"""

import secrets
import socket
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.fernet import Fernet
from django.db import connections

from tests.integration.stack import (
    PYTHON,
    needs_broker,
    needs_stack_postgres,
    session_database_url,
    start_process,
    stop_process,
    wait_until,
)
from tests.project_process import PROJECT_DIR

REQUESTS = 12
CLIENTS = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def statuses_under_load(url: str) -> list[int]:
    with ThreadPoolExecutor(CLIENTS) as clients:
        return list(clients.map(status_of, [url] * REQUESTS))


@pytest.fixture
def production_server(transactional_db, tmp_path):
    """gunicorn, 2 processes of 2 threads, keeping its database connections for 60 s."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = start_process(
        PYTHON,
        "-m",
        "gunicorn",
        "lms.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--worker-class",
        "gthread",
        "--threads",
        "2",
        log=log,
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        DATABASE_URL=session_database_url(),
        CONN_MAX_AGE="60",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
    )
    url = f"http://127.0.0.1:{port}/healthz"

    def answers() -> bool:
        try:
            return status_of(url) > 0
        except OSError:
            return False

    wait_until(answers, "gunicorn answering", server, log)
    yield url
    stop_process(server, 15)


@pytest.mark.worker
@needs_broker
@needs_stack_postgres
def test_requests_after_a_database_restart_are_answered(production_server):
    # Every thread of both processes opens its connection and keeps it.
    assert statuses_under_load(production_server) == [200] * REQUESTS

    try:
        subprocess.run(  # noqa: S603 - our own script
            [str(PROJECT_DIR / ".ci" / "stack"), "restart-postgres"], check=True, timeout=120
        )
    finally:
        # This session's connections died with the server too.
        connections.close_all()

    assert statuses_under_load(production_server) == [200] * REQUESTS
