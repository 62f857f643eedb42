"""Grade history, and who may see what of a submission (the permission matrix)."""

import pytest
from django.core import signing
from django.urls import reverse

from courses.grading import files, services
from courses.services import enrolment_create
from lms.models import Credential
from tests.courses.grading.test_services import (
    full_scores,
    observe_half_of_each_competency,
    submit_recording,
)
from tests.factories.courses import make_cohort
from tests.factories.grading import graded_module
from tests.factories.people import make_trainee, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    class World:
        pass

    w = World()
    w.programme, w.module = graded_module()
    w.trainer = make_trainer(credential_held=Credential.PCC)
    w.cohort = make_cohort(programme=w.programme, trainers=[w.trainer])
    w.trainee = make_trainee(first_name="Ada", last_name="Owner")
    w.other = make_trainee(first_name="Bea", last_name="Other")
    for trainee in (w.trainee, w.other):
        enrolment_create(
            trainee=trainee, programme=w.programme, invitation_code=w.cohort.invitation_code
        )
    w.submission = submit_recording(w.trainee, w.module)
    return w


def passed_then_failed(world):
    submission = world.submission
    services.submission_claim(submission=submission, assessor=world.trainer)
    observe_half_of_each_competency(submission, world.trainer)
    services.observation_record(
        submission=submission,
        assessor=world.trainer,
        criterion_id=submission.rubric.criteria.filter(kind="marker").first().pk,
        line_number=2,
        observed=False,
        comment="PRIVATE-NOTE-OF-MARKER",
    )
    first = services.grade_record(
        submission=submission, assessor=world.trainer, decision="passed", **full_scores(submission)
    )
    submission.refresh_from_db()
    services.grade_change(
        grade=first,
        assessor=world.trainer,
        decision="failed",
        reason="The recording was of a role play.",
        **full_scores(submission),
    )


def test_history_shows_every_grade_and_why_it_changed(world, client):
    passed_then_failed(world)
    history = reverse("courses:grade_history", args=[world.submission.pk])
    for person in (world.trainee, world.trainer):
        client.force_login(person)
        page = client.get(history).content.decode()
        assert "The recording was of a role play." in page
        assert page.count("<tr>") == 3  # heading and two grades
        assert "Passed" in page and "Not passed" in page


def test_history_of_someone_else_is_404(world, client):
    passed_then_failed(world)
    history = reverse("courses:grade_history", args=[world.submission.pk])
    client.force_login(world.other)
    assert client.get(history).status_code == 404
    client.force_login(make_trainer(credential_held=Credential.MCC))
    assert client.get(history).status_code == 404


def test_trainer_outside_the_cohort_gets_404_everywhere(world, client):
    outsider = make_trainer(credential_held=Credential.MCC)
    version = world.submission.versions.get()
    client.force_login(outsider)
    grade_page = reverse("courses:grading_grade", args=[world.submission.pk])
    assert client.get(grade_page).status_code == 404
    assert (
        client.post(reverse("courses:grading_claim", args=[world.submission.pk])).status_code == 404
    )
    assert grade_page not in client.get(reverse("courses:grading_queue")).content.decode()
    own_link = files.signed_file_url(version=version, which="file", user=outsider)
    assert client.get(own_link).status_code == 404


def test_trainee_cannot_see_anothers_files_or_private_notes(world, client):
    version = world.submission.versions.get()
    link = files.signed_file_url(version=version, which="transcript", user=world.other)
    client.force_login(world.other)
    assert client.get(link).status_code == 404
    assert client.get(reverse("courses:grading_grade", args=[world.submission.pk])).status_code in (
        403,
        404,
    )
    # The marker's notes before release stay with markers; the trainee's own page shows none.
    services.submission_claim(submission=world.submission, assessor=world.trainer)
    services.observation_record(
        submission=world.submission,
        assessor=world.trainer,
        criterion_id=world.submission.rubric.criteria.filter(kind="marker").first().pk,
        line_number=2,
        observed=False,
        comment="PRIVATE-NOTE-OF-MARKER",
    )
    client.force_login(world.trainee)
    page = client.get(reverse("courses:assignment", args=[world.module.pk, "rec"]))
    assert "PRIVATE-NOTE-OF-MARKER" not in page.content.decode()


def test_signed_link_is_bound_to_its_user_and_expires(world, client, settings):
    version = world.submission.versions.get()
    link = files.signed_file_url(version=version, which="file", user=world.trainee)
    client.force_login(world.trainer)
    assert client.get(link).status_code == 404  # made for the trainee, not for the trainer
    client.force_login(world.trainee)
    assert client.get(link).status_code == 200
    settings.GRADING_LINK_SECONDS = -1
    response = client.get(link)
    assert response.status_code == 403
    assert files.EXPIRED_MESSAGE in response.content.decode()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(signing.SignatureExpired):
        files.unsign(token)
