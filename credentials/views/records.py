"""Practice records: the coaching log, mentor sessions and external education.

Thin views: they parse a form, call credentials.services or credentials.selectors and render.
Someone else's record answers 404 (its existence is not revealed); a role that never uses a
page gets 403; a rejected form comes back with status 400 and plain-English messages. Pages
with client names, contact details or notes, every export and every certificate download are
`never_cache` (Cache-Control: no-store): no browser or proxy keeps a copy.
"""

import base64
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from credentials import imports, selectors, services
from credentials.forms import (
    CoachingLogEntryForm,
    DisputeForm,
    EducationRecordForm,
    MentorSessionForm,
    SpreadsheetUploadForm,
    UnconfirmForm,
)
from credentials.models import ImportKind, MentorSessionStatus
from lms import policies
from lms.forms import posted_data
from lms.models import Role

TRAINEES_ONLY = "Practice records are kept by trainees."


def _page_number(request):
    return request.GET.get("page") or 1


# Coaching log ---------------------------------------------------------------------------------


def _own_entry_or_404(request, entry_id: int):
    return policies.found_or_404(
        selectors.coaching_log_entry_of(trainee=request.user, entry_id=entry_id),
        "No such entry in your coaching log.",
    )


@never_cache
@login_required
@require_GET
def coaching_log(request):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    page = selectors.coaching_log_page(trainee=request.user, page_number=_page_number(request))
    for entry in page:  # a Page keeps its list: the template sees these notes
        entry.training_start_warning = entry.training_start_note(request.user.training_start)
    context = {"page": page, "totals": selectors.coaching_log_totals(trainee=request.user)}
    return render(request, "credentials/records/coaching_log.html", context)


