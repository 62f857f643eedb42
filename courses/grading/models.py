"""Rubrics, submissions (versioned), grades and quiz attempts.

A submission answers one graded block of a module (keyed by the module and the block's id, as
block progress is). It changes state only through `SUBMISSION_MACHINE`; each resubmission adds
a version and keeps the earlier ones with their grades. Files live in private storage and are
served only through a permission-checked view with short-lived signed links.
"""

import os
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from courses.grading import rules
from lms.models import Credential
from lms.transitions import StatusEvent, TransitionMap

__all__ = [
    "CompetencyFeedback",
    "CriterionScore",
    "EvaluationCredit",
    "Grade",
    "MarkerObservation",
    "ModerationMark",
    "QuizAttempt",
    "Rubric",
    "RubricCriterion",
    "Submission",
    "SubmissionEvent",
    "SubmissionVersion",
]


class PrivateStorage(FileSystemStorage):
    """Files kept outside the public media folder: no URL of their own, ever."""

    @cached_property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        # Read each time, so that tests (and a changed setting) use their own folder.
        return os.path.abspath(settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public address; use a signed link.")


private_storage = PrivateStorage()


def get_private_storage():
    return private_storage


class Competency(models.IntegerChoices):
    GENERAL = 0, rules.COMPETENCIES[0]
    ETHICS = 1, rules.COMPETENCIES[1]
    MINDSET = 2, rules.COMPETENCIES[2]
    AGREEMENTS = 3, rules.COMPETENCIES[3]
    TRUST = 4, rules.COMPETENCIES[4]
    PRESENCE = 5, rules.COMPETENCIES[5]
    LISTENING = 6, rules.COMPETENCIES[6]
    AWARENESS = 7, rules.COMPETENCIES[7]
    GROWTH = 8, rules.COMPETENCIES[8]


Level = models.TextChoices("Level", [(code, (code, label)) for code, label in rules.LEVELS])


class Rubric(ClusterableModel):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    min_level = models.CharField(
        "lowest level that passes",
        max_length=12,
        choices=Level.choices,
        default="meets",
        help_text="Every scored criterion must reach at least this level.",
    )
    min_marker_percent = models.PositiveSmallIntegerField(
        "share of each competency's markers to observe (%)",
        default=50,
        validators=[MaxValueValidator(100)],
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("min_level"), FieldPanel("min_marker_percent")], heading="Pass rule"
        ),
        InlinePanel("criteria", heading="Criteria", label="Criterion"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def pass_rule(self) -> rules.PassRule:
        return rules.PassRule(self.min_level, self.min_marker_percent)


class CriterionKind(models.TextChoices):
    LEVEL = "level", "Scored on the level scale"
    MARKER = "marker", "Marker: observed or not"


class RubricCriterion(Orderable):
    rubric = ParentalKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    competency = models.PositiveSmallIntegerField(
        choices=Competency.choices, default=Competency.GENERAL
    )
    kind = models.CharField(max_length=8, choices=CriterionKind.choices, default="level")
    title = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )

    panels = [
        FieldPanel("competency"),
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("guidance"),
        FieldPanel("weight"),
    ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_marker(self) -> bool:
        return self.kind == CriterionKind.MARKER

    def spec(self) -> rules.CriterionSpec:
        return rules.CriterionSpec(
            self.pk, self.competency, self.is_marker, self.weight, self.title
        )


class SubmissionKind(models.TextChoices):
    WRITTEN = "written_assignment", "Written assignment"
    RECORDING = "recorded_session", "Performance evaluation"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    IN_MODERATION = "in_moderation", "Being marked by two markers"
    AWAITING_THIRD = "awaiting_third", "Markers disagree: with a third marker"
    REVISION_REQUESTED = "revision_requested", "Revision requested"
    RESUBMITTED = "resubmitted", "Resubmitted"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Not passed"


S = SubmissionStatus
WAITING_STATUSES = (S.SUBMITTED, S.RESUBMITTED, S.IN_REVIEW, S.IN_MODERATION, S.AWAITING_THIRD)
DECISIONS = (S.PASSED, S.REVISION_REQUESTED, S.FAILED)


def new_anonymous_id() -> str:
    """What a blind marker calls the trainee: random, so nothing about the trainee shows."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "S-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Submission(models.Model):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    module = models.ForeignKey("courses.ModulePage", on_delete=models.PROTECT, related_name="+")
    block_id = models.CharField(max_length=64)
    cohort = models.ForeignKey(
        "courses.Cohort", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=SubmissionKind.choices)
    title = models.CharField(max_length=200, help_text="The assignment's title when submitted.")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+")
    level_assessed = models.CharField(
        max_length=4, choices=Credential.choices, default=Credential.NONE
    )
    status = models.CharField(max_length=20, choices=S.choices, default=S.DRAFT)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions_to_grade",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    # Copied from the assignment when first sent, as title and level are.
    blind = models.BooleanField(
        default=False, help_text="Markers see an anonymous id, not the name, until release."
    )
    anonymous_id = models.CharField(max_length=12, unique=True, default=new_anonymous_id)
    moderated = models.BooleanField(
        default=False, help_text="Two independent markers, a third when they disagree."
    )
    moderation_threshold = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(100)],
        help_text="Largest difference of the two markers' scores (percentage points) that "
        "still counts as agreement.",
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        # The queue's order: its first page walks this and stops after a page of rows.
        indexes = [models.Index(fields=["submitted_at", "id"], name="submission_queue_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "module", "block_id"], name="submission_once_per_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} by {self.trainee}"

    @property
    def is_recording(self) -> bool:
        return self.kind == SubmissionKind.RECORDING

    @property
    def identity_hidden(self) -> bool:
        """Blind marking hides the trainee until a decision on the latest version is out."""
        return self.blind and self.status not in DECISIONS

    def name_for_marker(self) -> str:
        return self.anonymous_id if self.identity_hidden else str(self.trainee)


class SubmissionEvent(StatusEvent):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")


def _submission_refusal(submission, to_status: str) -> str:
    if submission.status == S.PASSED and to_status == S.RESUBMITTED:
        return "This work has passed: it cannot be resubmitted."
    current = submission.get_status_display().lower()
    wanted = S(to_status).label.lower()
    return f"This can't be done: the submission is “{current}”, so it cannot become “{wanted}”."


SUBMISSION_MACHINE = TransitionMap(
    moves={
        S.DRAFT: frozenset({S.SUBMITTED}),
        S.SUBMITTED: frozenset({S.IN_REVIEW, S.IN_MODERATION}),
        S.RESUBMITTED: frozenset({S.IN_REVIEW, S.IN_MODERATION}),
        S.IN_REVIEW: frozenset({S.PASSED, S.REVISION_REQUESTED, S.FAILED}),
        # Moderation: each independent mark is an event that stays in moderation; agreement
        # releases the decision, disagreement goes to a third marker, who decides.
        S.IN_MODERATION: frozenset(
            {S.IN_MODERATION, S.AWAITING_THIRD, S.PASSED, S.REVISION_REQUESTED, S.FAILED}
        ),
        S.AWAITING_THIRD: frozenset({S.PASSED, S.REVISION_REQUESTED, S.FAILED}),
        S.REVISION_REQUESTED: frozenset({S.RESUBMITTED}),
        # A regrade with a reason may turn a final decision round; nothing else leaves them.
        S.PASSED: frozenset({S.FAILED}),
        S.FAILED: frozenset({S.PASSED}),
    },
    event_model=SubmissionEvent,
    event_field="submission",
    refusal=_submission_refusal,
)


def _version_path(version, filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"submissions/{version.submission_id}/{timezone.now():%Y%m%d%H%M%S%f}{extension}"


class SubmissionVersion(models.Model):
    """One handed-in version: what the trainee sent, never changed afterwards."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=_version_path, storage=get_private_storage, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    transcript = models.FileField(upload_to=_version_path, storage=get_private_storage, blank=True)
    transcript_lines = models.JSONField(default=list, blank=True)
    consent_declared = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_number_once"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.submission}"

    def clean(self):
        if self.submission.is_recording and not self.consent_declared:
            raise ValidationError(
                {"consent_declared": "Declare that your client gave written permission."}
            )

    def lines(self) -> list[rules.TranscriptLine]:
        return [rules.TranscriptLine(**line) for line in self.transcript_lines]


class MarkerObservation(models.Model):
    """An assessor saw (or missed) a marker at one transcript line of one version."""

    version = models.ForeignKey(
        SubmissionVersion, on_delete=models.CASCADE, related_name="observations"
    )
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    line_number = models.PositiveIntegerField()
    seconds = models.PositiveIntegerField(default=0)
    observed = models.BooleanField()
    comment = models.TextField(blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seconds", "line_number", "pk"]

    def __str__(self) -> str:
        seen = "Observed" if self.observed else "Missed"
        return f"{seen}: {self.criterion} at line {self.line_number}"

    def clean(self):
        if self.criterion_id and not self.criterion.is_marker:
            raise ValidationError({"criterion": "Only markers are observed in the session."})


class Grade(models.Model):
    """An assessor's decision on one version. A changed grade is a new row that replaces the
    old one, with the reason; the old one stays."""

    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, related_name="grades")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grades_given"
    )
    decision = models.CharField(max_length=20, choices=[(s.value, s.label) for s in DECISIONS])
    overall_feedback = models.TextField()
    score_percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    marker_tally = models.JSONField(default=list, blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    change_reason = models.TextField(blank=True)
    # An independent moderation mark stays unreleased: the trainee (and the other marker)
    # never see it before both marks are in, and the trainee only the released result.
    released = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.score_percent}%)"

    def clean(self):
        if self.replaces_id and not self.change_reason.strip():
            raise ValidationError({"change_reason": "Say why the grade is changed."})


