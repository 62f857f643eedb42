import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.grading import selectors, services
from courses.grading.models import (
    EvaluationCredit,
    Grade,
    QuizAttempt,
    Submission,
    SubmissionVersion,
)
from courses.models import BlockProgress, Enrolment
from courses.services import block_mark_done, enrolment_create, module_complete
from credentials.models import AssessmentResult
from lms.models import Credential, Role
from tests.factories.courses import make_cohort
from tests.factories.grading import TRANSCRIPT, graded_module, recording, transcript
from tests.factories.people import make_trainer
from tests.factories.records import make_mentor_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(trainee):
    programme, module = graded_module()
    assessor = make_trainer(credential_held=Credential.PCC)
    cohort = make_cohort(programme=programme, trainers=[assessor])
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    return module, assessor


def submit_recording(trainee, module, **overrides):
    arguments = {
        "recording": recording(),
        "transcript": transcript(),
        "consent": True,
        **overrides,
    }
    return services.submission_submit(trainee=trainee, module=module, block_id="rec", **arguments)


def full_scores(submission, level="meets"):
    levels = {c.pk: level for c in submission.rubric.criteria.all() if not c.is_marker}
    return {
        "levels": levels,
        "comments": {},
        "competency_feedback": {3: "Clear agreement."},
        "overall_feedback": "Well done.",
    }


def observe_half_of_each_competency(submission, assessor):
    seen = set()
    for criterion in submission.rubric.criteria.filter(kind="marker").order_by("sort_order"):
        if criterion.competency not in seen or criterion.sort_order % 2:
            services.observation_record(
                submission=submission,
                assessor=assessor,
                criterion_id=criterion.pk,
                line_number=4,
                observed=True,
            )
            seen.add(criterion.competency)


def test_every_problem_reported_at_once_and_nothing_kept(setup, trainee, settings):
    module, _ = setup
    bad_transcript = transcript("Coach: hi\n[00:00:05] Client: hello\nNarrator: x\n")
    with pytest.raises(ValidationError) as error:
        submit_recording(
            trainee,
            module,
            recording=recording(minutes=5),
            transcript=bad_transcript,
            consent=False,
        )
    messages = error.value.messages
    assert any("written permission" in m for m in messages)
    assert any("00:05:00 long" in m for m in messages)
    assert any(m.startswith("Line 1:") for m in messages)
    assert any(m.startswith("Line 3:") for m in messages)
    assert not Submission.objects.exists()
    import pathlib

    assert not list(pathlib.Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.*"))


def test_pdf_transcript_refused(setup, trainee):
    module, _ = setup
    pdf = SimpleUploadedFile("t.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf")
    with pytest.raises(ValidationError, match="ICF does not accept PDF transcripts"):
        submit_recording(trainee, module, transcript=pdf)


def test_renamed_file_is_checked_by_content(setup, trainee):
    module, _ = setup
    fake = SimpleUploadedFile("session.mp3", b"just some text, not audio", "audio/mpeg")
    with pytest.raises(ValidationError, match="must be an audio or video file"):
        submit_recording(trainee, module, recording=fake)


def test_size_limit_is_configurable(setup, trainee, settings):
    module, _ = setup
    settings.GRADING_MAX_RECORDING_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than 0 MB"):
        submit_recording(trainee, module)


def test_docx_transcript_is_read(setup, trainee):
    import io
    import zipfile

    module, _ = setup
    paragraphs = "".join(
        f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in TRANSCRIPT.splitlines()
    )
    xml = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    docx = SimpleUploadedFile("t.docx", buffer.getvalue())
    submission = submit_recording(trainee, module, transcript=docx)
    assert len(submission.versions.get().transcript_lines) == 5


def test_submission_is_allocated_and_moves_through_the_map(setup, trainee):
    module, assessor = setup
    submission = submit_recording(trainee, module)
    assert submission.status == "submitted"
    assert submission.assessor == assessor
    version = submission.versions.get()
    assert version.duration_seconds == 1500
    assert version.transcript_lines[0]["speaker"] == "coach"
    services.submission_claim(submission=submission, assessor=assessor)
    services.grade_record(
        submission=submission,
        assessor=assessor,
        decision="revision_requested",
        **full_scores(submission, "approaching"),
    )
    resubmitted = submit_recording(trainee, module)
    assert resubmitted.status == "resubmitted"
    assert SubmissionVersion.objects.filter(submission=submission).count() == 2
    assert Grade.objects.filter(version__number=1).count() == 1
    assert [(e.from_status, e.to_status) for e in submission.events.all()] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "revision_requested"),
        ("revision_requested", "resubmitted"),
    ]


