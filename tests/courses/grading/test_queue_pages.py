"""The grading queue comes in pages of 50, and its filters read assignments from the pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.grading.models import Submission
from tests.factories.courses import enrol_many_trainees, make_cohort
from tests.factories.grading import graded_module, reflective_rubric
from tests.factories.people import make_trainer

pytestmark = pytest.mark.django_db


def test_queue_pages_of_fifty_with_next_and_previous(client):
    programme, module = graded_module()
    trainer = make_trainer()
    cohort = make_cohort(programme=programme, trainers=[trainer])
    trainees = enrol_many_trainees(cohort=cohort, count=51)
    Submission.objects.bulk_create(
        Submission(
            trainee=trainee,
            module=module,
            block_id="essay",
            cohort=cohort,
            kind="written_assignment",
            title="Reflective essay",
            rubric=reflective_rubric(),
            status="submitted",
            submitted_at=timezone.now(),
        )
        for trainee in trainees
    )
    client.force_login(trainer)
    first = client.get(reverse("courses:grading_queue")).content.decode()
    assert first.count("<tr>") == 51  # heading and 50 rows
    assert "page=2" in first and "Next page" in first
    assert '<option value="essay"' in first  # the filter lists the programme's assignments
    second = client.get(reverse("courses:grading_queue") + "?page=2").content.decode()
    assert second.count("<tr>") == 2
    assert "Previous page" in second and "Next page" not in second
