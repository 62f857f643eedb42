"""Run the project's own Python in a fresh process, with a clean environment.

For checks of what settings do at start-up, which only a new process shows.
"""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Nothing from this test process may leak in (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE; the
# PostgreSQL run of the suite sets DATABASE_URL).
LEAKY_VARIABLES = frozenset(
    {
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "FIELD_ENCRYPTION_KEYS",
        "SITE_URL",
        "ENV_FILE",
        "TRUSTED_PROXY_COUNT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DATABASE_URL",
        "DATABASE_PREPARED_STATEMENTS",
    }
)


def run_python(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in LEAKY_VARIABLES}
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own code
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    return run_python("manage.py", *args, **env_overrides)
