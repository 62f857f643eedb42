"""The gradebook pages and their exports, and the grade history. Thin: a selector, a render."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courses.grading import gradebook
from courses.grading.models import Submission
from lms import policies

EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cohort_or_404(request, cohort_id: int):
    return policies.found_or_404(
        gradebook.cohort_for_gradebook(user=request.user, cohort_id=cohort_id), "No such cohort."
    )


@never_cache
@login_required
@require_GET
def gradebook_index(request):
    if not policies.can_work_with_cohorts(request.user):
        raise Http404("No gradebook here.")
    cohorts = gradebook.cohorts_for_gradebook(user=request.user)
    return render(request, "courses/grading/gradebook_index.html", {"cohorts": cohorts})


@never_cache
@login_required
@require_GET
def gradebook_cohort(request, cohort_id: int):
    cohort = _cohort_or_404(request, cohort_id)
    book = gradebook.gradebook(cohort=cohort)
    return render(request, "courses/grading/gradebook.html", {"book": book})


@never_cache
@login_required
@require_GET
def gradebook_download(request, cohort_id: int, file_format: str):
    cohort = _cohort_or_404(request, cohort_id)
    if file_format not in EXPORT_CONTENT_TYPES:
        raise Http404("Download the gradebook as csv or xlsx.")
    content = gradebook.gradebook_export(
        book=gradebook.gradebook(cohort=cohort), file_format=file_format
    )
    filename = f"gradebook-{cohort.pk}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    return HttpResponse(
        content,
        content_type=EXPORT_CONTENT_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@never_cache
@login_required
@require_GET
def grade_history(request, submission_id: int):
    submission = get_object_or_404(
        Submission.objects.select_related("trainee", "module"), pk=submission_id
    )
    grades = policies.found_or_404(
        gradebook.grade_history(submission=submission, user=request.user), "No such submission."
    )
    context = {
        "submission": submission,
        "grades": grades,
        "is_trainee": submission.trainee_id == request.user.pk,
        "trainee_name": submission.name_for_marker(),
    }
    return render(request, "courses/grading/grade_history.html", context)
