"""Blind grading and moderation of performance evaluations by two independent markers."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.grading import moderation
from courses.grading.models import EvaluationCredit, Grade, ModerationMark, Submission
from courses.services import enrolment_create
from lms.models import Credential, Role
from tests.courses.grading.test_services import (
    full_scores,
    observe_half_of_each_competency,
    submit_recording,
)
from tests.factories.courses import make_cohort
from tests.factories.grading import graded_module
from tests.factories.people import make_trainee, make_trainer
from tests.factories.records import make_mentor_session

pytestmark = pytest.mark.django_db


class World:
    pass


@pytest.fixture
def world():
    w = World()
    w.programme, w.module = graded_module(blind=True, moderated=True, moderation_threshold=10)
    w.trainee = make_trainee(first_name="Florence", last_name="Nightingale")
    w.first = make_trainer(first_name="Helen", last_name="Marsh", credential_held=Credential.PCC)
    w.second = make_trainer(first_name="Ivor", last_name="Lamb", credential_held=Credential.MCC)
    w.lead = make_trainer(first_name="Lena", last_name="Lead", credential_held=Credential.MCC)
    w.junior = make_trainer(first_name="Jo", last_name="Junior", credential_held=Credential.ACC)
    w.mentor = make_trainer(first_name="Mo", last_name="Mentor", credential_held=Credential.MCC)
    w.mentor.groups.add(Group.objects.get(name=Role.MENTOR))
    make_mentor_session(trainee=w.trainee, mentor=w.mentor)
    w.cohort = make_cohort(
        programme=w.programme, trainers=[w.first, w.second, w.lead, w.junior, w.mentor]
    )
    w.cohort.lead_trainer = w.lead
    w.cohort.save()
    enrolment_create(
        trainee=w.trainee, programme=w.programme, invitation_code=w.cohort.invitation_code
    )
    return w


def markers_of(submission):
    return {m.role: m.marker for m in ModerationMark.objects.filter(submission=submission)}


def mark(submission, marker, decision, level="meets", observe=False):
    submission.refresh_from_db()
    if observe:
        observe_half_of_each_competency(submission, marker)
    return moderation.moderation_mark_record(
        submission=submission, marker=marker, decision=decision, **full_scores(submission, level)
    )


def test_two_distinct_eligible_markers_are_allocated(world):
    submission = submit_recording(world.trainee, world.module)
    markers = markers_of(submission)
    assert set(markers) == {"first", "second"}
    assert markers["first"] != markers["second"]
    # Never the ACC trainer (level PCC) nor the trainee's mentor.
    assert set(markers.values()) <= {world.first, world.second, world.lead}
    submission.refresh_from_db()
    assert submission.status == "in_moderation"
    assert list(submission.events.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "in_moderation",
    ]


def test_agreement_on_a_pass_releases_it_and_counts_once(world):
    submission = submit_recording(world.trainee, world.module)
    a, b = markers_of(submission)["first"], markers_of(submission)["second"]
    mark(submission, a, "passed", observe=True)
    submission.refresh_from_db()
    assert submission.status == "in_moderation"
    assert not Grade.objects.filter(released=True).exists()
    mark(submission, b, "passed", observe=True)
    submission.refresh_from_db()
    assert submission.status == "passed"
    assert Grade.objects.filter(released=True).count() == 2
    assert EvaluationCredit.objects.filter(trainee=world.trainee).count() == 1
    statuses = list(submission.events.values_list("to_status", flat=True))
    assert statuses[-3:] == ["in_moderation", "in_moderation", "passed"]


def test_agreement_on_a_revision_releases_the_request(world):
    submission = submit_recording(world.trainee, world.module)
    a, b = markers_of(submission)["first"], markers_of(submission)["second"]
    mark(submission, a, "revision_requested", level="approaching")
    mark(submission, b, "revision_requested", level="approaching")
    submission.refresh_from_db()
    assert submission.status == "revision_requested"
    assert not EvaluationCredit.objects.exists()


def test_disagreement_goes_to_the_lead_trainer_who_decides(world):
    submission = submit_recording(world.trainee, world.module)
    markers = markers_of(submission)
    mark(submission, markers["first"], "passed", observe=True)
    mark(submission, markers["second"], "revision_requested", level="approaching")
    submission.refresh_from_db()
    assert submission.status == "awaiting_third"
    third = markers_of(submission)["third"]
    assert third not in (markers["first"], markers["second"])
    if world.lead not in (markers["first"], markers["second"]):
        assert third == world.lead
    assert not Grade.objects.filter(released=True).exists()
    grade = mark(submission, third, "passed", observe=True)
    submission.refresh_from_db()
    assert submission.status == "passed"
    assert list(Grade.objects.filter(released=True)) == [grade]
    assert EvaluationCredit.objects.filter(trainee=world.trainee).count() == 1


def test_scores_too_far_apart_disagree_even_on_the_same_decision():
    assert moderation.marks_agree(first=("passed", 80), second=("passed", 90), threshold=10)
    assert not moderation.marks_agree(first=("passed", 70), second=("passed", 90), threshold=10)
    assert not moderation.marks_agree(
        first=("passed", 80), second=("revision_requested", 80), threshold=10
    )


def test_a_marker_cannot_mark_twice_and_nothing_changes(world):
    submission = submit_recording(world.trainee, world.module)
    a = markers_of(submission)["first"]
    mark(submission, a, "revision_requested", level="approaching")
    events = submission.events.count()
    with pytest.raises(ValidationError, match="already marked"):
        mark(submission, a, "revision_requested", level="approaching")
    assert Grade.objects.count() == 1
    assert submission.events.count() == events


def test_someone_not_allocated_may_not_mark(world):
    submission = submit_recording(world.trainee, world.module)
    outsider = (
        {world.first, world.second, world.lead} - set(markers_of(submission).values())
    ).pop()
    with pytest.raises(PermissionError):
        mark(submission, outsider, "passed")


def test_second_markers_page_hides_the_first_markers_scores(world, client):
    submission = submit_recording(world.trainee, world.module)
    a, b = markers_of(submission)["first"], markers_of(submission)["second"]
    scores = full_scores(submission, "approaching")
    scores["overall_feedback"] = "First marker's private verdict."
    moderation.moderation_mark_record(
        submission=submission, marker=a, decision="revision_requested", **scores
    )
    client.force_login(b)
    page = client.get(reverse("courses:grading_grade", args=[submission.pk])).content.decode()
    assert "First marker&#x27;s private verdict." not in page
    assert "Approaching" not in page.split('id="decision-title"')[0]
    assert "The marks show here once both markers have marked." in page
    # The trainee sees nothing either before release.
    client.force_login(world.trainee)
    url = reverse("courses:assignment", args=[world.module.pk, "rec"])
    assert "private verdict" not in client.get(url).content.decode()


def test_marking_twice_through_the_page_is_refused(world, client):
    submission = submit_recording(world.trainee, world.module)
    a = markers_of(submission)["first"]
    mark(submission, a, "revision_requested", level="approaching")
    client.force_login(a)
    criteria = submission.rubric.criteria.all()
    data = {f"level_{c.pk}": "approaching" for c in criteria if not c.is_marker}
    data |= {"overall_feedback": "Again.", "decision": "revision_requested"}
    response = client.post(reverse("courses:grading_grade", args=[submission.pk]), data)
    assert response.status_code in (400, 403)
    assert Grade.objects.count() == 1


# Blind grading ------------------------------------------------------------------------------


def test_blind_marker_sees_an_anonymous_id_until_release(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_recording(world.trainee, world.module)
    markers = markers_of(submission)
    submission.refresh_from_db()
    assert submission.anonymous_id.startswith("S-")
    client.force_login(markers["first"])
    pages = [
        client.get(reverse("courses:grading_queue")).content.decode(),
        client.get(reverse("courses:grading_grade", args=[submission.pk])).content.decode(),
    ]
    for page in pages:
        assert submission.anonymous_id in page
        assert "Nightingale" not in page and "Florence" not in page
    marker_mail = [m for m in mailoutbox if markers["first"].email in m.to]
    assert marker_mail and all("Nightingale" not in m.subject + m.body for m in marker_mail)
    mark(submission, markers["first"], "passed", observe=True)
    mark(submission, markers["second"], "passed", observe=True)
    page = client.get(reverse("courses:grading_grade", args=[submission.pk])).content.decode()
    assert "Florence Nightingale" in page


def test_anonymous_ids_differ_and_are_random(world):
    ids = {Submission(trainee=world.trainee).anonymous_id for _ in range(50)}
    assert len(ids) == 50
