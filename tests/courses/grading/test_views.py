import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.grading import services
from courses.grading.models import Submission
from courses.models import Enrolment
from courses.services import enrolment_create
from lms.models import Credential
from tests.factories.courses import make_cohort
from tests.factories.grading import graded_module, recording, transcript
from tests.factories.people import make_trainee, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(trainee):
    programme, module = graded_module()
    assessor = make_trainer(credential_held=Credential.PCC)
    cohort = make_cohort(programme=programme, trainers=[assessor])
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    return module, assessor, cohort


def _submit(trainee, module):
    return services.submission_submit(
        trainee=trainee,
        module=module,
        block_id="rec",
        recording=recording(),
        transcript=transcript(),
        consent=True,
    )


def test_trainee_sees_every_problem_on_the_page(client, setup, trainee):
    module, _, _ = setup
    client.force_login(trainee)
    url = reverse("courses:assignment", args=[module.pk, "rec"])
    response = client.post(
        url,
        {"recording": recording(minutes=3), "transcript": transcript("Hello\nCoach: hi\n")},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "written permission" in text
    assert "00:03:00 long" in text
    assert "Line 1:" in text and "Line 2:" in text
    assert not Submission.objects.exists()


def test_submit_then_file_only_through_signed_link(client, setup, trainee, settings):
    module, _, _ = setup
    client.force_login(trainee)
    url = reverse("courses:assignment", args=[module.pk, "rec"])
    response = client.post(
        url, {"recording": recording(), "transcript": transcript(), "consent": "on"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "<audio" in page
    version = Submission.objects.get().versions.get()
    assert settings.MEDIA_ROOT not in version.file.path
    from courses.grading.files import signed_file_url

    link = signed_file_url(version=version, which="file", user=trainee)
    assert link in page
    served = client.get(link, HTTP_RANGE="bytes=0-99")
    assert served.status_code == 206
    assert served["Content-Range"].startswith("bytes 0-99/")
    assert served["Cache-Control"] == "private, no-store"
    # Someone else, even with the link, gets nothing; a tampered link neither.
    other = make_trainee()
    client.force_login(other)
    assert client.get(link).status_code == 404
    assert client.get(signed_file_url(version=version, which="file", user=other)).status_code == 404
    client.force_login(trainee)
    assert client.get(link[:-3] + "abc/").status_code == 404
    settings.GRADING_LINK_SECONDS = -1
    assert client.get(link).status_code == 403


def test_queue_grade_and_feedback_moments(client, setup, trainee):
    module, assessor, _ = setup
    submission = _submit(trainee, module)
    client.force_login(assessor)
    queue = client.get(reverse("courses:grading_queue"))
    assert submission.title in queue.content.decode()
    grade_url = reverse("courses:grading_grade", args=[submission.pk])
    assert client.post(reverse("courses:grading_claim", args=[submission.pk])).status_code == 302
    marker = submission.rubric.criteria.filter(kind="marker").first()
    response = client.post(
        reverse("courses:grading_observation_add", args=[submission.pk]),
        {"line_number": 4, "criterion": marker.pk, "observed": "1", "comment": "Nice."},
    )
    assert response.status_code == 302
    page = client.get(grade_url).content.decode()
    assert 'data-seconds="70"' in page
    levels = {
        f"level_{c.pk}": "approaching" for c in submission.rubric.criteria.all() if not c.is_marker
    }
    refused = client.post(grade_url, {**levels, "overall_feedback": "Good.", "decision": "passed"})
    assert refused.status_code == 400
    assert "pass rule" in refused.content.decode()
    response = client.post(
        grade_url,
        {
            **levels,
            "overall_feedback": "Try again.",
            "decision": "revision_requested",
            "competency_3": "Agree the outcome.",
        },
    )
    assert response.status_code == 302
    client.force_login(trainee)
    feedback = client.get(reverse("courses:assignment", args=[module.pk, "rec"])).content.decode()
    assert "Try again." in feedback and "Agree the outcome." in feedback
    assert 'data-seconds="70"' in feedback and "seek.js" in feedback
    assert "<script>" not in feedback


def test_other_trainer_gets_404_and_trainee_403(client, setup, trainee):
    module, _, _ = setup
    submission = _submit(trainee, module)
    client.force_login(make_trainer(credential_held=Credential.MCC))
    assert client.get(reverse("courses:grading_grade", args=[submission.pk])).status_code == 404
    client.force_login(trainee)
    assert client.get(reverse("courses:grading_queue")).status_code == 403


def test_quiz_page(client, setup, trainee):
    module, _, _ = setup
    client.force_login(trainee)
    url = reverse("courses:quiz", args=[module.pk, "quiz"])
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"q0": "1", "q1": "0"}).status_code == 302
    assert "You passed this quiz" in client.get(url).content.decode()


def _queue_queries(client, assessor) -> int:
    client.force_login(assessor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("courses:grading_queue")).status_code == 200
    return len(queries)


def test_queue_query_count_does_not_grow(client, setup, trainee):
    module, assessor, cohort = setup
    programme = cohort.programme
    people = [make_trainee() for _ in range(12)]
    for person in people[:2]:
        Enrolment.objects.create(trainee=person, programme=programme, cohort=cohort)
        _submit(person, module)
    few = _queue_queries(client, assessor)
    for person in people[2:]:
        Enrolment.objects.create(trainee=person, programme=programme, cohort=cohort)
        _submit(person, module)
    assert _queue_queries(client, assessor) == few
    assert few <= 12


def test_module_page_links_to_assignment_instead_of_mark_done(client, setup, trainee):
    module, _, _ = setup
    client.force_login(trainee)
    page = client.get(module.url).content.decode()
    assert reverse("courses:assignment", args=[module.pk, "rec"]) in page
    assert reverse("courses:quiz", args=[module.pk, "quiz"]) in page
    assert reverse("courses:block_done", args=[module.pk, "rec"]) not in page


def test_trainer_dashboard_starts_with_the_queue(client, setup, trainee):
    from datetime import timedelta

    from django.utils import timezone

    module, assessor, _ = setup
    submission = _submit(trainee, module)
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=timezone.now() - timedelta(days=8)
    )
    client.force_login(assessor)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1</strong> submission waits" in page
    assert "1 overdue" in page
    assert page.index("grading-title") < page.index("registers-title")


