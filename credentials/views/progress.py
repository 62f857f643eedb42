"""Progress toward a credential: the trainee's own page and the same page for their staff.

A trainee sees /progress/; programme admins and the trainers of a trainee's cohort see
/progress/<user_id>/. Anyone else asking for someone's progress gets 404, so nothing is revealed.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from courses import selectors as course_selectors
from credentials import selectors
from credentials.certificates import verification_url
from credentials.pathway_status import pathway_status
from lms.models import Role, User

TEMPLATE = "credentials/progress/page.html"


def render_progress(request, trainee: User, *, pathway_code: str | None, status: int = 200):
    """The progress page of `trainee` for a pathway (None: the next one above their credential)."""
    progress = selectors.trainee_progress(
        trainee=trainee,
        pathway_code=pathway_code,
        as_of=selectors.trainee_today(trainee),
    )
    if progress is None:
        raise Http404("There is no such credential pathway. Choose ACC, PCC or MCC.")
    own = trainee.pk == request.user.pk
    standing = pathway_status(
        pathway_id=progress.pathway.pk,
        eligible=progress.evaluation.eligible,
        awards=progress.awards,
        applications=progress.applications,
    )
    return render(
        request,
        TEMPLATE,
        {
            "progress": progress,
            "status": standing,
            "verification_url": (
                verification_url(standing.award.verification_code) if standing.award else None
            ),
            "own": own,
            "show_apply": own and standing.may_apply,
            "programmes": course_selectors.programme_completions(trainee=trainee),
        },
        status=status,
    )


@login_required
@require_GET
def progress_own(request):
    if not request.user.has_role(Role.TRAINEE):
        raise PermissionDenied("The progress page is for trainees working toward a credential.")
    return render_progress(request, request.user, pathway_code=request.GET.get("pathway"))


@login_required
@require_GET
def progress_of(request, user_id: int):
    trainee = selectors.progress_subject(viewer=request.user, trainee_id=user_id)
    if trainee is None:
        raise Http404("No such trainee among yours.")
    return render_progress(request, trainee, pathway_code=request.GET.get("pathway"))


urlpatterns = [
    path("progress/", progress_own, name="progress"),
    path("progress/<int:user_id>/", progress_of, name="progress_of"),
]