def test_waiting_work_cannot_be_resubmitted(setup, trainee):
    module, _ = setup
    submit_recording(trainee, module)
    with pytest.raises(ValidationError, match="waiting for its grade"):
        submit_recording(trainee, module)


def test_pass_completes_block_counts_once_and_refuses_resubmission(setup, trainee):
    module, assessor = setup
    submission = submit_recording(trainee, module)
    with pytest.raises(ValidationError, match="done once your work has passed"):
        block_mark_done(trainee=trainee, module=module, block_id="rec")
    with pytest.raises(ValidationError, match="Get your performance evaluation passed"):
        module_complete(trainee=trainee, module=module)
    services.submission_claim(submission=submission, assessor=assessor)
    with pytest.raises(ValidationError, match="pass rule"):
        services.grade_record(
            submission=submission, assessor=assessor, decision="passed", **full_scores(submission)
        )
    submission.refresh_from_db()
    observe_half_of_each_competency(submission, assessor)
    grade = services.grade_record(
        submission=submission, assessor=assessor, decision="passed", **full_scores(submission)
    )
    assert BlockProgress.objects.filter(trainee=trainee, block_id="rec").exists()
    credit = EvaluationCredit.objects.get()
    assert credit.level == "PCC"
    assert credit.assessment_result.passed
    with pytest.raises(ValidationError, match="has passed: it cannot be resubmitted"):
        submit_recording(trainee, module)
    # A regrade keeps the old grade and never counts twice.
    failed = services.grade_change(
        grade=grade,
        assessor=assessor,
        decision="failed",
        reason="Misheard a marker.",
        **full_scores(submission, "approaching"),
    )
    assert not AssessmentResult.objects.get().passed
    passed_again = services.grade_change(
        grade=failed,
        assessor=assessor,
        decision="passed",
        reason="Second listen.",
        **full_scores(submission),
    )
    assert AssessmentResult.objects.filter(passed=True).count() == 1
    assert EvaluationCredit.objects.count() == 1
    assert passed_again.replaces.replaces == grade


def test_same_recording_never_counts_twice_in_the_database(setup, trainee):
    from django.db import IntegrityError, transaction

    module, assessor = setup
    submission = _pass(trainee, module, assessor)
    credit = EvaluationCredit.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationCredit.objects.create(
            trainee=trainee,
            recording_sha256=credit.recording_sha256,
            submission=submission,
            level="PCC",
            assessment_result=AssessmentResult.objects.create(
                trainee=trainee, kind="performance_evaluation", date="2026-01-02", passed=True
            ),
        )


def test_concurrent_decisions_one_wins(setup, trainee):
    module, assessor = setup
    submission = submit_recording(trainee, module)
    services.submission_claim(submission=submission, assessor=assessor)
    stale = Submission.objects.get(pk=submission.pk)
    services.grade_record(
        submission=submission,
        assessor=assessor,
        decision="revision_requested",
        **full_scores(submission),
    )
    with pytest.raises(ValidationError, match="Someone else changed this"):
        services.grade_record(
            submission=stale, assessor=assessor, decision="failed", **full_scores(stale)
        )
    assert Grade.objects.count() == 1


def test_mentor_and_lower_credential_may_not_grade(setup, trainee):
    module, assessor = setup
    submission = submit_recording(trainee, module)
    acc_trainer = make_trainer(credential_held=Credential.ACC)
    submission.cohort.trainers.add(acc_trainer)
    with pytest.raises(PermissionError):
        services.submission_claim(submission=submission, assessor=acc_trainer)
    assessor.groups.add(Group.objects.get(name=Role.MENTOR))
    make_mentor_session(trainee=trainee, mentor=assessor)
    assert not selectors.may_grade_submission(user=assessor, submission=submission)
    assert selectors.grading_queue(user=assessor) == []
    with pytest.raises(PermissionError):
        services.submission_claim(submission=submission, assessor=assessor)


