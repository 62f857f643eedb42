"""The gradebook of a cohort: its trainees by the graded assignments of its programme, with each
one's status and result, and its export (CSV or XLSX) through django-import-export.

A fixed number of queries whatever the size: the cohort's trainees, the programme's modules,
the submissions with their current released score, and the quiz attempts.
"""

from dataclasses import dataclass

import tablib
from django.db.models import Max, OuterRef, Q, Subquery
from import_export import resources
from import_export.fields import Field

from courses.blocks import GRADED_BLOCK_TYPES
from courses.grading.models import DECISIONS, Grade, QuizAttempt, Submission
from courses.models import Cohort, Enrolment, ModulePage
from lms import policies
from lms.models import User
from lms.spreadsheets import spreadsheet_text

EXPORT_FORMATS = ("csv", "xlsx")
NOT_STARTED = "Not started"


@dataclass(frozen=True)
class Column:
    module_id: int
    block_id: str
    block_type: str
    title: str

    @property
    def key(self) -> str:
        return f"m{self.module_id}_{self.block_id}"


@dataclass(frozen=True)
class Cell:
    status: str
    result: str = ""


@dataclass(frozen=True)
class Row:
    trainee: User
    cells: list[Cell]


@dataclass(frozen=True)
class Gradebook:
    cohort: Cohort
    columns: list[Column]
    rows: list[Row]


def cohort_for_gradebook(*, user: User, cohort_id: int) -> Cohort | None:
    """The cohort if `user` trains it or is a programme admin; None otherwise (a 404)."""
    cohorts = Cohort.objects.select_related("programme")
    if not policies.is_programme_admin(user):
        if not policies.can_work_with_cohorts(user):
            return None
        cohorts = cohorts.filter(trainers=user)
    return cohorts.filter(pk=cohort_id).first()


def cohorts_for_gradebook(*, user: User) -> list[Cohort]:
    cohorts = Cohort.objects.select_related("programme").order_by("programme__title", "name")
    if not policies.is_programme_admin(user):
        cohorts = cohorts.filter(trainers=user)
    return list(cohorts)


def _columns(cohort: Cohort) -> list[Column]:
    modules = ModulePage.objects.live().descendant_of(cohort.programme).order_by("path")
    return [
        Column(module.pk, child.id, child.block_type, child.value["title"])
        for module in modules
        for child in module.body
        if child.block_type in GRADED_BLOCK_TYPES
    ]


def _submission_cell(submission: Submission) -> Cell:
    released = submission.status in DECISIONS and submission.score is not None
    return Cell(submission.get_status_display(), f"{submission.score}%" if released else "")


def _quiz_cell(best: int, passed: bool) -> Cell:
    return Cell("Passed" if passed else "Not passed yet", f"{best}%")


def gradebook(*, cohort: Cohort) -> Gradebook:
    columns = _columns(cohort)
    trainees = list(
        User.objects.filter(
            pk__in=Enrolment.objects.filter(cohort=cohort).values("trainee_id")
        ).order_by("last_name", "first_name", "pk")
    )
    module_ids = {column.module_id for column in columns}
    current_score = (
        Grade.objects.filter(
            version__submission=OuterRef("pk"), released=True, replaced_by__isnull=True
        )
        .order_by("-version__number", "-created_at", "-pk")
        .values("score_percent")[:1]
    )
    submissions = {
        (s.trainee_id, s.module_id, s.block_id): s
        for s in Submission.objects.filter(trainee__in=trainees, module_id__in=module_ids)
        .annotate(score=Subquery(current_score))
        .only("trainee_id", "module_id", "block_id", "status")
    }
    quizzes = {
        (q["trainee_id"], q["module_id"], q["block_id"]): q
        for q in QuizAttempt.objects.filter(trainee__in=trainees, module_id__in=module_ids)
        .values("trainee_id", "module_id", "block_id")
        .annotate(best=Max("score_percent"), passed=Max("pk", filter=Q(passed=True)))
    }
    rows = []
    for trainee in trainees:
        cells = []
        for column in columns:
            key = (trainee.pk, column.module_id, column.block_id)
            if column.block_type == "quiz":
                quiz = quizzes.get(key)
                cells.append(
                    _quiz_cell(quiz["best"], quiz["passed"] is not None)
                    if quiz
                    else Cell(NOT_STARTED)
                )
            else:
                submission = submissions.get(key)
                cells.append(_submission_cell(submission) if submission else Cell(NOT_STARTED))
        rows.append(Row(trainee, cells))
    return Gradebook(cohort, columns, rows)


class GradebookResource(resources.Resource):
    """One line per trainee: name and email, then each assignment's status and result.

    Text cells go out through `spreadsheet_text`, so a name such as "=HYPERLINK(…)" is never
    run by a spreadsheet."""

    def __init__(self, book: Gradebook):
        super().__init__()
        self.book = book
        self.fields = {
            "trainee": Field(attribute="trainee", column_name="Trainee"),
            "email": Field(attribute="email", column_name="Email"),
        }
        for column in book.columns:
            self.fields[f"{column.key}_status"] = Field(
                attribute=f"{column.key}_status", column_name=f"{column.title}: status"
            )
            self.fields[f"{column.key}_result"] = Field(
                attribute=f"{column.key}_result", column_name=f"{column.title}: result"
            )

    def get_queryset(self):
        for row in self.book.rows:
            line = {"trainee": row.trainee.get_full_name(), "email": row.trainee.email}
            for column, cell in zip(self.book.columns, row.cells, strict=True):
                line[f"{column.key}_status"] = cell.status
                line[f"{column.key}_result"] = cell.result
            yield line

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_text(field.get_value(instance))

    def iter_queryset(self, queryset):
        yield from queryset


def gradebook_export(*, book: Gradebook, file_format: str) -> bytes:
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}: use csv or xlsx.")
    dataset: tablib.Dataset = GradebookResource(book).export()
    if file_format == "csv":
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")
    return dataset.export("xlsx")


def grade_history(*, submission: Submission, user: User) -> list[Grade] | None:
    """Every grade of the submission, oldest first, each with the reason when it changed one.

    The trainee sees released grades only; a marker also the moderation marks they may see
    (their own, and the others' once both independent marks are in). None: not theirs (404).
    """
    from courses.grading import moderation, selectors

    grades = (
        Grade.objects.filter(version__submission=submission)
        .select_related("assessor", "version", "replaces")
        .order_by("version__number", "created_at", "pk")
    )
    if submission.trainee_id == user.pk:
        return list(grades.filter(released=True))
    if not selectors.may_grade_submission(user=user, submission=submission):
        return None
    visible_marks = [
        m.grade_id for m in moderation.marks_visible_to(submission=submission, user=user)
    ]
    return list(grades.filter(Q(released=True) | Q(assessor=user) | Q(pk__in=visible_marks)))
