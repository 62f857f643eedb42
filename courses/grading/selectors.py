"""Reads of grading: assignments as configured in module pages, who may grade what, the
grading queue and what a trainee sees of their own work."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from courses.grading import rules
from courses.grading.models import (
    WAITING_STATUSES,
    Grade,
    ModerationMark,
    QuizAttempt,
    Rubric,
    Submission,
    SubmissionStatus,
)
from courses.models import Cohort, ModulePage
from credentials.models import MentorSession
from lms import policies
from lms.credential_levels import CREDENTIAL_RANK
from lms.models import User


@dataclass(frozen=True)
class Assignment:
    """A graded block of a module page, as its author configured it."""

    module: ModulePage
    block_id: str
    block_type: str
    title: str
    rubric: Rubric | None = None
    instructions: object = ""
    answer: str = "either"
    level: str = "none"
    min_minutes: int = 20
    max_minutes: int = 60
    pass_mark: int = 80
    max_attempts: int = 3
    blind: bool = False
    moderated: bool = False
    moderation_threshold: int = 10
    questions: list = field(default_factory=list)

    @property
    def correct_answers(self) -> list[int]:
        return [question["correct"] - 1 for question in self.questions]


def assignment_of(*, module: ModulePage, block_id: str) -> Assignment | None:
    for child in module.body:
        if child.id != block_id:
            continue
        if child.block_type not in ("written_assignment", "recorded_session", "quiz"):
            return None
        value = child.value
        common = {"module": module, "block_id": block_id, "block_type": child.block_type}
        if child.block_type == "quiz":
            return Assignment(
                **common,
                title=value["title"],
                pass_mark=value["pass_mark"],
                max_attempts=value["max_attempts"],
                questions=[
                    {
                        "question": q["question"],
                        "choices": list(q["choices"]),
                        "correct": q["correct"],
                    }
                    for q in value["questions"]
                ],
            )
        extra = (
            {
                "level": value["level"],
                "min_minutes": value["min_minutes"],
                "max_minutes": value["max_minutes"],
                "moderated": bool(value.get("moderated")),
                "moderation_threshold": value.get("moderation_threshold", 10),
            }
            if child.block_type == "recorded_session"
            else {"answer": value["answer"]}
        )
        return Assignment(
            **common,
            title=value["title"],
            rubric=value["rubric"],
            instructions=value["instructions"],
            blind=bool(value.get("blind")),
            **extra,
        )
    return None


def mentors(*, mentor: User, trainee: User) -> bool:
    """Whether `mentor` has mentored `trainee` (any logged session, confirmed or not)."""
    return MentorSession.objects.filter(mentor=mentor, trainee=trainee).exists()


def may_grade_submission(*, user: User, submission: Submission) -> bool:
    trains = bool(submission.cohort_id) and submission.cohort.trainers.filter(pk=user.pk).exists()
    return policies.may_grade(
        user,
        trains_cohort=trains,
        level_assessed=submission.level_assessed,
        mentors_trainee=submission.is_recording
        and mentors(mentor=user, trainee=submission.trainee),
    )


def may_see_files(*, user: User, submission: Submission) -> bool:
    """The trainee who sent them, whoever may grade them, and programme admins."""
    return (
        submission.trainee_id == user.pk
        or policies.is_programme_admin(user)
        or may_grade_submission(user=user, submission=submission)
    )


@dataclass(frozen=True)
class QueueFilters:
    programme: int | None = None
    cohort: int | None = None
    block_id: str = ""
    status: str = ""
    older_than_days: int | None = None


def gradable_submissions(*, user: User) -> QuerySet[Submission]:
    """Submissions `user` may grade: their cohorts' (everyone's for programme admins); for
    performance evaluations only at or below their credential and never their mentees'."""
    queryset = Submission.objects.all()
    if not policies.is_programme_admin(user):
        queryset = queryset.filter(cohort__trainers=user)
    rank = CREDENTIAL_RANK
    held = rank.get(user.credential_held, 0)
    too_high = [level for level, value in rank.items() if value > held]
    mentees = MentorSession.objects.filter(mentor=user).values("trainee_id")
    return queryset.exclude(
        Q(kind="recorded_session") & (Q(level_assessed__in=too_high) | Q(trainee_id__in=mentees))
    )


def open_mark(*, submission: Submission, marker: User) -> ModerationMark | None:
    """The moderation place `marker` holds on the submission and has not marked yet."""
    return (
        ModerationMark.objects.filter(submission=submission, marker=marker, grade__isnull=True)
        .select_related("version")
        .first()
    )


def _waiting_for(user: User) -> Q:
    """Unclaimed or the user's own work, and moderated work where the user has a mark to give."""
    own_marks = ModerationMark.objects.filter(marker=user, grade__isnull=True)
    return (
        Q(moderated=False, assessor__isnull=True)
        | Q(assessor=user)
        | Q(pk__in=own_marks.values("submission_id"))
    )


QUEUE_PAGE_SIZE = 50


