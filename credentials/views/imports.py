"""The progress page of an import job started in the Django admin (staff only).

The page polls a fragment every second with htmx while the job is queued or running; the
fragment a finished job answers with has no trigger, so the polling stops by itself.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from credentials.models import ImportJob, ImportJobStatus
from lms import policies

RUNNING_STATUSES = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)


def _job_for(request, pk: int) -> ImportJob:
    # Jobs belong to the back office: anyone else is told the page does not exist.
    if not policies.can_run_imports(request.user):
        raise Http404
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)


def _context(job: ImportJob) -> dict:
    finished = job.status not in RUNNING_STATUSES
    return {
        "job": job,
        "running": not finished,
        "unchanged_rows": max(0, job.processed_rows - job.created_rows - job.updated_rows),
        "file_errors": [error for error in job.errors if error.get("row") is None],
        "row_errors": [error for error in job.errors if error.get("row") is not None],
    }


@login_required
@require_GET
def import_job(request, pk: int):
    job = _job_for(request, pk)
    return render(request, "credentials/imports/job.html", _context(job))


@login_required
@require_GET
def import_job_status(request, pk: int):
    job = _job_for(request, pk)
    return render(request, "credentials/imports/_job_status.html", _context(job))


urlpatterns = [
    path("imports/jobs/<int:pk>/", import_job, name="import_job"),
    path("imports/jobs/<int:pk>/status/", import_job_status, name="import_job_status"),
]
