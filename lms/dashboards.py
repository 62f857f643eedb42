"""The dashboard: one page per person, starting with what waits for each of their roles."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from billing import booking_selectors
from courses import selectors
from courses.grading import selectors as grading_selectors
from credentials import selectors as credential_selectors
from lms import policies
from lms.models import Role


@login_required
@require_GET
def dashboard(request):
    user = request.user
    is_trainee = user.has_role(Role.TRAINEE)
    is_trainer = user.has_role(Role.TRAINER)
    is_mentor = user.has_role(Role.MENTOR)
    is_programme_admin = policies.can_review_applications(user)
    context = {
        "trainee_view": selectors.trainee_dashboard(trainee=user) if is_trainee else None,
        "grading_summary": (grading_selectors.queue_summary(user=user) if is_trainer else None),
        "trainer_cohorts": selectors.cohorts_for_trainer(trainer=user) if is_trainer else None,
        "registers_to_take": selectors.registers_to_take(trainer=user) if is_trainer else None,
        "sessions_to_confirm": (
            credential_selectors.mentor_sessions_to_confirm_count(mentor=user)
            if is_mentor
            else None
        ),
        "sessions_to_mark": (
            booking_selectors.sessions_to_mark_count(mentor=user) if is_mentor else None
        ),
        "coaching": booking_selectors.coach_dashboard(coach=user, on=timezone.localdate()),
        "review_queue": credential_selectors.review_queue() if is_programme_admin else None,
        "failed_imports_days": credential_selectors.FAILED_IMPORTS_DAYS,
        "shows_trainee": is_trainee,
        "shows_trainer": is_trainer,
        "shows_mentor": is_mentor,
        "shows_programme_admin": is_programme_admin,
        "kept_seconds": selectors.KEPT_SECONDS,
    }
    return render(request, "lms/dashboard.html", context)
