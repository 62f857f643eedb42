"""Practice records, pathways, applications and awards.

Rows here are turned into the plain inputs of credentials.engine by credentials.selectors; the
rules themselves never see the ORM. Writes go through credentials.services. Rows that have a
life cycle (mentor sessions, external education, applications) change state only through their
service's transition map, and every change writes an event row.
"""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from credentials import engine
from credentials.validators import validate_certificate
from lms.encryption import EncryptedTextField
from lms.models import Credential

HOURS = {"max_digits": 7, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


def _between(low: int, high: int, unit: str) -> list:
    """Validators keeping a pathway's number within what the engine can evaluate and what a
    credential could sensibly ask, with one plain message."""
    message = f"Enter a number of {unit} from {low:,} to {high:,}."
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


# A pathway's hour requirements: never negative, and no credential asks for more.
REQUIREMENT_HOURS = {
    "max_digits": 7,
    "decimal_places": 2,
    "validators": _between(0, 10_000, "hours"),
}


class Engagement(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group"


class Source(models.TextChoices):
    WEB = "web", "Entered on the site"
    IMPORT = "import", "Imported"
    BOOKING = "booking", "From a booking"


# No record of coaching, mentoring or education is this old: an earlier date is a typing slip.
EARLIEST_RECORD_DATE = dt.date(1950, 1, 1)
HOURS_IN_A_DAY = 24


def _check_plausible_dates(**dates: dt.date | None) -> dict[str, str]:
    """Errors for dates before EARLIEST_RECORD_DATE, keyed by field name."""
    return {
        name: f"Check the date: records start in {EARLIEST_RECORD_DATE.year}, not earlier."
        for name, value in dates.items()
        if value is not None and value < EARLIEST_RECORD_DATE
    }


def _check_group_size(engagement: str, group_size: int | None) -> dict[str, str]:
    if engagement == Engagement.GROUP and not group_size:
        return {"group_size": "Give the number of people in the group."}
    if engagement == Engagement.GROUP and group_size is not None and group_size < 2:
        return {"group_size": "A group has at least 2 people."}
    if engagement == Engagement.INDIVIDUAL and group_size not in (None, 1):
        return {"group_size": "Leave the group size empty for individual coaching."}
    return {}


class StatusEvent(models.Model):
    """One state change of a record with a life cycle: who moved it, from what, to what, why."""

    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status} at {self.at:%Y-%m-%d %H:%M}"


# --- Pathways ------------------------------------------------------------------------------


class Pathway(models.Model):
    """An ICF-style credential pathway; every number is editable by programme admins.

    An empty requirement means the pathway does not have that requirement.
    """

    code = models.SlugField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    level = models.CharField(
        max_length=4, choices=[c for c in Credential.choices if c[0] != Credential.NONE]
    )
    education_hours = models.DecimalField(null=True, blank=True, **REQUIREMENT_HOURS)
    education_synchronous_hours = models.DecimalField(null=True, blank=True, **REQUIREMENT_HOURS)
    mentor_hours = models.DecimalField(null=True, blank=True, **REQUIREMENT_HOURS)
    mentor_span = models.PositiveSmallIntegerField(
        "mentor span (calendar months)",
        null=True,
        blank=True,
        validators=_between(0, 120, "months"),
    )
    experience_hours = models.DecimalField(null=True, blank=True, **REQUIREMENT_HOURS)
    paid_hours = models.DecimalField(null=True, blank=True, **REQUIREMENT_HOURS)
    clients = models.PositiveIntegerField(
        null=True, blank=True, validators=_between(0, 10_000, "clients")
    )
    recent_hours = models.DecimalField(null=True, blank=True, **REQUIREMENT_HOURS)
    performance_evaluation = models.PositiveSmallIntegerField(
        "passed performance evaluations",
        null=True,
        blank=True,
        validators=_between(0, 20, "evaluations"),
    )
    exam = models.BooleanField("credentialing exam required", default=True)
    prerequisite_credential = models.CharField(
        max_length=4, blank=True, choices=[c for c in Credential.choices if c[0] != "none"]
    )
    group_mentoring_cap_hours = models.DecimalField(default=Decimal(7), **REQUIREMENT_HOURS)
    min_one_to_one_mentor_hours = models.DecimalField(default=Decimal(3), **REQUIREMENT_HOURS)
    # A group of 0 could never count; the engine refuses it.
    max_mentoring_group_size = models.PositiveSmallIntegerField(
        default=10, validators=_between(1, 100, "people")
    )
    max_coaching_group_size = models.PositiveSmallIntegerField(
        default=15, validators=_between(1, 100, "people")
    )
    recency_window_months = models.PositiveSmallIntegerField(
        default=18, validators=_between(1, 120, "months")
    )
    exam_pass_mark = models.PositiveSmallIntegerField(
        default=460,
        validators=_between(engine.EXAM_SCALE_MIN, engine.EXAM_SCALE_MAX, "points"),
    )

    class Meta:
        ordering = ["education_hours", "code"]

    def __str__(self) -> str:
        return f"{self.level} — {self.name}"

    def clean(self) -> None:
        """Numbers that contradict each other: the engine could count them, but no trainee could
        ever meet them, so the progress page would mislead."""
        errors = {}

        def at_most(part: str, whole: str, message: str) -> None:
            part_value, whole_value = getattr(self, part), getattr(self, whole)
            if part_value is not None and whole_value is not None and part_value > whole_value:
                errors[part] = message

        at_most(
            "education_synchronous_hours",
            "education_hours",
            "Live (synchronous) hours are part of the education hours: enter no more than "
            "the education hours.",
        )
        at_most(
            "paid_hours",
            "experience_hours",
            "Paid hours are part of the coaching experience hours: enter no more than the "
            "experience hours.",
        )
        at_most(
            "recent_hours",
            "experience_hours",
            "Recent hours are part of the coaching experience hours: enter no more than the "
            "experience hours.",
        )
        at_most(
            "min_one_to_one_mentor_hours",
            "mentor_hours",
            "The one-to-one minimum is part of the mentor hours: enter no more than the "
            "mentor hours.",
        )
        if self.prerequisite_credential and self.level:
            rank = engine.CREDENTIAL_RANK
            if rank[self.prerequisite_credential] >= rank.get(self.level, 0):
                errors["prerequisite_credential"] = (
                    f"A prerequisite must be a lower credential than {self.level}."
                )
        if errors:
            raise ValidationError(errors)


# --- Practice records ----------------------------------------------------------------------


class CoachingLogEntry(models.Model):
    """One row of the ICF coaching log: a client engagement over a date range."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_log"
    )
    client_name = models.CharField(
        max_length=120, help_text="A pseudonym or initials: this is what lists show."
    )
    client_contact = EncryptedTextField(blank=True, help_text="Email or phone. Kept encrypted.")
    engagement = models.CharField(
        max_length=10, choices=Engagement.choices, default=Engagement.INDIVIDUAL
    )
    group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    paid_hours = models.DecimalField(default=Decimal(0), **HOURS)
    pro_bono_hours = models.DecimalField(default=Decimal(0), **HOURS)
    sponsor = models.CharField("sponsor organisation", max_length=200, blank=True)
    notes = EncryptedTextField(blank=True, help_text="Private notes. Kept encrypted.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    version = models.PositiveIntegerField(default=1)  # optimistic locking for concurrent edits
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "client_name"]
        verbose_name_plural = "coaching log entries"
        constraints = [
            # The natural key of a log row: re-importing the same file changes nothing.
            models.UniqueConstraint(
                fields=["trainee", "client_name", "engagement", "start_date", "end_date"],
                name="coaching_log_row_once",
                violation_error_message="You already logged this client for these dates.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="coaching_log_dates_order"
            ),
        ]
        indexes = [models.Index(fields=["trainee", "start_date"])]

    def __str__(self) -> str:
        return f"{self.client_name} {self.start_date:%Y-%m-%d}"

    @property
    def total_hours(self) -> Decimal:
        return self.paid_hours + self.pro_bono_hours

    def training_start_note(self, training_start: dt.date | None) -> str:
        """What the trainee's training start does to this entry (the engine counts hours
        from that day on, spread over the entry's days), or "" when it counts whole."""
        if training_start is None or self.start_date >= training_start:
            return ""
        if self.end_date < training_start:
            return "before your training start — does not count"
        return (
            "partly before your training start — only the days from "
            f"{training_start:%-d %B %Y} count"
        )

    def clean(self):
        errors = _check_group_size(self.engagement, self.group_size)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date cannot be before the start date."
        today = timezone.localdate()
        if self.start_date and self.start_date > today:
            errors["start_date"] = "Log coaching once it has happened: the date is in the future."
        if self.end_date and self.end_date > today:
            errors["end_date"] = "Log coaching once it has happened: the date is in the future."
        errors.update(_check_plausible_dates(start_date=self.start_date, end_date=self.end_date))
        hours_given = self.paid_hours is not None and self.pro_bono_hours is not None
        if hours_given and self.paid_hours + self.pro_bono_hours <= 0:
            errors["paid_hours"] = "Enter the hours coached (paid, pro bono or both)."
        elif hours_given and self.start_date and self.end_date and "end_date" not in errors:
            days = (self.end_date - self.start_date).days + 1
            if self.paid_hours + self.pro_bono_hours > HOURS_IN_A_DAY * days:
                errors["paid_hours"] = (
                    f"Paid and pro bono hours add up to more than {HOURS_IN_A_DAY} hours a day "
                    f"({HOURS_IN_A_DAY * days} hours from the start date to the end date). "
                    "Check the hours and the dates."
                )
        if errors:
            raise ValidationError(errors)


class MentorSessionStatus(models.TextChoices):
    LOGGED = "logged", "Waiting for the mentor"
    CONFIRMED = "confirmed", "Confirmed by the mentor"
    DISPUTED = "disputed", "Disputed by the mentor"
    # The trainee took back a session the mentor disputed; it never counts.
    WITHDRAWN = "withdrawn", "Withdrawn by the trainee"


class MentorSession(models.Model):
    """Mentor coaching received by a trainee. Only sessions the mentor confirmed count."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_sessions"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_sessions_led"
    )
    # The mentor's credential when the session took place: a later upgrade changes nothing.
    mentor_credential = models.CharField(max_length=4, choices=Credential.choices)
    date = models.DateField()
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(
                Decimal(HOURS_IN_A_DAY), "A mentor session cannot last more than 24 hours."
            ),
        ],
    )
    engagement = models.CharField(
        max_length=10, choices=Engagement.choices, default=Engagement.INDIVIDUAL
    )
    group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=MentorSessionStatus.choices, default=MentorSessionStatus.LOGGED
    )
    dispute_reason = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "mentor", "date", "engagement"],
                name="mentor_session_once",
                violation_error_message="This mentor session is already logged for that date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} with {self.mentor} on {self.date:%Y-%m-%d}"

    def clean(self):
        errors = _check_group_size(self.engagement, self.group_size)
        if self.date and self.date > timezone.localdate():
            errors["date"] = "Log a mentor session once it has happened: the date is in the future."
        errors.update(_check_plausible_dates(date=self.date))
        if self.trainee_id and self.trainee_id == self.mentor_id:
            errors["mentor"] = "You cannot be your own mentor."
        if errors:
            raise ValidationError(errors)


class MentorSessionEvent(StatusEvent):
    session = models.ForeignKey(MentorSession, on_delete=models.CASCADE, related_name="events")


class EducationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


def certificate_upload_to(instance, filename: str) -> str:
    # A random folder: uploaded certificates are served only through a permission-checked view.
    return f"education-certificates/{instance.trainee_id}/{secrets.token_hex(8)}/{filename}"


class EducationRecord(models.Model):
    """Coach-specific education from outside the programme (modules count via courses)."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="education_records"
    )
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    completed_on = models.DateField()
    hours = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000"))],
    )
    synchronous_hours = models.DecimalField(default=Decimal(0), **HOURS)
    certificate = models.FileField(
        upload_to=certificate_upload_to, blank=True, validators=[validate_certificate]
    )
    status = models.CharField(
        max_length=10, choices=EducationStatus.choices, default=EducationStatus.PENDING
    )
    review_note = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            # A rejected record does not block submitting the corrected one.
            models.UniqueConstraint(
                fields=["trainee", "title", "provider", "completed_on"],
                condition=~Q(status="rejected"),
                name="education_record_once",
                violation_error_message=(
                    "This course from this provider with this date is already recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(synchronous_hours__lte=models.F("hours")),
                name="education_synchronous_within_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"

    def clean(self):
        errors = {}
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "The completion date is in the future."
        errors.update(_check_plausible_dates(completed_on=self.completed_on))
        if (
            self.hours is not None
            and self.synchronous_hours is not None
            and self.synchronous_hours > self.hours
        ):
            errors["synchronous_hours"] = "Live hours cannot be more than the total hours."
        if errors:
            raise ValidationError(errors)


class EducationRecordEvent(StatusEvent):
    record = models.ForeignKey(EducationRecord, on_delete=models.CASCADE, related_name="events")


class AssessmentKind(models.TextChoices):
    EXAM = "exam", "Credentialing exam"
    PERFORMANCE_EVALUATION = "performance_evaluation", "Performance evaluation"


class AssessmentResult(models.Model):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_results"
    )
    kind = models.CharField(max_length=24, choices=AssessmentKind.choices)
    date = models.DateField()
    passed = models.BooleanField()
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(200), MaxValueValidator(600)],
        help_text="The exam's scaled score (200–600).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "kind", "date"],
                name="assessment_once",
                violation_error_message="A result of this kind is already recorded for that date.",
            ),
        ]

    def __str__(self) -> str:
        outcome = "passed" if self.passed else "not passed"
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}: {outcome}"

    def clean(self):
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = "The assessment date is in the future."
        errors.update(_check_plausible_dates(date=self.date))
        if self.kind == AssessmentKind.PERFORMANCE_EVALUATION and self.score is not None:
            errors["score"] = "Only the exam has a scaled score."
        if errors:
            raise ValidationError(errors)


