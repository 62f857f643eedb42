import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploaded files go to a per-test folder, never into the project.
    settings.MEDIA_ROOT = str(tmp_path / "media")


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
