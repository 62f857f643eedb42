"""PostgreSQL connections prepare the statements they repeat, unless told not to."""

import json

from django.db import connection

from tests.project_process import run_python

PRINT_OPTIONS = (
    "import json, lms.settings.base as s; print(json.dumps(s.DATABASES['default'].get('OPTIONS')))"
)


def database_options(**env_overrides: str):
    result = run_python("-c", PRINT_OPTIONS, **env_overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_binds_on_the_server_and_prepares_after_five_runs():
    options = database_options(DATABASE_URL="postgres://coach:secret@db.example:5432/coach")
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    options = database_options(
        DATABASE_URL="postgres://coach:secret@db.example:5432/coach",
        DATABASE_PREPARED_STATEMENTS="false",
    )
    assert not options


def test_sqlite_has_nothing_to_prepare():
    assert not database_options()


def test_the_suites_own_connection_follows_the_setting(db):
    # On the PostgreSQL run of the suite, the ORM itself goes through server-side binding.
    uses = getattr(connection.features, "uses_server_side_binding", False)
    assert uses == (connection.vendor == "postgresql")
