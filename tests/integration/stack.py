"""What the worker tests know of the stack .ci/run starts (PostgreSQL, Redis, a Celery worker)."""

import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from tests.project_process import PROJECT_DIR

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
WAIT_SECONDS = 60

needs_broker = pytest.mark.skipif(
    not BROKER_URL, reason="CELERY_BROKER_URL is unset: no broker or worker (.ci/run starts both)"
)
needs_stack_postgres = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="DATABASE_URL is not the stack's PostgreSQL (.ci/run starts it)",
)


def session_database_url() -> str:
    """DATABASE_URL with the database this test session created in place of the stack's, for
    processes started by a test (its rows are committed: the test uses transactional_db)."""
    parts = urllib.parse.urlsplit(DATABASE_URL)
    return parts._replace(path="/" + connection.settings_dict["NAME"]).geturl()


def start_process(*args: str, log: Path, **env: str) -> subprocess.Popen:
    """A child in its own process group (so a test can kill it and its children), output in
    `log`, with this process's environment and `env` over it."""
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 - fixed arguments, our own code
            [*args],
            cwd=PROJECT_DIR,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen, signal_number: int) -> None:
    """Send `signal_number` to the process and its children, and wait for it."""
    if process.poll() is None:
        os.killpg(process.pid, signal_number)
    process.wait(timeout=WAIT_SECONDS)


def wait_until(condition, what: str, process: subprocess.Popen | None = None, log=None):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if result := condition():
            return result
        if process is not None and process.poll() is not None:
            output = log.read_text(errors="replace")[-3000:] if log else ""
            pytest.fail(f"the process exited before {what}:\n{output}")
        time.sleep(0.2)
    output = log.read_text(errors="replace")[-3000:] if log else ""
    pytest.fail(f"{what} did not happen in {WAIT_SECONDS} s\n{output}")


PYTHON = sys.executable