def _warn_before_training_start(request, entry) -> None:
    note = entry.training_start_note(request.user.training_start)
    if note:
        messages.warning(
            request,
            f"Coaching with {entry.client_name} is {note}: your training started on "
            f"{request.user.training_start:%-d %B %Y}, and hours count from that day.",
        )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def coaching_log_create(request):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    form = CoachingLogEntryForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.coaching_log_entry_create(trainee=request.user, **form.entry_fields())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Coaching with {entry.client_name} added to your log.")
            _warn_before_training_start(request, entry)
            return redirect("credentials:coaching_log")
    return render(
        request,
        "credentials/records/coaching_log_form.html",
        {"form": form, "entry": None},
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def coaching_log_edit(request, entry_id: int):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    entry = _own_entry_or_404(request, entry_id)
    initial = {name: getattr(entry, name) for name in services.COACHING_LOG_FIELDS}
    form = CoachingLogEntryForm(
        posted_data(request), initial={**initial, "version": entry.version}, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.coaching_log_entry_update(
                entry=entry,
                trainee=request.user,
                expected_version=form.cleaned_data["version"],
                **form.entry_fields(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Coaching with {entry.client_name} updated.")
            _warn_before_training_start(request, entry)
            return redirect("credentials:coaching_log")
    return render(
        request,
        "credentials/records/coaching_log_form.html",
        {"form": form, "entry": entry},
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def coaching_log_delete(request, entry_id: int):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    entry = _own_entry_or_404(request, entry_id)
    if request.method == "POST":
        services.coaching_log_entry_delete(entry=entry, trainee=request.user)
        messages.success(request, f"Coaching with {entry.client_name} removed from your log.")
        return redirect("credentials:coaching_log")
    return render(request, "credentials/records/coaching_log_delete.html", {"entry": entry})


EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@never_cache
@login_required
@require_GET
def coaching_log_export(request, file_format: str):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    if file_format not in EXPORT_CONTENT_TYPES:
        raise Http404("Download the log as csv or xlsx.")
    content = imports.export_coaching_log(trainee=request.user, file_format=file_format)
    filename = f"coaching-log-{timezone.localdate():%Y-%m-%d}.{file_format}"
    return HttpResponse(
        content,
        content_type=EXPORT_CONTENT_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# The file checked on the preview page waits in the person's own session until they confirm.
PENDING_IMPORT_KEY = "coaching_log_import"
PENDING_IMPORT_MAX_BYTES = 2 * 1024 * 1024
PREVIEW_ROWS = 20
# The preview shows the file's rows, minus what lists never show.
HIDDEN_PREVIEW_COLUMNS = {"contact"}


def _import_preview(request, *, table, report, token: str, status: int = 200):
    shown = [
        index
        for index, heading in enumerate(table.headings)
        if heading.strip().lower() not in HIDDEN_PREVIEW_COLUMNS
    ]
    context = {
        "report": report,
        "token": token,
        "row_count": len(table),
        "headings": [table.headings[index] for index in shown],
        "rows": [
            (number, [row[index] for index in shown])
            for number, row in enumerate(table.rows[:PREVIEW_ROWS], start=table.heading_row + 1)
        ],
        "more_rows": max(0, len(table) - PREVIEW_ROWS),
    }
    return render(request, "credentials/records/import_preview.html", context, status=status)


def _upload_page(request, form, status: int):
    return render(request, "credentials/records/import_upload.html", {"form": form}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def coaching_log_import(request):
    """Upload a spreadsheet and see what importing it would do; nothing is saved yet."""
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    form = SpreadsheetUploadForm(posted_data(request), request.FILES or None)
    if request.method != "POST":
        return _upload_page(request, form, status=200)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["spreadsheet"]
    if upload.size > PENDING_IMPORT_MAX_BYTES:
        form.add_error(
            "spreadsheet",
            "The file is larger than 2 MB, too large to check here. Split it into smaller files.",
        )
        return _upload_page(request, form, status=400)
    date_order = form.cleaned_data["date_order"]
    try:
        table = imports.read_own_coaching_log(upload)
        report = imports.import_records(
            kind=ImportKind.COACHING_LOG,
            table=table,
            dry_run=True,
            actor=request.user,
            only_trainee=request.user,
            date_order=date_order,
        )
    except imports.ImportFileError as error:
        form.add_error("spreadsheet", error.message)
        return _upload_page(request, form, status=400)
    token = ""
    if report.ok:
        token = secrets.token_urlsafe(16)
        upload.seek(0)
        request.session[PENDING_IMPORT_KEY] = {
            "token": token,
            "name": upload.name,
            "content": base64.b64encode(upload.read()).decode("ascii"),
            "date_order": date_order,
        }
    else:
        request.session.pop(PENDING_IMPORT_KEY, None)
    return _import_preview(
        request, table=table, report=report, token=token, status=200 if report.ok else 400
    )


@never_cache
@login_required
@require_POST
def coaching_log_import_confirm(request):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    pending = request.session.get(PENDING_IMPORT_KEY)
    if not pending or not secrets.compare_digest(pending["token"], request.POST.get("token", "")):
        messages.error(
            request, "That check is out of date. Upload the spreadsheet again to import it."
        )
        return redirect("credentials:coaching_log_import")
    upload = SimpleUploadedFile(pending["name"], base64.b64decode(pending["content"]))
    try:
        table = imports.read_own_coaching_log(upload)
        report = imports.import_records(
            kind=ImportKind.COACHING_LOG,
            table=table,
            dry_run=False,
            actor=request.user,
            only_trainee=request.user,
            date_order=pending.get("date_order", "auto"),
        )
    except imports.ImportFileError as error:
        del request.session[PENDING_IMPORT_KEY]
        messages.error(request, error.message)
        return redirect("credentials:coaching_log_import")
    del request.session[PENDING_IMPORT_KEY]
    if not report.ok:
        # The log changed since the check (another tab, another import): show why.
        return _import_preview(request, table=table, report=report, token="", status=400)
    messages.success(
        request,
        f"Imported {report.total_rows} row{pluralize(report.total_rows)}: {report.created} added, "
        f"{report.updated} updated, "
        f"{report.unchanged} already in your log.",
    )
    if report.before_training_start:
        count = report.before_training_start
        messages.warning(
            request,
            f"{count} imported row{pluralize(count)} start{pluralize(count, 's,')} before your "
            f"training start on {request.user.training_start:%-d %B %Y}: hours count only from "
            "that day. The log marks them.",
        )
    return redirect("credentials:coaching_log")


# Mentor sessions ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mentor_sessions(request):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    form = MentorSessionForm(
        posted_data(request), mentors=selectors.mentors_to_choose(trainee=request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.mentor_session_log(trainee=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"Session logged. We emailed {session.mentor} to confirm it; "
                "it counts once they do.",
            )
            return redirect("credentials:mentor_sessions")
    return _mentor_sessions_page(request, form, status=400 if form.is_bound else 200)


def _mentor_sessions_page(request, form, *, status=200):
    context = {
        "form": form,
        "page": selectors.mentor_sessions_page(
            trainee=request.user, page_number=_page_number(request)
        ),
        "disputed": selectors.mentor_sessions_disputed(trainee=request.user),
    }
    return render(request, "credentials/records/mentor_sessions.html", context, status=status)


def _require_mentor(request) -> None:
    policies.require_role(request.user, Role.MENTOR, "This page is for mentors.")


def _led_session_or_404(request, session_id: int):
    return policies.found_or_404(
        selectors.mentor_session_led_by(mentor=request.user, session_id=session_id),
        "No such session among those you led.",
    )


def _dispute_prefix(session) -> str:
    return f"session-{session.pk}"  # one dispute form per row: unique field ids


def _reason_form_class(session):
    return UnconfirmForm if session.status == MentorSessionStatus.CONFIRMED else DisputeForm


def _mentor_sessions_led_page(request, *, failed_session=None, failed_form=None, status=200):
    page = selectors.mentor_sessions_led_page(
        mentor=request.user, page_number=_page_number(request)
    )
    # Each card's reason form: to dispute a session, or to take back a confirmation.
    rows = [
        (
            session,
            failed_form
            if failed_session is not None and session.pk == failed_session.pk and failed_form
            else _reason_form_class(session)(prefix=_dispute_prefix(session)),
        )
        for session in page
    ]
    context = {"page": page, "rows": rows, "failed_session": failed_session}
    return render(request, "credentials/records/mentor_sessions_led.html", context, status=status)


@login_required
@require_GET
def mentor_sessions_led(request):
    _require_mentor(request)
    return _mentor_sessions_led_page(request)


def _after_mentor_action(request, session, action):
    """Run a confirm/dispute service; on refusal show the list again with the reason."""
    try:
        action()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return _mentor_sessions_led_page(request, failed_session=session, status=400)
    return redirect("credentials:mentor_sessions_led")


@login_required
@require_POST
def mentor_session_confirm(request, session_id: int):
    _require_mentor(request)
    session = _led_session_or_404(request, session_id)

    def confirm():
        services.mentor_session_confirm(session=session, mentor=request.user)
        messages.success(request, f"You confirmed the session with {session.trainee}.")

    return _after_mentor_action(request, session, confirm)


@login_required
@require_POST
def mentor_session_dispute(request, session_id: int):
    _require_mentor(request)
    session = _led_session_or_404(request, session_id)
    form = DisputeForm(request.POST, prefix=_dispute_prefix(session))
    if not form.is_valid():
        return _mentor_sessions_led_page(
            request, failed_session=session, failed_form=form, status=400
        )

    def dispute():
        services.mentor_session_dispute(
            session=session, mentor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"You disputed the session with {session.trainee}.")

    return _after_mentor_action(request, session, dispute)


# External education ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def education_records(request):
    policies.require_role(request.user, Role.TRAINEE, TRAINEES_ONLY)
    form = EducationRecordForm(posted_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.education_record_submit(trainee=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"“{record.title}” was sent for review. Its hours count once it is approved.",
            )
            return redirect("credentials:education_records")
    context = {
        "form": form,
        "page": selectors.education_records_page(
            trainee=request.user, page_number=_page_number(request)
        ),
    }
    return render(
        request,
        "credentials/records/education.html",
        context,
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
@require_GET
def education_certificate(request, record_id: int):
    user = request.user
    if not policies.sees_every_trainee(user):
        policies.require_role(user, Role.TRAINEE, TRAINEES_ONLY)
    record = selectors.education_record_for_certificate(user=user, record_id=record_id)
    if record is None:
        raise Http404("No such certificate.")
    response = FileResponse(
        record.certificate.open("rb"),
        as_attachment=True,
        filename=record.certificate.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("records/log/", coaching_log, name="coaching_log"),
    path("records/log/new/", coaching_log_create, name="coaching_log_create"),
    path("records/log/<int:entry_id>/edit/", coaching_log_edit, name="coaching_log_edit"),
    path("records/log/<int:entry_id>/delete/", coaching_log_delete, name="coaching_log_delete"),
    path("records/log/export/<str:file_format>/", coaching_log_export, name="coaching_log_export"),
    path("records/log/import/", coaching_log_import, name="coaching_log_import"),
    path(
        "records/log/import/confirm/",
        coaching_log_import_confirm,
        name="coaching_log_import_confirm",
    ),
    path("records/mentoring/", mentor_sessions, name="mentor_sessions"),
    path("records/mentoring/led/", mentor_sessions_led, name="mentor_sessions_led"),
    path(
        "records/mentoring/<int:session_id>/confirm/",
        mentor_session_confirm,
        name="mentor_session_confirm",
    ),
    path(
        "records/mentoring/<int:session_id>/dispute/",
        mentor_session_dispute,
        name="mentor_session_dispute",
    ),
    path("records/education/", education_records, name="education_records"),
    path(
        "records/education/<int:record_id>/certificate/",
        education_certificate,
        name="education_certificate",
    ),
]
