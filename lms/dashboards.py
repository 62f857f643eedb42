"""The dashboard: one page per person, showing what each of their roles needs today."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from courses import selectors
from lms.models import Role


@login_required
@require_GET
def dashboard(request):
    user = request.user
    is_trainee = user.has_role(Role.TRAINEE)
    is_trainer = user.has_role(Role.TRAINER)
    context = {
        "trainee_view": selectors.trainee_dashboard(trainee=user) if is_trainee else None,
        "trainer_cohorts": selectors.cohorts_for_trainer(trainer=user) if is_trainer else None,
        "shows_trainee": is_trainee,
        "shows_trainer": is_trainer,
        "kept_seconds": selectors.KEPT_SECONDS,
    }
    return render(request, "lms/dashboard.html", context)
