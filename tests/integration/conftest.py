import pytest

from lms.celery import app


@pytest.fixture
def real_broker():
    """Send tasks to the broker for the duration of one test instead of running them here."""
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = was_eager
