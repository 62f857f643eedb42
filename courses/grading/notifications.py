"""Emails of grading, each sent through lms.services.email_send (a Celery task once the
transaction commits). A marker's email names the trainee only when the work is not blind."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from courses.grading.models import WAITING_STATUSES, ModerationMark, Submission
from lms.emails import site_url
from lms.services import email_send


def _markers_waiting(submission: Submission) -> list:
    """Who has this submission waiting for their grade: its assessor, or its open marks."""
    if submission.moderated:
        marks = ModerationMark.objects.filter(submission=submission, grade__isnull=True)
        return [mark.marker for mark in marks.select_related("marker")]
    return [submission.assessor] if submission.assessor_id else []


def submission_waiting(*, submission: Submission) -> None:
    """Tell each marker who now has the submission waiting for them."""
    url = site_url(reverse("courses:grading_grade", args=[submission.pk]))
    for marker in _markers_waiting(submission):
        email_send(
            name="grading_submission_waiting",
            context={
                "marker": marker,
                "submission": submission,
                "who": submission.name_for_marker(),
                "url": url,
            },
            to=[marker.email],
        )


def decision_released(*, submission: Submission) -> None:
    """Tell the trainee that their work is graded (or a revision is asked for)."""
    url = site_url(reverse("courses:assignment", args=[submission.module_id, submission.block_id]))
    email_send(
        name="grading_decision",
        context={"submission": submission, "trainee": submission.trainee, "url": url},
        to=[submission.trainee.email],
    )


def overdue_notices_send(*, now=None) -> int:
    """Tell each cohort's lead trainer about work waiting longer than the turnaround, once per
    submission: the conditional update of `overdue_notified_at` is the claim, so a second run
    (or a second worker) sends nothing again. Returns how many were sent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.GRADING_TURNAROUND_DAYS)
    overdue = Submission.objects.filter(
        Q(status__in=WAITING_STATUSES),
        submitted_at__lt=cutoff,
        overdue_notified_at__isnull=True,
        cohort__lead_trainer__isnull=False,
    ).select_related("cohort__lead_trainer", "trainee")
    sent = 0
    for submission in overdue:
        claimed = Submission.objects.filter(pk=submission.pk, overdue_notified_at__isnull=True)
        if not claimed.update(overdue_notified_at=now):
            continue
        lead = submission.cohort.lead_trainer
        email_send(
            name="grading_overdue",
            context={
                "lead": lead,
                "submission": submission,
                "who": submission.name_for_marker(),
                "days": settings.GRADING_TURNAROUND_DAYS,
                "url": site_url(reverse("courses:grading_queue")),
            },
            to=[lead.email],
        )
        sent += 1
    return sent
