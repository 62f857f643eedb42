"""Grading emails: released decisions only, and the hourly overdue notice once per submission."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from courses.grading.models import Submission
from courses.tasks import grading_overdue_notices
from tests.courses.grading.test_moderation import mark, markers_of, world  # noqa: F401
from tests.courses.grading.test_services import submit_recording

pytestmark = pytest.mark.django_db


def test_trainee_hears_only_when_the_moderated_decision_is_released(
    world,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    submission = submit_recording(world.trainee, world.module)
    markers = markers_of(submission)
    with django_capture_on_commit_callbacks(execute=True):
        mark(submission, markers["first"], "revision_requested", level="approaching")
    assert not [m for m in mailoutbox if world.trainee.email in m.to]
    with django_capture_on_commit_callbacks(execute=True):
        mark(submission, markers["second"], "revision_requested", level="approaching")
    (notice,) = [m for m in mailoutbox if world.trainee.email in m.to]
    assert notice.subject == "Revision requested: Recorded session"


def test_overdue_task_tells_the_lead_once(
    world,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    submission = submit_recording(world.trainee, world.module)
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=settings.GRADING_TURNAROUND_DAYS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert grading_overdue_notices.delay().get() == 1
        assert grading_overdue_notices.delay().get() == 0
    (notice,) = [m for m in mailoutbox if m.subject.startswith("Grading overdue")]
    assert notice.to == [world.lead.email]
    assert "Nightingale" not in notice.subject + notice.body  # blind work stays anonymous
    assert "courses.grading_overdue_notices" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
