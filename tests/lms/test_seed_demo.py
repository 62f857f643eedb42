from io import StringIO

from django.core.management import call_command

from courses.models import Cohort, Enrolment, ModuleCompletion, ModulePage, ProgrammePage
from courses.selectors import education_hours_for
from lms.models import Role, User


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, ProgrammePage, ModulePage, Cohort, Enrolment, ModuleCompletion)
    }


def test_seed_demo_creates_every_role_and_a_realistic_programme(db):
    output = _seed()

    assert "coach-demo-2026" in output
    for email in (
        "admin@demo.coach",
        "trainer@demo.coach",
        "mentor@demo.coach",
        "trainee@demo.coach",
    ):
        assert email in output
        assert User.objects.get(email=email).check_password("coach-demo-2026")
    roles = {
        email: User.objects.get(email=email).role_names
        for email in ("admin@demo.coach", "trainer@demo.coach", "mentor@demo.coach")
    }
    assert roles == {
        "admin@demo.coach": {Role.PROGRAMME_ADMIN},
        "trainer@demo.coach": {Role.TRAINER},
        "mentor@demo.coach": {Role.MENTOR},
    }
    titles = set(ModulePage.objects.values_list("title", flat=True))
    assert len(titles) >= 8
    assert {
        "ICF core competencies",
        "Active listening",
        "Powerful questions",
        "Burnout and resilience coaching",
        "Group coaching",
    } <= titles
    trainee = User.objects.get(email="trainee@demo.coach")
    assert trainee.module_completions.count() == 3
    total, synchronous = education_hours_for(trainee=trainee)
    assert total == 15  # 8 + 4 + 3 hours of the first three modules
    assert synchronous == 0
    # Every demo trainee is in the cohort, including one who has not started yet.
    assert Enrolment.objects.filter(cohort__invitation_code="SPRING26").count() == 4
    sam = User.objects.get(email="sam.oduya@demo.coach")
    assert education_hours_for(trainee=sam) == (32, 5)  # 8+4+3+6+6 self-paced, 5 live


def test_seed_demo_is_idempotent(db):
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
