import pytest

from courses.services import enrolment_create
from tests.factories.courses import make_cohort, make_programme, modules_of
from tests.factories.people import make_trainee, make_trainer


@pytest.fixture
def world(db):
    """A programme with a cohort, its trainer, and trainee A enrolled (trainee B is not)."""

    class World:
        pass

    w = World()
    w.programme = make_programme(title="Physician Coach Certification", modules=2)
    w.trainer = make_trainer(first_name="Helen", last_name="Marsh")
    w.cohort = make_cohort(programme=w.programme, trainers=[w.trainer], name="Autumn cohort")
    w.trainee = make_trainee(first_name="Grace", last_name="Hopper")
    w.other_trainee = make_trainee(first_name="Alan", last_name="Turing")
    enrolment_create(
        trainee=w.trainee, programme=w.programme, invitation_code=w.cohort.invitation_code
    )
    w.modules = modules_of(w.programme)
    w.module = w.modules[0]
    return w
