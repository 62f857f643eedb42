"""Moderation of performance evaluations: two independent markers, a third when they disagree.

Both markers are eligible graders (a credential at or above the level assessed, never the
trainee's mentor) and distinct (a database constraint). Neither sees the other's mark until
both are in: marks are unreleased grades, built on each marker's own observations. Agreement
(the same decision, scores within the assignment's threshold) releases both marks; otherwise
the cohort's lead trainer (or another eligible trainer) records the result, which alone is
released. Every step moves the submission through SUBMISSION_MACHINE, so each is an event.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.grading import notifications, rules, selectors
from courses.grading.models import (
    DECISIONS,
    SUBMISSION_MACHINE,
    Grade,
    MarkRole,
    ModerationMark,
    Submission,
    SubmissionStatus,
)
from courses.grading.services import (
    _assessor_candidates,
    _grade_build,
    _passed_effects,
    _require_may_grade,
)
from lms.models import User
from lms.transitions import status_transition

S = SubmissionStatus
ALREADY_MARKED = "You have already marked this version. The other marker's mark is awaited."


def marks_agree(*, first: tuple[str, int], second: tuple[str, int], threshold: int) -> bool:
    """Two marks (decision, score %) agree: the same decision, scores at most `threshold`
    percentage points apart."""
    return first[0] == second[0] and abs(first[1] - second[1]) <= threshold


def _pair(candidates: list[int], last: int | None) -> list[int]:
    first = rules.round_robin_next(candidates, last)
    second = rules.round_robin_next([c for c in candidates if c != first], first)
    return [first, second] if first is not None and second is not None else []


@transaction.atomic
def moderation_allocate(*, submission: Submission) -> User | None:
    """Give the latest version to two distinct eligible markers, round-robin in the cohort.

    With fewer than two eligible trainers nothing is allocated (the submission waits, and the
    overdue notice reaches the lead trainer). Returns the first marker."""
    version = submission.versions.order_by("-number").first()
    if submission.status not in (S.SUBMITTED, S.RESUBMITTED):
        return None
    candidates = {trainer.pk: trainer for trainer in _assessor_candidates(submission)}
    last = (
        ModerationMark.objects.filter(submission__cohort=submission.cohort_id)
        .exclude(submission=submission)
        .order_by("-allocated_at", "-pk")
        .values_list("marker_id", flat=True)
        .first()
    )
    pair = _pair(list(candidates), last)
    if not pair:
        return None
    for role, marker_id in zip((MarkRole.FIRST, MarkRole.SECOND), pair, strict=True):
        ModerationMark.objects.create(
            submission=submission, version=version, marker=candidates[marker_id], role=role
        )
    status_transition(
        record=submission,
        machine=SUBMISSION_MACHINE,
        to_status=S.IN_MODERATION,
        actor=None,
        note="Given to two markers, who mark independently.",
        changes={"allocated_at": timezone.now()},
    )
    return candidates[pair[0]]


def _third_marker(submission: Submission, taken: set[int]) -> User | None:
    """The cohort's lead trainer if they may grade it and have not marked; else the next
    eligible trainer who has not."""
    candidates = [t for t in _assessor_candidates(submission) if t.pk not in taken]
    lead_id = submission.cohort.lead_trainer_id if submission.cohort_id else None
    lead = next((t for t in candidates if t.pk == lead_id), None)
    return lead or (candidates[0] if candidates else None)


def _release(*, submission: Submission, decision: str, actor: User, note: str) -> None:
    status_transition(
        record=submission, machine=SUBMISSION_MACHINE, to_status=decision, actor=actor, note=note
    )
    version = submission.versions.order_by("-number").first()
    if decision == S.PASSED:
        _passed_effects(submission=submission, version=version, assessor=actor)
    notifications.decision_released(submission=submission)


@transaction.atomic
def moderation_mark_record(
    *, submission: Submission, marker: User, decision: str, **scores
) -> Grade:
    """A marker's independent mark, or the third marker's result.

    `scores` as for services.grade_record. The second of two marks compares them: agreement
    releases the decision, disagreement goes to a third marker. A marker who has marked this
    version is refused, and nothing changes."""
    _require_may_grade(submission=submission, assessor=marker)
    if decision not in DECISIONS:
        raise ValidationError("Choose a decision: pass, request a revision, or not passed.")
    mark = (
        ModerationMark.objects.select_for_update()
        .filter(submission=submission, marker=marker, grade__isnull=True)
        .select_related("version")
        .first()
    )
    if mark is None:
        latest = submission.versions.order_by("-number").first()
        if ModerationMark.objects.filter(version=latest, marker=marker).exists():
            raise ValidationError(ALREADY_MARKED)
        raise PermissionError("You are not one of this submission's markers.")
    is_third = mark.role == MarkRole.THIRD
    expected = S.AWAITING_THIRD if is_third else S.IN_MODERATION
    if submission.status != expected:
        raise ValidationError("This submission is not waiting for your mark.")
    grade = _grade_build(
        version=mark.version, assessor=marker, decision=decision, released=is_third, **scores
    )
    # Of two tabs sending the same mark, the second finds the place taken and saves nothing.
    if not ModerationMark.objects.filter(pk=mark.pk, grade__isnull=True).update(grade=grade):
        raise ValidationError(ALREADY_MARKED)
    if is_third:
        _release(
            submission=submission,
            decision=decision,
            actor=marker,
            note="The third marker settled the markers' disagreement.",
        )
        return grade
    independent = (MarkRole.FIRST, MarkRole.SECOND)
    marks = list(
        ModerationMark.objects.filter(version=mark.version, role__in=independent)
        .select_related("grade")
        .order_by("role")
    )
    if any(m.grade is None for m in marks):
        status_transition(
            record=submission,
            machine=SUBMISSION_MACHINE,
            to_status=S.IN_MODERATION,
            actor=marker,
            note=f"{mark.get_role_display()} has marked; the other mark is awaited.",
        )
        return grade
    first, second = (m.grade for m in marks)
    if marks_agree(
        first=(first.decision, first.score_percent),
        second=(second.decision, second.score_percent),
        threshold=submission.moderation_threshold,
    ):
        Grade.objects.filter(pk__in=[first.pk, second.pk]).update(released=True)
        _release(
            submission=submission,
            decision=decision,
            actor=marker,
            note=f"The two markers agreed ({first.score_percent}% and {second.score_percent}%).",
        )
        return grade
    third = _third_marker(submission, {m.marker_id for m in marks})
    if third is None:
        raise ValidationError(
            "The markers disagree and no third marker may grade this submission. Ask a "
            "programme admin to add an eligible trainer (or a lead trainer) to the cohort."
        )
    try:
        with transaction.atomic():
            ModerationMark.objects.create(
                submission=submission, version=mark.version, marker=third, role=MarkRole.THIRD
            )
    except IntegrityError:
        raise ValidationError("A third marker was just given this submission.") from None
    status_transition(
        record=submission,
        machine=SUBMISSION_MACHINE,
        to_status=S.AWAITING_THIRD,
        actor=marker,
        note=(
            f"The markers disagree: {first.get_decision_display()} ({first.score_percent}%) and "
            f"{second.get_decision_display()} ({second.score_percent}%). "
            "A third marker decides."
        ),
    )
    notifications.submission_waiting(submission=submission)
    return grade


def marks_visible_to(*, submission: Submission, user: User) -> list[ModerationMark]:
    """The latest version's marks `user` may see: none until both independent marks are in,
    then all (to markers and programme admins who may grade it)."""
    version = submission.versions.order_by("-number").first()
    marks = list(
        ModerationMark.objects.filter(version=version)
        .select_related("marker", "grade")
        .prefetch_related("grade__scores__criterion", "grade__competency_feedback")
        .order_by("allocated_at", "pk")
    )
    independent = [m for m in marks if m.role != MarkRole.THIRD]
    if len(independent) < 2 or any(m.grade_id is None for m in independent):
        return []
    if not selectors.may_grade_submission(user=user, submission=submission):
        return []
    return marks