def test_demo_has_a_recording_waiting_for_the_demo_trainer(client):
    from courses.grading.demo import DEMO_BLOCK_ID
    from lms.demo import demo_seed
    from lms.models import User

    demo_seed()
    demo_seed()  # idempotent
    submission = Submission.objects.get(block_id=DEMO_BLOCK_ID)
    version = submission.versions.get()
    assert version.duration_seconds == 21 * 60
    assert len(version.transcript_lines) == 15
    trainer = User.objects.get(email="trainer@demo.coach")
    assert submission.assessor == trainer
    client.force_login(trainer)
    assert submission.title in client.get(reverse("courses:grading_queue")).content.decode()


def test_changing_a_grade_keeps_the_old_one_and_the_reason(client, setup, trainee):
    module, assessor, _ = setup
    essay = services.submission_submit(
        trainee=trainee, module=module, block_id="essay", text="My reflection."
    )
    services.submission_claim(submission=essay, assessor=assessor)
    levels = {f"level_{c.pk}": "meets" for c in essay.rubric.criteria.all()}
    client.force_login(assessor)
    url = reverse("courses:grading_grade", args=[essay.pk])
    assert (
        client.post(url, {**levels, "overall_feedback": "Good.", "decision": "passed"}).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert "Change the grade" in page
    low = {key: "not_yet" for key in levels}
    refused = client.post(url, {**low, "overall_feedback": "Thin.", "decision": "failed"})
    assert refused.status_code == 400
    assert "Say why the grade is changed." in refused.content.decode()
    changed = client.post(
        url, {**low, "overall_feedback": "Thin.", "decision": "failed", "reason": "Copied text."}
    )
    assert changed.status_code == 302
    client.force_login(trainee)
    feedback = client.get(reverse("courses:assignment", args=[module.pk, "essay"])).content.decode()
    assert "Replaced by a later grade." in feedback
    assert "Copied text." in feedback and "Good." in feedback