# --- Applications and awards ---------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with reasons"


OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)


class CredentialApplication(models.Model):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_applications"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    as_of = models.DateField()
    # The evaluation frozen when the trainee applied (credential_status JSON shape).
    snapshot = models.JSONField()
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "pathway"],
                condition=Q(status__in=["submitted", "under_review"]),
                name="one_open_application_per_pathway",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} — {self.pathway.level} ({self.get_status_display()})"


class ApplicationEvent(StatusEvent):
    application = models.ForeignKey(
        CredentialApplication, on_delete=models.CASCADE, related_name="events"
    )


def new_verification_code() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits: unguessable, fits a URL and a QR code


def award_certificate_upload_to(instance, filename: str) -> str:
    return f"award-certificates/{instance.verification_code}/{filename}"


class Award(models.Model):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="awards")
    application = models.OneToOneField(
        CredentialApplication, on_delete=models.PROTECT, related_name="award"
    )
    verification_code = models.CharField(
        max_length=32, unique=True, default=new_verification_code, editable=False
    )
    issued_on = models.DateField(default=timezone.localdate)
    # When it was issued, to the second: the sweep re-queues the PDF of an award left without
    # one for a few minutes (credentials.tasks.unfinished_work_requeue).
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    programme_name = models.CharField(max_length=255, blank=True)
    certificate_pdf = models.FileField(upload_to=award_certificate_upload_to, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_on"]
        constraints = [
            # Issuing the same award twice must be impossible, whatever retries happen.
            models.UniqueConstraint(fields=["trainee", "pathway"], name="award_once_per_pathway"),
        ]

    def __str__(self) -> str:
        return f"{self.pathway.level} awarded to {self.trainee}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


# --- Imports run in the back office ---------------------------------------------------------


class ImportKind(models.TextChoices):
    PEOPLE = "people", "People"
    EDUCATION = "education", "Education"
    COACHING_LOG = "coaching_log", "Coaching log"
    MENTOR_SESSIONS = "mentor_sessions", "Mentor sessions"
    ASSESSMENTS = "assessments", "Assessments"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Stopped with errors"


def import_upload_to(instance, filename: str) -> str:
    return f"imports/{secrets.token_hex(8)}/{filename}"


class ImportJob(models.Model):
    """An import started in the admin and run by a Celery task, with progress to show."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file = models.FileField(upload_to=import_upload_to)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.created_at:%Y-%m-%d %H:%M}"


class EligibilityNotice(models.Model):
    """The nightly evaluation emailed this trainee that they became eligible for this pathway.

    The constraint makes the email go out once, however often the batch runs or retries.
    """

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eligibility_notices"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trainee", "pathway"], name="eligibility_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} eligible for {self.pathway.level} on {self.as_of:%Y-%m-%d}"
