"""Celery tasks of the courses app. Each calls a service and is idempotent."""

from celery import shared_task

from courses.grading import notifications


@shared_task(name="courses.grading_overdue_notices")
def grading_overdue_notices() -> int:
    return notifications.overdue_notices_send()