def test_round_robin_allocation_within_cohort(trainee):
    from tests.factories.people import make_trainee

    programme, module = graded_module()
    first = make_trainer(credential_held=Credential.MCC)
    second = make_trainer(credential_held=Credential.MCC)
    cohort = make_cohort(programme=programme, trainers=[first, second])
    assessors = []
    for _ in range(4):
        someone = make_trainee()
        Enrolment.objects.create(trainee=someone, programme=programme, cohort=cohort)
        assessors.append(submit_recording(someone, module).assessor)
    assert assessors == [first, second, first, second]


def test_quiz_auto_graded_with_attempt_limit(setup, trainee):
    module, _ = setup
    attempt = services.quiz_attempt_submit(
        trainee=trainee, module=module, block_id="quiz", answers=[0, 1]
    )
    assert (attempt.score_percent, attempt.passed) == (0, False)
    services.quiz_attempt_submit(trainee=trainee, module=module, block_id="quiz", answers=[0, 1])
    with pytest.raises(ValidationError, match="all 2 attempts"):
        services.quiz_attempt_submit(
            trainee=trainee, module=module, block_id="quiz", answers=[1, 0]
        )
    assert QuizAttempt.objects.count() == 2
    assert BlockProgress.objects.filter(block_id="quiz").count() == 0


def test_quiz_pass_marks_block_done(setup, trainee):
    module, _ = setup
    attempt = services.quiz_attempt_submit(
        trainee=trainee, module=module, block_id="quiz", answers=[1, 0]
    )
    assert attempt.passed
    assert BlockProgress.objects.filter(block_id="quiz").exists()


def test_written_assignment_needs_an_answer(setup, trainee):
    module, _ = setup
    with pytest.raises(ValidationError, match="Write your answer"):
        services.submission_submit(trainee=trainee, module=module, block_id="essay", text=" ")
    submission = services.submission_submit(
        trainee=trainee, module=module, block_id="essay", text="My reflection."
    )
    assert submission.level_assessed == "none"


def test_illegal_moves_are_refused_clearly(setup, trainee):
    module, assessor = setup
    submission = _pass(trainee, module, assessor)
    with pytest.raises(ValidationError, match="“passed”, so it cannot become “in review”"):
        services.submission_claim(submission=submission, assessor=assessor)
    assert submission.events.count() == 4


def test_attempt_numbers_are_unique_in_the_database(setup, trainee):
    from django.db import IntegrityError, transaction

    module, _ = setup
    services.quiz_attempt_submit(trainee=trainee, module=module, block_id="quiz", answers=[0, 1])
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizAttempt.objects.create(
            trainee=trainee,
            module=module,
            block_id="quiz",
            number=1,
            score_percent=0,
            passed=False,
        )


def _pass(trainee, module, assessor):
    submission = submit_recording(trainee, module)
    services.submission_claim(submission=submission, assessor=assessor)
    observe_half_of_each_competency(submission, assessor)
    services.grade_record(
        submission=submission, assessor=assessor, decision="passed", **full_scores(submission)
    )
    return submission


def test_module_completes_once_the_work_has_passed(setup, trainee):
    module, assessor = setup
    _pass(trainee, module, assessor)
    services.quiz_attempt_submit(trainee=trainee, module=module, block_id="quiz", answers=[1, 0])
    essay = services.submission_submit(
        trainee=trainee, module=module, block_id="essay", text="My reflection."
    )
    with pytest.raises(ValidationError, match="Get your assignment passed"):
        module_complete(trainee=trainee, module=module)
    services.submission_claim(submission=essay, assessor=assessor)
    services.grade_record(
        submission=essay, assessor=assessor, decision="passed", **full_scores(essay)
    )
    completion = module_complete(trainee=trainee, module=module)
    assert completion.education_hours == module.education_hours
