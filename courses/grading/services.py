"""Writes of grading: submitting work, quiz attempts, allocation, observations and grades.

Submissions move only through SUBMISSION_MACHINE (lms.transitions), so every change is an event
row and of two people acting at once one wins and the other is told.
"""

import hashlib
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from courses import selectors as course_selectors
from courses import services as course_services
from courses.grading import notifications, rules, selectors, uploads
from courses.grading.models import (
    DECISIONS,
    SUBMISSION_MACHINE,
    CompetencyFeedback,
    CriterionScore,
    EvaluationCredit,
    Grade,
    MarkerObservation,
    QuizAttempt,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    SubmissionVersion,
)
from courses.models import ModulePage
from credentials import services as credential_services
from lms import policies
from lms.models import User
from lms.transitions import status_record_created, status_transition

S = SubmissionStatus


def _enrolment(*, trainee: User, module: ModulePage):
    programme = course_selectors.programme_of_module(module=module)
    enrolment = programme and course_selectors.enrolment_of(trainee=trainee, programme=programme)
    if not enrolment:
        raise ValidationError("Enrol in this programme before working on its modules.")
    return enrolment


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _checked_recording(*, assignment, recording, transcript, consent: bool) -> dict:
    """Everything about a recording and its transcript, or every problem at once."""
    problems, fields = [], {}
    if not consent:
        problems.append("Declare that your client gave written permission to record the session.")
    if recording is None:
        problems.append("Choose the recording of your session.")
    else:
        checked = uploads.recording_check(recording)
        problems += checked.problems
        if not checked.problems:
            seconds = uploads.recording_seconds(recording)
            if seconds is None:
                problems.append("The length of the recording could not be read. Export it again.")
            elif problem := rules.duration_problem(
                seconds, min_minutes=assignment.min_minutes, max_minutes=assignment.max_minutes
            ):
                problems.append(problem)
            fields.update(
                file_type=checked.mime_type,
                duration_seconds=int(seconds) if seconds else None,
                file_sha256=_sha256(recording),
            )
    if transcript is None:
        problems.append("Choose the transcript of your session (.docx or .txt).")
    else:
        text, transcript_problems = uploads.transcript_text(transcript)
        problems += transcript_problems
        if not transcript_problems:
            lines, line_problems = rules.transcript_check(
                text, recording_seconds=fields.get("duration_seconds")
            )
            problems += line_problems
            fields["transcript_lines"] = [asdict(line) for line in lines]
    if problems:
        raise ValidationError(problems)
    return fields


def _checked_written(*, assignment, text: str, document) -> dict:
    problems, fields = [], {}
    if document is not None:
        checked = uploads.document_check(document)
        problems += checked.problems
        fields.update(file_type=checked.mime_type)
        if not checked.problems:
            fields["file_sha256"] = _sha256(document)
    if assignment.answer == "text" and document is not None:
        problems.append("This assignment takes a written answer, not a document.")
    if assignment.answer == "file" and document is None:
        problems.append("Choose the document with your answer.")
    if assignment.answer != "file" and document is None and not text.strip():
        problems.append("Write your answer before sending it.")
    if problems:
        raise ValidationError(problems)
    return fields


