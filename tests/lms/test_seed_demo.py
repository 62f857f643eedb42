import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from billing.booking_models import Booking, WeeklyAvailability
from billing.selectors import credit_balance
from courses.models import (
    Attendance,
    Cohort,
    Enrolment,
    LiveSession,
    ModuleCompletion,
    ModulePage,
    ProgrammePage,
)
from courses.selectors import education_hours_for
from credentials.models import (
    ApplicationStatus,
    AssessmentResult,
    Award,
    CoachingLogEntry,
    CredentialApplication,
    EducationRecord,
    EducationStatus,
    MentorSession,
    MentorSessionStatus,
)
from lms.models import Role, User


@pytest.fixture
def seed(django_capture_on_commit_callbacks):
    """Run seed_demo as `make demo` does: what waits for the commit (the certificate) runs."""

    def run() -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", stdout=out)
        return out.getvalue()

    return run


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            ProgrammePage,
            ModulePage,
            Cohort,
            Enrolment,
            ModuleCompletion,
            LiveSession,
            Attendance,
            MentorSession,
            CoachingLogEntry,
            EducationRecord,
            AssessmentResult,
            CredentialApplication,
            Award,
        )
    }


def _credential_status(email: str) -> dict:
    out = StringIO()
    call_command("credential_status", email, "--pathway", "acc", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_creates_every_role_and_a_realistic_programme(db, seed):
    output = seed()

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


def test_seed_demo_shows_every_roles_journey_relative_to_today(db, seed):
    seed()
    now = timezone.now()
    mentor = User.objects.get(email="mentor@demo.coach")
    cohort = Cohort.objects.get(invitation_code="SPRING26")
    trainee = User.objects.get(email="trainee@demo.coach")

    # Live sessions next week and the week after, each with a join link; the sessions that
    # took place fall after the cohort's training start.
    upcoming = LiveSession.objects.filter(cohort=cohort, starts_at__gt=now).order_by("starts_at")
    assert [(session.starts_at.date() - now.date()).days for session in upcoming] == [7, 14]
    assert all(session.join_url.startswith("https://") for session in upcoming)
    for session in LiveSession.objects.filter(cohort=cohort, starts_at__lte=now):
        assert session.starts_at.date() >= trainee.training_start
    # The trainer still has a register to take.
    assert LiveSession.objects.filter(
        cohort=cohort, ends_at__lt=now, attendance__isnull=True
    ).exists()

    # Sessions waiting for the mentor, and one the mentor disputed.
    waiting = MentorSession.objects.filter(mentor=mentor, status=MentorSessionStatus.LOGGED)
    assert waiting.count() == 2 and {session.trainee for session in waiting} == {trainee}
    disputed = MentorSession.objects.get(status=MentorSessionStatus.DISPUTED)
    assert disputed.mentor == mentor and disputed.dispute_reason

    # An education record and an application waiting for the programme admin.
    assert EducationRecord.objects.filter(status=EducationStatus.PENDING).count() == 1
    application = CredentialApplication.objects.get(status=ApplicationStatus.SUBMITTED)
    assert application.trainee.email == "omar.haddad@demo.coach"
    assert application.snapshot["eligible"] is True

    # A trainee eligible for ACC who has not applied, as credential_status reports it.
    grace = User.objects.get(email="grace.mensah@demo.coach")
    status = _credential_status(grace.email)
    assert status["eligible"] is True, [r for r in status["requirements"] if not r["met"]]
    assert not grace.credential_applications.exists()
    # Each of the demo's trainees at the credential end is eligible by the same rules.
    assert _credential_status("ruth.adeyemi@demo.coach")["eligible"] is True

    # An awarded trainee whose certificate PDF was rendered.
    award = Award.objects.get()
    assert award.trainee.email == "ruth.adeyemi@demo.coach"
    assert award.application.status == ApplicationStatus.APPROVED
    assert award.certificate_pdf and award.certificate_pdf.read(5) == b"%PDF-"


def test_seed_demo_is_idempotent(db, seed):
    seed()
    first = _counts()
    seed()
    assert _counts() == first


def test_every_login_in_the_readme_exists_after_seeding(db, seed):
    seed()
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    emails = set(re.findall(r"`([a-z.]+@demo\.coach)`", readme))
    assert len(emails) == 10
    for email in emails:
        assert User.objects.get(email=email).check_password("coach-demo-2026"), email


def test_seed_demo_publishes_availability_and_books_a_session(db, seed):
    seed()
    seed()
    coach = User.objects.get(email="trainee@demo.coach")
    mentor = User.objects.get(email="mentor@demo.coach")
    (booking,) = Booking.objects.filter(coach=coach, mentor=mentor, status="booked")
    assert WeeklyAvailability.objects.filter(mentor=mentor).count() == 2
    assert credit_balance(coach=coach, on=timezone.localdate()) == 12 - booking.credit_hours
