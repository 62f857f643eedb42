"""Benchmark data: one programme, a cohort of trainees who have finished every module.

Pages are built with Wagtail (the test factories); the volume rows go in with bulk_create,
which is what makes 200 trainees with full progress take seconds rather than minutes.
Call only after django.setup() on a freshly migrated database.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from courses.models import BlockProgress
from lms.models import User
from tests.factories.courses import (
    enrol_many_trainees,
    make_cohort,
    make_programme,
    modules_of,
    required_block_ids,
)

PROGRAMME_TITLE = "Benchmark programme"


def build_trainees_with_full_progress(*, trainees: int, modules: int) -> list[User]:
    programme = make_programme(
        title=PROGRAMME_TITLE, modules=modules, courses=3, synchronous_every=4, required_blocks=2
    )
    module_pages = modules_of(programme)
    cohort = make_cohort(programme=programme, name="Benchmark cohort")
    users = enrol_many_trainees(cohort=cohort, count=trainees, completed_modules=module_pages)
    BlockProgress.objects.bulk_create(
        BlockProgress(trainee=user, module=module, block_id=block_id)
        for user in users
        for module in module_pages
        for block_id in required_block_ids(module)
    )
    return users


def session_cookies(users: list[User]) -> list[str]:
    """A signed-in session per user, created directly (no password hashing, no login view)."""
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for user in users:
        session = session_store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return cookies
