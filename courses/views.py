"""Views of the courses area. Thin: they parse input, call a service or selector, render.

Errors from the services come back as plain-English messages on the same page with a 400
status, and nothing is changed. Objects a user may not see answer 404, so their existence
is not revealed; a signed-in user without a staff role asking for trainer pages gets 403.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses import calendar, selectors, services
from courses.forms import AttendanceForm, EnrolmentForm, JournalEntryForm, ReflectionForm
from courses.models import ModulePage, ProgrammePage
from lms import policies
from lms.forms import posted_data
from lms.models import Role

# Programme and module actions ---------------------------------------------------------------


def _error_text(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


@login_required
@require_POST
def enrol(request, page_id: int):
    programme = get_object_or_404(ProgrammePage.objects.live(), pk=page_id)
    form = EnrolmentForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            enrolment = services.enrolment_create(
                trainee=request.user,
                programme=programme,
                invitation_code=form.cleaned_data["invitation_code"],
            )
        except ValidationError as error:
            # Code problems sit by the field; anything else (already enrolled, not a trainee)
            # is a page message, since those visitors see no enrolment form.
            field_errors = error.message_dict if hasattr(error, "error_dict") else {}
            for field_name, texts in field_errors.items():
                if field_name in form.fields:
                    form.add_error(field_name, texts)
                else:
                    for text in texts:
                        messages.error(request, text)
            if not field_errors:
                for text in error.messages:
                    messages.error(request, text)
        else:
            cohort = f" ({enrolment.cohort.name})" if enrolment.cohort else ""
            messages.success(
                request,
                f"You are enrolled in {programme.title}{cohort}. "
                "Start with the first module below.",
            )
            return redirect(programme.get_url(request))
    response = programme.serve(request, enrol_form=form)
    response.status_code = 400
    return response


def _module_or_404(page_id: int) -> ModulePage:
    return get_object_or_404(ModulePage.objects.live(), pk=page_id)


def _module_page_with_errors(request, module: ModulePage, error: ValidationError):
    """Show what went wrong on the module page itself; htmx reloads the page to show it."""
    for text in _error_text(error):
        messages.error(request, text)
    if request.htmx:
        return HttpResponse(status=400, headers={"HX-Refresh": "true"})
    response = module.serve(request)
    response.status_code = 400
    return response


def _block_swap(request, module: ModulePage, block_id: str):
    """htmx answer: the block in its new state, plus the side panel refreshed out of band."""
    state = selectors.module_state(module=module, trainee=request.user)
    block = next(item for item in state.blocks if item.block_id == block_id)
    html = render_to_string(
        "courses/includes/block.html", {"item": block, "state": state, "page": module}, request
    ) + render_to_string(
        "courses/includes/module_panel.html", {"state": state, "page": module, "oob": True}, request
    )
    return HttpResponse(html)


@login_required
@require_POST
def block_done(request, page_id: int, block_id: str):
    module = _module_or_404(page_id)
    try:
        services.block_mark_done(trainee=request.user, module=module, block_id=block_id)
    except ValidationError as error:
        return _module_page_with_errors(request, module, error)
    if request.htmx:
        return _block_swap(request, module, block_id)
    return redirect(f"{module.get_url(request)}#block-{block_id}")


@login_required
@require_POST
def reflection_save(request, page_id: int, block_id: str):
    module = _module_or_404(page_id)
    form = ReflectionForm(request.POST)
    if not form.is_valid():
        return _module_page_with_errors(request, module, ValidationError(form.errors["body"]))
    try:
        services.journal_entry_create(
            trainee=request.user,
            title=f"Reflection: {module.title}",
            body=form.cleaned_data["body"],
            module=module,
            block_id=block_id,
        )
    except ValidationError as error:
        return _module_page_with_errors(request, module, error)
    if request.htmx:
        return _block_swap(request, module, block_id)
    messages.success(request, "Reflection saved to your private journal.")
    return redirect(f"{module.get_url(request)}#block-{block_id}")


@login_required
@require_POST
def module_complete(request, page_id: int):
    module = _module_or_404(page_id)
    try:
        services.module_complete(trainee=request.user, module=module)
    except ValidationError as error:
        return _module_page_with_errors(request, module, error)
    # The module page itself announces the completion and the hours recorded.
    return redirect(f"{module.get_url(request)}#module-status")


@login_required
@require_GET
def live_session_calendar(request, session_id: int):
    """The session as an .ics file, for trainees enrolled in its programme."""
    policies.require_role(
        request.user, Role.TRAINEE, "Calendar entries for live sessions are for enrolled trainees."
    )
    session = selectors.live_session_for_trainee(trainee=request.user, session_id=session_id)
    if session is None:
        raise Http404("No such live session in your programmes.")
    body = calendar.live_session_ics(
        session=session,
        module_url=request.build_absolute_uri(session.module.get_url(request)),
        uid_domain=urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "coach-academy",
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="live-session-{session.pk}.ics"'
    return response


# Journal -------------------------------------------------------------------------------------


TRAINEES_ONLY = "The journal is for trainees."


def _own_entry_or_404(request, entry_id: int):
    return policies.found_or_404(
        selectors.journal_entry_of(trainee=request.user, entry_id=entry_id),
        "No such journal entry.",
    )


@login_required
@require_GET
def journal_list(request):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    entries = selectors.journal_entries_for(trainee=request.user)
    return render(request, "courses/journal/list.html", {"entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def journal_create(request):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    form = JournalEntryForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_create(trainee=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Journal entry saved. Only you can read it.")
            return redirect("courses:journal_list")
    status = 400 if form.is_bound else 200
    return render(
        request, "courses/journal/form.html", {"form": form, "entry": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_edit(request, entry_id: int):
    entry = _own_entry_or_404(request, entry_id)
    form = JournalEntryForm(posted_data(request), instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_update(entry=entry, trainee=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Journal entry updated.")
            return redirect("courses:journal_list")
    status = 400 if form.is_bound else 200
    return render(
        request, "courses/journal/form.html", {"form": form, "entry": entry}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_delete(request, entry_id: int):
    entry = _own_entry_or_404(request, entry_id)
    if request.method == "POST":
        services.journal_entry_delete(entry=entry, trainee=request.user)
        messages.success(request, f"“{entry.title}” was deleted.")
        return redirect("courses:journal_list")
    return render(request, "courses/journal/confirm_delete.html", {"entry": entry})


# Trainer ------------------------------------------------------------------------------------


def _cohort_for_staff_or_404(request, cohort_id: int):
    if not selectors.may_view_cohorts(user=request.user):
        raise PermissionDenied("Only trainers and programme admins can see cohorts.")
    cohort = selectors.cohort_for_staff(user=request.user, cohort_id=cohort_id)
    if cohort is None:
        raise Http404("No such cohort among yours.")
    return cohort


@login_required
@require_GET
def trainer_cohort(request, cohort_id: int):
    cohort = _cohort_for_staff_or_404(request, cohort_id)
    progress = selectors.cohort_progress(cohort=cohort)
    return render(request, "courses/trainer/cohort.html", {"progress": progress})


@login_required
@require_GET
def trainer_trainee(request, cohort_id: int, user_id: int):
    cohort = _cohort_for_staff_or_404(request, cohort_id)
    progress = selectors.trainee_progress_in_cohort(cohort=cohort, trainee_id=user_id)
    if progress is None:
        raise Http404("This person is not in this cohort.")
    return render(request, "courses/trainer/trainee.html", {"cohort": cohort, "progress": progress})


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, session_id: int):
    if not selectors.may_view_cohorts(user=request.user):
        raise PermissionDenied("Only trainers and programme admins record attendance.")
    session = selectors.live_session_for_staff(user=request.user, session_id=session_id)
    if session is None:
        raise Http404("No such session among your cohorts.")
    register = selectors.attendance_register(session=session)
    form = AttendanceForm(posted_data(request), register=register)
    if request.method == "POST" and form.is_valid():
        present = set(form.cleaned_data["attended"])
        try:
            services.attendance_register_save(
                session=session,
                trainees=[row.trainee for row in register],
                present_ids=present,
                recorded_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Attendance saved: {len(present)} of {len(register)} attended. "
                "Trainees who attended can now complete the module.",
            )
            return redirect("courses:trainer_cohort", cohort_id=session.cohort_id)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "courses/trainer/attendance.html",
        {"session": session, "form": form, "register": register},
        status=status,
    )