class CriterionScore(models.Model):
    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grade", "criterion"], name="criterion_scored_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.get_level_display()}"


class CompetencyFeedback(models.Model):
    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="competency_feedback")
    competency = models.PositiveSmallIntegerField(choices=Competency.choices)
    text = models.TextField()

    class Meta:
        ordering = ["competency"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "competency"], name="competency_feedback_once"
            ),
        ]

    def __str__(self) -> str:
        return self.get_competency_display()


class EvaluationCredit(models.Model):
    """A passed performance evaluation counted toward a credential: once per distinct
    recording (its content hash), whatever regrades or resubmissions follow."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recording_sha256 = models.CharField(max_length=64)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="credits")
    level = models.CharField(max_length=4, choices=Credential.choices)
    assessment_result = models.OneToOneField(
        "credentials.AssessmentResult", on_delete=models.PROTECT, related_name="evaluation_credit"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "recording_sha256"], name="evaluation_counts_once_per_recording"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} evaluation of {self.trainee}"


class QuizAttempt(models.Model):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    answers = models.JSONField(default=list)
    score_percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    passed = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            # With the service numbering attempts 1, 2, … and refusing past the limit, a
            # second concurrent attempt with the same number fails here.
            models.UniqueConstraint(
                fields=["trainee", "module", "block_id", "number"], name="quiz_attempt_once"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="quiz_attempt_from_1"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number}: {self.score_percent}%"


class MarkRole(models.TextChoices):
    FIRST = "first", "First marker"
    SECOND = "second", "Second marker"
    THIRD = "third", "Third marker"


class ModerationMark(models.Model):
    """One marker's place in the moderation of one version: allocated, then marked (its grade).

    Distinct markers and one mark each are database constraints, so a marker cannot mark the
    same version twice nor take two places."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="moderation_marks"
    )
    version = models.ForeignKey(
        SubmissionVersion, on_delete=models.CASCADE, related_name="moderation_marks"
    )
    marker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=MarkRole.choices)
    grade = models.OneToOneField(
        Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="moderation_mark"
    )
    allocated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "allocated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "marker"], name="moderation_marker_once"),
            models.UniqueConstraint(fields=["version", "role"], name="moderation_role_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.version}"
