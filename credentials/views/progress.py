"""Progress toward a credential: the trainee's own page and the same page for their staff.

A trainee sees /progress/; programme admins and the trainers of a trainee's cohort see
/progress/<user_id>/. Anyone else asking for someone's progress gets 404, so nothing is revealed.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from courses import selectors as course_selectors
from courses.templatetags.courses_tags import hours
from credentials import engine, selectors
from credentials.certificates import verification_url
from credentials.pathway_status import pathway_status
from lms import policies
from lms.models import Role, User

TEMPLATE = "credentials/progress/page.html"


@dataclass(frozen=True)
class NextAction:
    """One thing to do, with the page to do it on (None: nothing on this site does it)."""

    text: str
    url: str | None
    missing: list[str]


def _more(result: engine.RequirementResult, what: str) -> str:
    gap = max(Decimal(result.required) - Decimal(result.achieved), Decimal(0))
    return f"{hours(gap)} more {what}"


# Requirement code → (action group, what is still missing), in a trainee's words.
_MISSING = {
    "education_hours": ("education", lambda r: _more(r, "hours of coach-specific education")),
    "education_synchronous_hours": ("education", lambda r: _more(r, "live (synchronous) hours")),
    "mentor_hours": ("mentoring", lambda r: _more(r, "hours of mentor coaching")),
    "mentor_span": (
        "mentoring",
        lambda r: f"mentoring spread over {r.required} months (now {r.achieved})",
    ),
    "experience_hours": ("coaching", lambda r: _more(r, "hours of client coaching")),
    "paid_hours": ("coaching", lambda r: _more(r, "paid hours")),
    "clients": ("coaching", lambda r: _more(r, "clients")),
    "recent_hours": ("coaching", lambda r: _more(r, "hours in the recent window")),
    "performance_evaluation": (
        "assessment",
        lambda r: _more(r, "passed performance evaluation(s)"),
    ),
    "exam": ("assessment", lambda r: "the credentialing exam"),
    "prerequisite_credential": ("prerequisite", lambda r: r.detail),
}


def next_actions(
    next_steps: list[engine.RequirementResult], *, next_module, own: bool
) -> list[NextAction]:
    """The unmet requirements as actions, one per kind of work, nearest first.

    `next_module` is the trainee's next incomplete module (a PageLink) or None. Links are to
    the trainee's own pages, so staff looking at someone's progress get the text only.
    """
    groups: dict[str, list[str]] = {}
    for result in next_steps:
        group, missing = _MISSING.get(result.code, ("other", lambda r: r.detail))
        groups.setdefault(group, []).append(missing(result))

    def link(name: str) -> str | None:
        return reverse(name) if own else None

    actions = []
    for group, missing in groups.items():
        if group == "education":
            if next_module is not None:
                actions.append(
                    NextAction(
                        f"Continue with the next module: {next_module.title}",
                        next_module.url if own else None,
                        missing,
                    )
                )
                missing = []
            actions.append(
                NextAction(
                    "Upload education from another provider",
                    link("credentials:education_records"),
                    missing,
                )
            )
        elif group == "mentoring":
            actions.append(
                NextAction(
                    "Book or log mentor coaching", link("credentials:mentor_sessions"), missing
                )
            )
        elif group == "coaching":
            actions.append(
                NextAction("Log client coaching", link("credentials:coaching_log_create"), missing)
            )
        elif group == "assessment":
            actions.append(
                NextAction(
                    "Take the assessments; your programme team records the results", None, missing
                )
            )
        else:
            actions.append(NextAction("Still needed", None, missing))
    return actions


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
    education_missing = any(
        _MISSING.get(r.code, ("other",))[0] == "education" for r in progress.next_steps
    )
    programmes = course_selectors.programme_completions(trainee=trainee)
    # The engine counts module hours and approved outside education together; say which is which.
    education_here = sum((p.education_hours for p in programmes), Decimal(0))
    education_total = next(
        (r.achieved for r in progress.evaluation.requirements if r.code == "education_hours"), None
    )
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
            "programmes": programmes,
            "education_here": education_here,
            "education_elsewhere": (
                max(Decimal(education_total) - education_here, Decimal(0))
                if education_total is not None
                else None
            ),
            "next_actions": next_actions(
                progress.next_steps,
                next_module=_next_module(trainee) if education_missing else None,
                own=own,
            ),
        },
        status=status,
    )


def _next_module(trainee: User):
    """The trainee's next incomplete module (a PageLink), from the dashboard selector."""
    dashboard = course_selectors.trainee_dashboard(trainee=trainee)
    return next((p.next_module for p in dashboard.programmes if p.next_module), None)


@login_required
@require_GET
def progress_own(request):
    policies.require_role(
        request.user, Role.TRAINEE, "The progress page is for trainees working toward a credential."
    )
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
