"""An approved ACC application and its award, for the award, certificate and progress tests."""

import pytest

from credentials import selectors, services
from credentials.models import Award
from tests.credentials.eligible import make_acc_eligible
from tests.factories.people import make_programme_admin, make_trainee


def approve(trainee, admin) -> Award:
    """Apply for ACC as `trainee` and approve it as `admin`: the award (PDF task not run)."""
    application = services.application_submit(
        trainee=trainee, pathway=selectors.pathway_by_code(code="acc")
    )
    for step in ("under_review", "approved"):
        services.application_transition(application=application, to_status=step, actor=admin)
    return Award.objects.get(application=application)


@pytest.fixture
def admin():
    return make_programme_admin()


@pytest.fixture
def award(admin, django_capture_on_commit_callbacks):
    """Ada Lovelace's ACC award, its certificate rendered."""
    trainee = make_acc_eligible(make_trainee(first_name="Ada", last_name="Lovelace"))
    with django_capture_on_commit_callbacks(execute=True):
        return approve(trainee, admin)
