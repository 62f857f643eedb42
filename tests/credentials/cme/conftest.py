import pytest
from django.utils import timezone

from courses.models import ModulePage
from courses.services import enrolment_create, module_complete
from lms.models import Profession
from tests.factories.cme import make_activity
from tests.factories.courses import do_required_blocks, make_programme, modules_of
from tests.factories.people import make_trainee


@pytest.fixture
def physician(db):
    return make_trainee(first_name="Ada", last_name="Lind", profession=Profession.PHYSICIAN)


@pytest.fixture
def nurse(db):
    return make_trainee(first_name="Noor", last_name="Aziz", profession=Profession.NURSE)


@pytest.fixture
def module(db) -> ModulePage:
    module = modules_of(make_programme(modules=1))[0]
    # Two hours: enough time for the 2 credits offered.
    ModulePage.objects.filter(pk=module.pk).update(estimated_minutes=120)
    return ModulePage.objects.get(pk=module.pk)


@pytest.fixture
def module_activity(module):
    return make_activity(module=module, credits={"ama": "2", "participation": "2"})


def complete_module(*, learner, module) -> None:
    programme = module.get_parent().get_parent().specific
    enrolment_create(trainee=learner, programme=programme)
    do_required_blocks(trainee=learner, module=module)
    module_complete(trainee=learner, module=module)


@pytest.fixture
def today():
    return timezone.localdate()