@transaction.atomic
def submission_submit(
    *,
    trainee: User,
    module: ModulePage,
    block_id: str,
    text: str = "",
    document=None,
    recording=None,
    transcript=None,
    consent: bool = False,
) -> Submission:
    """Hand in work for a graded block, or a new version after a revision was requested.

    Every problem (files, length, transcript lines, consent) is reported at once, and nothing
    is saved unless all is well.
    """
    assignment = selectors.assignment_of(module=module, block_id=block_id)
    if assignment is None or assignment.block_type == "quiz":
        raise ValidationError("That assignment does not exist. Reload the page and try again.")
    enrolment = _enrolment(trainee=trainee, module=module)
    submission = (
        Submission.objects.select_for_update()
        .filter(trainee=trainee, module=module, block_id=block_id)
        .first()
    )
    if submission is not None and not SUBMISSION_MACHINE.allows(submission.status, S.RESUBMITTED):
        if submission.status == S.PASSED:
            raise ValidationError("This work has passed: it cannot be resubmitted.")
        raise ValidationError(
            "Your work is waiting for its grade. You can send a new version if your trainer "
            "asks for one."
        )
    is_recording = assignment.block_type == SubmissionKind.RECORDING
    if is_recording:
        fields = _checked_recording(
            assignment=assignment, recording=recording, transcript=transcript, consent=consent
        )
        upload = recording
    else:
        fields = _checked_written(assignment=assignment, text=text, document=document)
        upload = document
    now = timezone.now()
    if submission is None:
        submission = Submission(
            trainee=trainee,
            module=module,
            block_id=block_id,
            cohort=enrolment.cohort,
            kind=assignment.block_type,
            title=assignment.title,
            rubric=assignment.rubric,
            level_assessed=assignment.level if is_recording else "none",
            blind=assignment.blind,
            moderated=assignment.moderated,
            moderation_threshold=assignment.moderation_threshold,
        )
        submission.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                submission.save()
        except IntegrityError:
            raise ValidationError("This work was just sent from another window.") from None
        status_record_created(record=submission, machine=SUBMISSION_MACHINE, actor=trainee)
        to_status = S.SUBMITTED
    else:
        to_status = S.RESUBMITTED
    number = (submission.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = SubmissionVersion(
        submission=submission,
        number=number,
        text=text.strip(),
        consent_declared=consent,
        file_name=(upload.name if upload else "")[:255],
        **fields,
    )
    if upload is not None:
        version.file.save(upload.name, upload, save=False)
    if is_recording:
        version.transcript.save(transcript.name, transcript, save=False)
    # A file written before a failure below is removed again, so a refusal keeps nothing.
    try:
        version.full_clean(validate_constraints=False)
        version.save()
        status_transition(
            record=submission,
            machine=SUBMISSION_MACHINE,
            to_status=to_status,
            actor=trainee,
            changes={"submitted_at": now},
        )
    except Exception:
        _delete_files(version)
        raise
    submission_allocate(submission=submission)
    notifications.submission_waiting(submission=submission)
    return submission


def _delete_files(version: SubmissionVersion) -> None:
    for field in (version.file, version.transcript):
        if field.name:
            field.storage.delete(field.name)


def _assessor_candidates(submission: Submission) -> list[User]:
    if submission.cohort_id is None:
        return []
    return [
        trainer
        for trainer in submission.cohort.trainers.all()
        if policies.may_grade(
            trainer,
            trains_cohort=True,
            level_assessed=submission.level_assessed,
            mentors_trainee=selectors.mentors(mentor=trainer, trainee=submission.trainee),
        )
    ]


@transaction.atomic
def submission_allocate(*, submission: Submission) -> User | None:
    """Give an unclaimed submission to the next of its cohort's trainers who may grade it,
    round-robin after whoever was given the cohort's last one. A moderated one goes to two
    markers (courses.grading.moderation)."""
    if submission.moderated:
        from courses.grading import moderation  # it builds on this module

        return moderation.moderation_allocate(submission=submission)
    if submission.assessor_id is not None:
        return submission.assessor
    candidates = {trainer.pk: trainer for trainer in _assessor_candidates(submission)}
    last = (
        Submission.objects.filter(cohort=submission.cohort_id, allocated_at__isnull=False)
        .exclude(pk=submission.pk)
        .order_by("-allocated_at", "-pk")
        .values_list("assessor_id", flat=True)
        .first()
    )
    chosen = rules.round_robin_next(list(candidates), last)
    if chosen is None:
        return None
    Submission.objects.filter(pk=submission.pk, assessor__isnull=True).update(
        assessor=chosen, allocated_at=timezone.now()
    )
    submission.refresh_from_db(fields=["assessor", "allocated_at"])
    return submission.assessor


def _require_may_grade(*, submission: Submission, assessor: User) -> None:
    if not selectors.may_grade_submission(user=assessor, submission=submission):
        raise PermissionError("You may not grade this submission.")


@transaction.atomic
def submission_claim(*, submission: Submission, assessor: User) -> Submission:
    """Start grading: the submission becomes the assessor's and moves into review."""
    _require_may_grade(submission=submission, assessor=assessor)
    if submission.assessor_id not in (None, assessor.pk):
        raise ValidationError(f"{submission.assessor} is grading this submission.")
    status_transition(
        record=submission,
        machine=SUBMISSION_MACHINE,
        to_status=S.IN_REVIEW,
        actor=assessor,
        changes={"assessor": assessor, "allocated_at": submission.allocated_at or timezone.now()},
    )
    return submission


def _require_grading(*, submission: Submission, assessor: User) -> None:
    _require_may_grade(submission=submission, assessor=assessor)
    if submission.moderated and selectors.open_mark(submission=submission, marker=assessor):
        return
    if submission.status != S.IN_REVIEW or submission.assessor_id != assessor.pk:
        raise ValidationError("Start grading this submission first.")


@transaction.atomic
def observation_record(
    *,
    submission: Submission,
    assessor: User,
    criterion_id: int,
    line_number: int,
    observed: bool,
    comment: str = "",
) -> MarkerObservation:
    """A marker observed (or missed) at one line of the latest version's transcript."""
    _require_grading(submission=submission, assessor=assessor)
    version = submission.versions.order_by("-number").first()
    lines = version.lines()
    if line_number not in {line.number for line in lines}:
        raise ValidationError("Choose a line of the transcript.")
    criterion = submission.rubric.criteria.filter(pk=criterion_id, kind="marker").first()
    if criterion is None:
        raise ValidationError("Choose a marker of this assignment's rubric.")
    observation = MarkerObservation(
        version=version,
        criterion=criterion,
        line_number=line_number,
        seconds=rules.line_start_seconds(lines, line_number),
        observed=observed,
        comment=comment.strip(),
        assessor=assessor,
    )
    observation.full_clean()
    observation.save()
    return observation


@transaction.atomic
def observation_delete(*, observation: MarkerObservation, assessor: User) -> None:
    _require_grading(submission=observation.version.submission, assessor=assessor)
    observation.delete()


def _grade_build(
    *,
    version: SubmissionVersion,
    assessor: User,
    decision: str,
    levels: dict[int, str],
    comments: dict[int, str],
    competency_feedback: dict[int, str],
    overall_feedback: str,
    replaces: Grade | None = None,
    change_reason: str = "",
    released: bool = True,
) -> Grade:
    submission = version.submission
    criteria = list(submission.rubric.criteria.all())
    specs = [criterion.spec() for criterion in criteria]
    observations = version.observations.all()
    if not released:
        # An independent moderation mark rests on its own marker's observations only.
        observations = observations.filter(assessor=assessor)
    observed = rules.observed_marker_ids(observations.values_list("criterion_id", "observed"))
    problems = []
    if missing := rules.unscored_criteria(specs, levels):
        problems.append("Score every criterion: " + "; ".join(missing))
    if not overall_feedback.strip():
        problems.append("Write your overall feedback.")
    if decision == S.PASSED:
        shortfalls = rules.pass_rule_shortfalls(
            criteria=specs, levels=levels, observed=observed, rule=submission.rubric.pass_rule
        )
        if shortfalls:
            problems.append("The scores do not meet this assignment's pass rule:")
            problems += shortfalls
    if problems:
        raise ValidationError(problems)
    grade = Grade(
        version=version,
        assessor=assessor,
        decision=decision,
        overall_feedback=overall_feedback.strip(),
        score_percent=rules.weighted_percent(specs, levels, observed),
        marker_tally=[asdict(t) for t in rules.marker_tallies(specs, observed)],
        replaces=replaces,
        change_reason=change_reason.strip(),
        released=released,
    )
    grade.full_clean()
    grade.save()
    for criterion in criteria:
        if not criterion.is_marker:
            CriterionScore.objects.create(
                grade=grade,
                criterion=criterion,
                level=levels[criterion.pk],
                comment=comments.get(criterion.pk, "").strip(),
            )
    for competency, text in competency_feedback.items():
        if text.strip():
            CompetencyFeedback.objects.create(grade=grade, competency=competency, text=text.strip())
    return grade


def _passed_effects(*, submission: Submission, version: SubmissionVersion, assessor: User):
    course_services.graded_block_passed(
        trainee=submission.trainee, module=submission.module, block_id=submission.block_id
    )
    if not submission.is_recording:
        return
    credit = EvaluationCredit.objects.filter(
        trainee=submission.trainee, recording_sha256=version.file_sha256
    ).first()
    if credit is not None:
        if not credit.assessment_result.passed:
            credential_services.performance_evaluation_result_record(
                trainee=submission.trainee,
                date=credit.assessment_result.date,
                passed=True,
                assessor=assessor,
                result=credit.assessment_result,
            )
        return
    result = credential_services.performance_evaluation_result_record(
        trainee=submission.trainee, date=timezone.localdate(), passed=True, assessor=assessor
    )
    EvaluationCredit.objects.create(
        trainee=submission.trainee,
        recording_sha256=version.file_sha256,
        submission=submission,
        level=submission.level_assessed,
        assessment_result=result,
    )


def _failed_effects(*, submission: Submission, assessor: User) -> None:
    """A pass turned round by a regrade no longer counts toward a credential."""
    for credit in submission.credits.select_related("assessment_result"):
        credential_services.performance_evaluation_result_record(
            trainee=submission.trainee,
            date=credit.assessment_result.date,
            passed=False,
            assessor=assessor,
            result=credit.assessment_result,
        )


@transaction.atomic
def grade_record(*, submission: Submission, assessor: User, decision: str, **scores) -> Grade:
    """The assessor's decision on the latest version, released to the trainee at once.

    `scores`: levels and comments by criterion id, competency_feedback by competency,
    overall_feedback. A pass must meet the rubric's pass rule, and the marker tally comes from
    the observations made in the transcript, so score and evidence cannot disagree.
    """
    _require_grading(submission=submission, assessor=assessor)
    version = submission.versions.order_by("-number").first()
    if decision not in DECISIONS:
        raise ValidationError("Choose a decision: pass, request a revision, or not passed.")
    # The move first: of two decisions at once, the second is refused here and saves nothing.
    status_transition(
        record=submission, machine=SUBMISSION_MACHINE, to_status=decision, actor=assessor
    )
    grade = _grade_build(version=version, assessor=assessor, decision=decision, **scores)
    if decision == S.PASSED:
        _passed_effects(submission=submission, version=version, assessor=assessor)
    notifications.decision_released(submission=submission)
    return grade


@transaction.atomic
def grade_change(*, grade: Grade, assessor: User, decision: str, reason: str, **scores) -> Grade:
    """Change a final grade: a new grade replaces the old one, which is kept with the reason."""
    submission = grade.version.submission
    _require_may_grade(submission=submission, assessor=assessor)
    if not reason.strip():
        raise ValidationError("Say why the grade is changed.")
    if hasattr(grade, "replaced_by") or submission.status not in (S.PASSED, S.FAILED):
        raise ValidationError("Only the current grade of a passed or failed submission changes.")
    if decision not in (S.PASSED, S.FAILED):
        raise ValidationError("A changed grade is a pass or a fail.")
    if decision != submission.status:
        status_transition(
            record=submission,
            machine=SUBMISSION_MACHINE,
            to_status=decision,
            actor=assessor,
            note=reason.strip(),
        )
    new = _grade_build(
        version=grade.version,
        assessor=assessor,
        decision=decision,
        replaces=grade,
        change_reason=reason,
        **scores,
    )
    if decision == S.PASSED:
        _passed_effects(submission=submission, version=grade.version, assessor=assessor)
    else:
        _failed_effects(submission=submission, assessor=assessor)
    return new


@transaction.atomic
def quiz_attempt_submit(
    *, trainee: User, module: ModulePage, block_id: str, answers: list[int | None]
) -> QuizAttempt:
    assignment = selectors.assignment_of(module=module, block_id=block_id)
    if assignment is None or assignment.block_type != "quiz":
        raise ValidationError("That quiz does not exist. Reload the page and try again.")
    _enrolment(trainee=trainee, module=module)
    attempts = QuizAttempt.objects.filter(trainee=trainee, module=module, block_id=block_id)
    if attempts.filter(passed=True).exists():
        raise ValidationError("You have passed this quiz already.")
    number = attempts.count() + 1
    if number > assignment.max_attempts:
        raise ValidationError(
            f"You have used all {assignment.max_attempts} attempts at this quiz. "
            "Ask your trainer what to do next."
        )
    percent = rules.quiz_percent(assignment.correct_answers, answers)
    attempt = QuizAttempt(
        trainee=trainee,
        module=module,
        block_id=block_id,
        number=number,
        answers=list(answers),
        score_percent=percent,
        passed=percent >= assignment.pass_mark,
    )
    attempt.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        raise ValidationError("This attempt was just sent from another window.") from None
    if attempt.passed:
        course_services.graded_block_passed(trainee=trainee, module=module, block_id=block_id)
    return attempt
