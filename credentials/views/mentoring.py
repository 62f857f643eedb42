"""Putting a mentor session right after the first answer.

The trainee corrects or withdraws a session the mentor disputed; the mentor takes back a
confirmation made by mistake. The lists and the first confirm/dispute live in records.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from credentials import selectors, services
from credentials.forms import MentorSessionDetailsForm, MentorSessionForm, UnconfirmForm
from credentials.models import MentorSessionStatus
from credentials.services import MENTOR_SESSION_DETAILS
from credentials.views.records import (
    TRAINEES_ONLY,
    _after_mentor_action,
    _dispute_prefix,
    _led_session_or_404,
    _mentor_sessions_led_page,
    _mentor_sessions_page,
    _require_mentor,
)
from lms import policies
from lms.models import Role

CORRECT_TEMPLATE = "credentials/records/mentor_session_correct.html"


def _logged_session_or_404(request, session_id: int):
    session = selectors.mentor_session_logged_by(trainee=request.user, session_id=session_id)
    if session is None:
        raise Http404("No such session among those you logged.")
    return session


@login_required
@require_http_methods(["GET", "POST"])
def mentor_session_correct(request, session_id: int):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    session = _logged_session_or_404(request, session_id)
    initial = {name: getattr(session, name) for name in MENTOR_SESSION_DETAILS}
    form = MentorSessionDetailsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if session.status != MentorSessionStatus.DISPUTED:
        # Nothing to correct: say why instead of showing the form.
        refusal = (
            "Only a session your mentor disputed can be corrected; this one is "
            f"“{session.get_status_display().lower()}”."
        )
        context = {"session": session, "refusal": refusal}
        return render(request, CORRECT_TEMPLATE, context, status=400)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_session_correct(
                session=session, trainee=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"Session corrected. We emailed {session.mentor} to confirm it; "
                "it counts once they do.",
            )
            return redirect("credentials:mentor_sessions")
    context = {"session": session, "form": form}
    status = 400 if form.is_bound else 200
    return render(request, CORRECT_TEMPLATE, context, status=status)


@login_required
@require_POST
def mentor_session_withdraw(request, session_id: int):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    session = _logged_session_or_404(request, session_id)
    try:
        services.mentor_session_withdraw(session=session, trainee=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        form = MentorSessionForm(mentors=selectors.mentors_to_choose(trainee=request.user))
        return _mentor_sessions_page(request, form, status=400)
    messages.success(request, f"You withdrew the session with {session.mentor}. It does not count.")
    return redirect("credentials:mentor_sessions")


@login_required
@require_POST
def mentor_session_unconfirm(request, session_id: int):
    _require_mentor(request)
    session = _led_session_or_404(request, session_id)
    form = UnconfirmForm(request.POST, prefix=_dispute_prefix(session))
    if not form.is_valid():
        return _mentor_sessions_led_page(
            request, failed_session=session, failed_form=form, status=400
        )

    def unconfirm():
        services.mentor_session_unconfirm(
            session=session, mentor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            f"You took back your confirmation of the session with {session.trainee}. "
            "It waits for you to confirm it again.",
        )

    return _after_mentor_action(request, session, unconfirm)


urlpatterns = [
    path(
        "records/mentoring/<int:session_id>/correct/",
        mentor_session_correct,
        name="mentor_session_correct",
    ),
    path(
        "records/mentoring/<int:session_id>/withdraw/",
        mentor_session_withdraw,
        name="mentor_session_withdraw",
    ),
    path(
        "records/mentoring/<int:session_id>/undo-confirmation/",
        mentor_session_unconfirm,
        name="mentor_session_unconfirm",
    ),
]
