"""A performance evaluation from recording to credential, clicked through in Chromium.

The trainee sends a recording (the demo generator's WAV) and its transcript; the first marker
grades it against the rubric, anchors two markers to transcript lines and asks for a revision,
the second marker agrees; the trainee reads the feedback and plays from a marked moment, then
sends a new version; both markers pass it and the trainee's credential progress counts it.
"""

import re

import pytest
from playwright.sync_api import expect

from courses.grading.models import ModerationMark, Submission
from courses.services import enrolment_create
from credentials import selectors as credential_selectors
from lms.models import Credential
from tests.courses.grading.test_services import observe_half_of_each_competency
from tests.e2e.test_learning_journey import sign_in
from tests.factories.courses import make_cohort
from tests.factories.grading import TRANSCRIPT, graded_module
from tests.factories.people import make_trainee, make_trainer

pytestmark = pytest.mark.django_db(transaction=True)


def send_work(web, module, tmp_path, version: int):
    from courses.grading.demo import wav_bytes

    recording = tmp_path / f"session-{version}.wav"
    recording.write_bytes(wav_bytes(seconds=21 * 60))
    transcript = tmp_path / f"transcript-{version}.txt"
    transcript.write_text(TRANSCRIPT)
    web.goto(f"/modules/{module.pk}/assignments/rec/")
    web.page.get_by_label("Recording of the session").set_input_files(str(recording))
    web.page.get_by_label("Transcript (.docx or .txt)").set_input_files(str(transcript))
    web.page.get_by_label(re.compile("My client gave me written permission")).check()
    web.page.get_by_role("button", name=re.compile("Send")).click()
    expect(web.page.get_by_text("Your work is sent")).to_be_visible()
    web.check()


def mark_in_browser(web, submission, level: str, decision: str, feedback: str):
    web.goto(f"/grading/{submission.pk}/")
    for criterion in submission.rubric.criteria.filter(kind="level"):
        web.page.get_by_label(criterion.title, exact=True).select_option(level)
    web.page.get_by_label("Overall feedback").fill(feedback)
    web.page.get_by_label(decision, exact=True).check()
    web.page.get_by_role("button", name=re.compile("Save")).click()
    web.check()


def test_recording_graded_revised_moderated_and_counted(web, tmp_path):
    programme, module = graded_module(moderated=True, blind=False)
    first = make_trainer(first_name="Helen", last_name="Marsh", credential_held=Credential.PCC)
    second = make_trainer(first_name="Ivor", last_name="Lamb", credential_held=Credential.MCC)
    cohort = make_cohort(programme=programme, trainers=[first, second])
    trainee = make_trainee(first_name="Grace", last_name="Hopper")
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)

    # The trainee sends the recording and its transcript.
    sign_in(web, trainee.email)
    send_work(web, module, tmp_path, version=1)
    submission = Submission.objects.get(trainee=trainee)
    markers = {m.role: m.marker for m in ModerationMark.objects.filter(submission=submission)}
    first, second = markers["first"], markers["second"]

    # The first marker anchors two markers to transcript lines and asks for a revision.
    web.page.context.clear_cookies()
    sign_in(web, first.email)
    web.goto(f"/grading/{submission.pk}/")
    for line, marker in ((1, 0), (4, 1)):
        web.page.get_by_label("Transcript line", exact=True).select_option(str(line))
        options = web.page.get_by_label("Marker", exact=True).locator("option")
        web.page.get_by_label("Marker", exact=True).select_option(index=marker)
        assert options.count() > 1
        web.page.get_by_label("Comment", exact=True).fill(f"Seen at line {line}.")
        web.page.get_by_role("button", name="Record").click()
        web.check()
    expect(web.page.locator("ol.moments li")).to_have_count(2)
    mark_in_browser(web, submission, "approaching", "Request a revision", "Agree the goal first.")
    expect(web.page.get_by_text("Your mark is saved")).to_be_visible()

    # The second marker does not see the first mark, and agrees.
    web.page.context.clear_cookies()
    sign_in(web, second.email)
    web.goto(f"/grading/{submission.pk}/")
    expect(web.page.get_by_text("Agree the goal first.")).to_have_count(0)
    mark_in_browser(web, submission, "approaching", "Request a revision", "Contract unclear.")
    submission.refresh_from_db()
    assert submission.status == "revision_requested"

    # The trainee reads the feedback and plays from a marked moment.
    web.page.context.clear_cookies()
    sign_in(web, trainee.email)
    web.goto(f"/modules/{module.pk}/assignments/rec/")
    expect(web.page.get_by_text("Agree the goal first.")).to_be_visible()
    web.page.get_by_role("button", name=re.compile("play from here")).last.click()
    player = web.page.locator("audio.recording-player").first
    web.page.wait_for_function(
        "el => el.currentTime >= 70", arg=player.element_handle(), timeout=15_000
    )

    # A new version, then both markers pass it.
    send_work(web, module, tmp_path, version=2)
    submission.refresh_from_db()
    assert submission.status == "in_moderation"
    for marker in (first, second):
        observe_half_of_each_competency(submission, marker)
        web.page.context.clear_cookies()
        sign_in(web, marker.email)
        mark_in_browser(web, submission, "meets", "Pass", "A clear agreement this time.")
    submission.refresh_from_db()
    assert submission.status == "passed"

    # The trainee's credential progress counts the evaluation.
    web.page.context.clear_cookies()
    sign_in(web, trainee.email)
    web.goto("/progress/?pathway=pcc")
    progress = credential_selectors.trainee_progress(
        trainee=trainee, pathway_code="pcc", as_of=credential_selectors.trainee_today(trainee)
    )
    (evaluation,) = [
        r for r in progress.evaluation.requirements if r.code == "performance_evaluation"
    ]
    assert evaluation.achieved == 1
    expect(web.page.get_by_text(evaluation.detail).first).to_be_visible()
