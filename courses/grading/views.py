"""Pages of assignments and grading. Thin: parse input, call a service or selector, render.

A trainee's problems with their work come back all at once on the same page with status 400
and nothing saved. Submissions a trainer may not grade answer 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.grading import files, moderation, rules, selectors, services
from courses.grading.forms import GradeForm, ObservationForm, QuizForm, SubmissionForm
from courses.grading.models import (
    MarkerObservation,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from courses.models import ModulePage
from lms import policies
from lms.forms import posted_data

S = SubmissionStatus
S_DECIDED = (S.PASSED, S.REVISION_REQUESTED, S.FAILED)


def _assignment_or_404(page_id: int, block_id: str):
    module = get_object_or_404(ModulePage.objects.live(), pk=page_id)
    assignment = selectors.assignment_of(module=module, block_id=block_id)
    if assignment is None:
        raise Http404("No such assignment.")
    return module, assignment


def _versions_with_feedback(submission, user):
    """Each version with its released grades, moments and signed links, newest first."""
    rows = []
    for version in submission.versions.prefetch_related("observations__criterion").order_by(
        "-number"
    ):
        links = {
            which: files.signed_file_url(version=version, which=which, user=user)
            for which in ("file", "transcript")
            if getattr(version, which).name
        }
        rows.append(
            {
                "version": version,
                "links": links,
                "grades": selectors.released_grades(version=version),
                "moments": list(version.observations.all()),
                "lines": version.lines(),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def assignment(request, page_id: int, block_id: str):
    module, work = _assignment_or_404(page_id, block_id)
    if work.block_type == "quiz":
        return redirect("courses:quiz", page_id=page_id, block_id=block_id)
    submission = selectors.submission_of_trainee(
        trainee=request.user, module=module, block_id=block_id
    )
    form = SubmissionForm(posted_data(request), request.FILES or None, assignment=work)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submission_submit(
                trainee=request.user,
                module=module,
                block_id=block_id,
                text=data.get("text") or "",
                document=data.get("document"),
                recording=data.get("recording"),
                transcript=data.get("transcript"),
                consent=bool(data.get("consent")),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Your work is sent. Your trainer will grade it.")
            return redirect("courses:assignment", page_id=page_id, block_id=block_id)
    if form.errors:
        status = 400
    context = {
        "module": module,
        "assignment": work,
        "submission": submission,
        "versions": _versions_with_feedback(submission, request.user) if submission else [],
        "form": form,
        "may_submit": submission is None or submission.status == S.REVISION_REQUESTED,
    }
    return render(request, "courses/grading/assignment.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request, page_id: int, block_id: str):
    module, work = _assignment_or_404(page_id, block_id)
    if work.block_type != "quiz":
        raise Http404("No such quiz.")
    form = QuizForm(posted_data(request), assignment=work)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.quiz_attempt_submit(
                trainee=request.user, module=module, block_id=block_id, answers=form.answers()
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            outcome = "You passed." if attempt.passed else "Not passed this time."
            messages.success(request, f"You scored {attempt.score_percent}%. {outcome}")
            return redirect("courses:quiz", page_id=page_id, block_id=block_id)
    if form.errors:
        status = 400
    attempts = selectors.quiz_attempts(trainee=request.user, module=module, block_id=block_id)
    context = {
        "module": module,
        "assignment": work,
        "form": form,
        "attempts": attempts,
        "passed": any(a.passed for a in attempts),
        "attempts_left": max(work.max_attempts - len(attempts), 0),
    }
    return render(request, "courses/grading/quiz.html", context, status=status)


@login_required
@require_GET
def file(request, token: str):
    try:
        data = files.unsign(token)
    except signing.SignatureExpired:
        return HttpResponse(files.EXPIRED_MESSAGE, status=403, content_type="text/plain")
    if data["u"] != request.user.pk or data["f"] not in ("file", "transcript"):
        raise Http404("No such file.")
    version = get_object_or_404(
        SubmissionVersion.objects.select_related("submission"), pk=data["v"]
    )
    if not selectors.may_see_files(user=request.user, submission=version.submission):
        raise Http404("No such file.")
    field = getattr(version, data["f"])
    if not field.name:
        raise Http404("No such file.")
    is_media = data["f"] == "file" and version.submission.is_recording
    content_type = (version.file_type if data["f"] == "file" else "") or "application/octet-stream"
    return files.file_response(request, field, content_type=content_type, inline=is_media)


# Trainers -------------------------------------------------------------------------------------


def _require_grader(user) -> None:
    if not policies.can_work_with_cohorts(user):
        raise PermissionDenied("Only trainers grade submissions.")


def _int_or_none(value):
    return int(value) if value and str(value).isdigit() else None


@login_required
@require_GET
def queue(request):
    _require_grader(request.user)
    filters = selectors.QueueFilters(
        programme=_int_or_none(request.GET.get("programme")),
        cohort=_int_or_none(request.GET.get("cohort")),
        block_id=request.GET.get("assignment", "")[:64],
        status=request.GET.get("status", "")[:20],
        older_than_days=_int_or_none(request.GET.get("older_than")),
    )
    page = _int_or_none(request.GET.get("page")) or 1
    rows, has_next = selectors.grading_queue_page(user=request.user, filters=filters, page=page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "page": page,
        "has_next": has_next,
        "query": query.urlencode(),
        "filters": filters,
        "choices": selectors.queue_filter_choices(user=request.user),
    }
    return render(request, "courses/grading/queue.html", context)


def _submission_or_404(request, submission_id: int) -> Submission:
    _require_grader(request.user)
    return policies.found_or_404(
        selectors.submission_for_grading(user=request.user, submission_id=submission_id),
        "No such submission.",
    )


def _grade_page(request, submission, *, grade_form=None, observation_form=None, status=200):
    criteria = list(submission.rubric.criteria.all())
    competencies = sorted({c.competency for c in criteria})
    grade_form = grade_form or GradeForm(criteria=criteria, competencies=competencies)
    versions = _versions_with_feedback(submission, request.user)
    latest = versions[0]["version"]
    marking = submission.moderated and bool(
        selectors.open_mark(submission=submission, marker=request.user)
    )
    observations = latest.observations.select_related("criterion")
    if submission.moderated and submission.status not in S_DECIDED:
        # Independent marking: each marker sees only their own observations.
        observations = observations.filter(assessor=request.user)
    observations = list(observations)
    specs = [c.spec() for c in criteria]
    observed = rules.observed_marker_ids((o.criterion_id, o.observed) for o in observations)
    current = next(
        (g for g in reversed(versions[0]["grades"]) if not hasattr(g, "replaced_by")), None
    )
    context = {
        "submission": submission,
        "versions": versions,
        "latest": versions[0],
        "markers": [c for c in criteria if c.is_marker],
        "tallies": rules.marker_tallies(specs, observed),
        "observations": observations,
        "grade_form": grade_form,
        "observation_form": observation_form or ObservationForm(),
        "grading": marking
        or (submission.status == S.IN_REVIEW and submission.assessor_id == request.user.pk),
        "claimable": not submission.moderated
        and submission.status in (S.SUBMITTED, S.RESUBMITTED)
        and submission.assessor_id in (None, request.user.pk),
        "marks": moderation.marks_visible_to(submission=submission, user=request.user),
        "trainee_name": submission.name_for_marker(),
        "blind_view": submission.identity_hidden,
        "current_grade": current,
        "changeable": current is not None
        and not marking
        and submission.status in (S.PASSED, S.FAILED),
        "events": list(submission.events.select_related("actor")),
        "competency_label": dict(rules.COMPETENCIES),
    }
    return render(request, "courses/grading/grade.html", context, status=status)


def _fail(request, submission, error: ValidationError, **forms):
    for text in error.messages:
        messages.error(request, text)
    return _grade_page(request, submission, status=400, **forms)


@login_required
@require_http_methods(["GET", "POST"])
def grade(request, submission_id: int):
    submission = _submission_or_404(request, submission_id)
    if request.method == "GET":
        return _grade_page(request, submission)
    criteria = list(submission.rubric.criteria.all())
    form = GradeForm(
        request.POST, criteria=criteria, competencies=sorted({c.competency for c in criteria})
    )
    if not form.is_valid():
        return _grade_page(request, submission, grade_form=form, status=400)
    decision = form.cleaned_data["decision"]
    try:
        if submission.status in (S.PASSED, S.FAILED):
            current = (
                submission.versions.order_by("-number")
                .first()
                .grades.filter(replaced_by__isnull=True)
                .last()
            )
            services.grade_change(
                grade=current,
                assessor=request.user,
                decision=decision,
                reason=form.cleaned_data["reason"],
                **form.scores(),
            )
        elif submission.moderated:
            moderation.moderation_mark_record(
                submission=submission, marker=request.user, decision=decision, **form.scores()
            )
            submission.refresh_from_db(fields=["status"])
            if submission.status not in S_DECIDED:
                messages.success(request, "Your mark is saved. It stays hidden until released.")
                return redirect("courses:grading_queue")
        else:
            services.grade_record(
                submission=submission, assessor=request.user, decision=decision, **form.scores()
            )
    except ValidationError as error:
        return _fail(request, submission, error, grade_form=form)
    except PermissionError as error:
        raise PermissionDenied(str(error)) from None
    label = dict(form.fields["decision"].choices)[decision]
    messages.success(request, f"Grade saved ({label}) and released to {submission.trainee}.")
    return redirect("courses:grading_queue")


@login_required
@require_POST
def claim(request, submission_id: int):
    submission = _submission_or_404(request, submission_id)
    try:
        services.submission_claim(submission=submission, assessor=request.user)
    except ValidationError as error:
        return _fail(request, submission, error)
    return redirect("courses:grading_grade", submission_id=submission.pk)


@login_required
@require_POST
def observation_add(request, submission_id: int):
    submission = _submission_or_404(request, submission_id)
    form = ObservationForm(request.POST)
    if not form.is_valid():
        return _grade_page(request, submission, observation_form=form, status=400)
    try:
        services.observation_record(
            submission=submission,
            assessor=request.user,
            criterion_id=form.cleaned_data["criterion"],
            line_number=form.cleaned_data["line_number"],
            observed=form.cleaned_data["observed"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        return _fail(request, submission, error, observation_form=form)
    return redirect(reverse("courses:grading_grade", args=[submission.pk]) + "#observations")


@login_required
@require_POST
def observation_remove(request, submission_id: int, observation_id: int):
    submission = _submission_or_404(request, submission_id)
    observation = get_object_or_404(
        MarkerObservation, pk=observation_id, version__submission=submission
    )
    try:
        services.observation_delete(observation=observation, assessor=request.user)
    except ValidationError as error:
        return _fail(request, submission, error)
    return redirect(reverse("courses:grading_grade", args=[submission.pk]) + "#observations")