def _queue_queryset(user: User, filters: QueueFilters) -> QuerySet[Submission]:
    queryset = (
        gradable_submissions(user=user)
        .filter(status__in=WAITING_STATUSES)
        .filter(_waiting_for(user))
        .select_related("trainee", "cohort", "assessor")
        .order_by("submitted_at", "pk")
    )
    if filters.cohort:
        queryset = queryset.filter(cohort_id=filters.cohort)
    if filters.programme:
        queryset = queryset.filter(cohort__programme_id=filters.programme)
    if filters.block_id:
        queryset = queryset.filter(block_id=filters.block_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.older_than_days:
        queryset = queryset.filter(
            submitted_at__lte=timezone.now() - timedelta(days=filters.older_than_days)
        )
    return queryset


def _mark_overdue(rows: list[Submission]) -> list[Submission]:
    now = timezone.now()
    for row in rows:
        row.overdue = rules.is_overdue(row.submitted_at, now, settings.GRADING_TURNAROUND_DAYS)
    return rows


def grading_queue(*, user: User, filters: QueueFilters = QueueFilters()) -> list[Submission]:
    """Work waiting for `user`: unclaimed or theirs, oldest first, each marked overdue or not."""
    return _mark_overdue(list(_queue_queryset(user, filters)))


def grading_queue_page(
    *, user: User, filters: QueueFilters = QueueFilters(), page: int = 1
) -> tuple[list[Submission], bool]:
    """One page of the queue and whether another follows. No count: one row more than a page
    tells, so the first page costs the same with 50 or 50,000 waiting."""
    start = (max(page, 1) - 1) * QUEUE_PAGE_SIZE
    rows = list(_queue_queryset(user, filters)[start : start + QUEUE_PAGE_SIZE + 1])
    return _mark_overdue(rows[:QUEUE_PAGE_SIZE]), len(rows) > QUEUE_PAGE_SIZE


@dataclass(frozen=True)
class QueueSummary:
    waiting: int
    overdue: int
    oldest: object


def queue_summary(*, user: User) -> QueueSummary:
    """For the trainer dashboard: how many wait, how many are overdue, the oldest."""
    cutoff = timezone.now() - timedelta(days=settings.GRADING_TURNAROUND_DAYS)
    totals = (
        gradable_submissions(user=user)
        .filter(status__in=WAITING_STATUSES)
        .filter(_waiting_for(user))
        .aggregate(
            waiting=Count("pk", distinct=True),
            overdue=Count("pk", filter=Q(submitted_at__lt=cutoff), distinct=True),
            oldest=Min("submitted_at"),
        )
    )
    return QueueSummary(totals["waiting"], totals["overdue"], totals["oldest"])


def queue_filter_choices(*, user: User) -> dict:
    cohorts = Cohort.objects.select_related("programme").order_by("programme__title", "name")
    if not policies.is_programme_admin(user):
        cohorts = cohorts.filter(trainers=user)
    cohorts = list(cohorts)
    programmes = {cohort.programme_id: cohort.programme.title for cohort in cohorts}
    # From the programmes' module pages: grouping the submissions themselves would read every
    # one of them on each load of the queue.
    paths = Q()
    for cohort in cohorts:
        paths |= Q(path__startswith=cohort.programme.path)
    modules = ModulePage.objects.live().filter(paths).only("body") if cohorts else []
    # The raw block data: titles without fetching each block's rubric.
    titles = {
        block["id"]: block["value"]["title"]
        for module in modules
        for block in module.body.raw_data
        if block["type"] in ("written_assignment", "recorded_session")
    }
    return {
        "cohorts": cohorts,
        "programmes": sorted(programmes.items(), key=lambda item: item[1]),
        "assignments": [
            {"block_id": block_id, "title": title}
            for block_id, title in sorted(titles.items(), key=lambda item: item[1])
        ],
        "statuses": [(s.value, s.label) for s in SubmissionStatus if s in WAITING_STATUSES],
    }


def submission_for_grading(*, user: User, submission_id: int) -> Submission | None:
    return (
        gradable_submissions(user=user)
        .select_related("trainee", "cohort", "rubric", "assessor", "module")
        .filter(pk=submission_id)
        .first()
    )


def submission_of_trainee(*, trainee: User, module: ModulePage, block_id: str):
    return (
        Submission.objects.filter(trainee=trainee, module=module, block_id=block_id)
        .select_related("rubric")
        .first()
    )


def released_grades(*, version) -> list[Grade]:
    """The grades of a version, current last, with their scores and feedback."""
    return list(
        version.grades.filter(released=True)
        .select_related("assessor", "replaces")
        .prefetch_related("scores__criterion", "competency_feedback")
        .order_by("created_at", "pk")
    )


def quiz_attempts(*, trainee: User, module: ModulePage, block_id: str) -> list[QuizAttempt]:
    return list(QuizAttempt.objects.filter(trainee=trainee, module=module, block_id=block_id))
