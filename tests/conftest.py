import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

_migrated_data: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Snapshot what the migrations put in the database (role groups, the Wagtail page tree).

    Transactional tests (the browser tests, the worker tests) end with a flush that removes it;
    `_restore_migrated_data` loads the snapshot back before each of them. Django's own
    serialized_rollback cannot be used: Playwright's greenlets give the test a fresh connection
    object, which lacks Django's snapshot, so its restore silently does nothing.
    """
    with django_db_blocker.unblock():
        _migrated_data["json"] = connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _restore_migrated_data(request):
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        # The previous test's flush re-ran post_migrate (new content types and permissions);
        # empty the tables again without it, then load the snapshot with its original keys.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(_migrated_data["json"])
        # The rows came back with their original keys; move PostgreSQL's sequences past them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Wagtail caches the site root paths (used for page URLs) in Django's cache, which outlives
    # a test's rolled-back Site rows; a test that adds a site must not change another's URLs.
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploaded files go to a per-test folder, never into the project.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def trainee(db):
    from tests.factories.people import make_trainee

    return make_trainee()


@pytest.fixture
def trainer(db):
    from tests.factories.people import make_trainer

    return make_trainer()


@pytest.fixture
def programme_admin(db):
    from tests.factories.people import make_programme_admin

    return make_programme_admin()
