"""CME rows: credit types (data), activities and the credit they offer, evaluations, claims.

Imported by credentials.models, so they belong to the credentials app and its migrations.
Every rule that each write path needs (admin, imports, the learner's claim) is in `clean()` or
a constraint; the arithmetic itself is in credentials.cme.rules.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from credentials.cme import rules
from credentials.models import new_verification_code  # the awards' code: same verify page
from lms.models import Profession

__all__ = [
    "ActivityCredit",
    "ClaimSource",
    "CmeActivity",
    "CmeCertificateJob",
    "CmeClaim",
    "CmeClaimCorrection",
    "CmeCompletion",
    "CmeEvaluation",
    "CreditType",
    "CreditTypeCode",
    "EvaluationQuestion",
    "LearningFormat",
]

CREDITS = {"max_digits": 6, "decimal_places": 2}
CONFIDENCE = [MinValueValidator(1), MaxValueValidator(5)]
OPTIONAL_RATING = {"null": True, "blank": True, "validators": CONFIDENCE}


class CreditTypeCode(models.TextChoices):
    AMA = rules.AMA, "AMA PRA Category 1 Credit™"
    PARTICIPATION = rules.PARTICIPATION, "Certificate of participation"
    ANCC = "ancc", "ANCC contact hours"
    ICF_CORE = "icf_core", "ICF CCE units: Core Competencies"
    ICF_RESOURCE = "icf_resource", "ICF CCE units: Resource Development"


class CreditType(models.Model):
    """A kind of credit an activity can offer; seeded by migration, editable by admins."""

    code = models.CharField(max_length=20, choices=CreditTypeCode.choices, unique=True)
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=40, help_text="How amounts are named: credits, hours...")
    increment = models.DecimalField(
        **CREDITS, validators=[MinValueValidator(Decimal("0.01"))], help_text="Claim step."
    )
    professions = models.JSONField(
        default=list,
        blank=True,
        help_text="Professions that may claim it (codes such as physician); empty: anyone.",
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        unknown = set(self.professions or []) - set(Profession.values)
        if not isinstance(self.professions, list) or unknown:
            raise ValidationError(
                {"professions": f"Use a list of these codes: {', '.join(Profession.values)}."}
            )


class LearningFormat(models.TextChoices):
    ENDURING = "enduring", "Enduring material"
    LIVE = "live", "Live activity"
    INTERNET_POC = "internet_poc", "Internet point-of-care"
    OTHER = "other", "Other"


class CmeActivity(models.Model):
    """An accredited activity. Learners complete it through its module page or live session;
    an activity attached to neither (other formats) is marked complete by the CME office."""

    code = models.SlugField(max_length=40, unique=True, help_text="Used by imports and reports.")
    title = models.CharField(max_length=200)
    provider = models.CharField("accredited provider", max_length=200)
    learning_format = models.CharField(max_length=20, choices=LearningFormat.choices)
    location = models.CharField(max_length=255, blank=True, help_text="Live activities only.")
    start_date = models.DateField(help_text="Enduring material: the release date.")
    end_date = models.DateField(help_text="Enduring material: the expiry date.")
    accreditation_statement = models.TextField(blank=True)
    designation_statement_override = models.TextField(
        blank=True, help_text="Leave empty to use the AMA wording built from the fields."
    )
    accme_activity_id = models.CharField("ACCME activity id", max_length=40, blank=True)
    module = models.ForeignKey(
        "courses.ModulePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cme_activities",
    )
    live_session = models.ForeignKey(
        "courses.LiveSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cme_activities",
    )
    wellbeing_question = models.CharField(
        max_length=255,
        blank=True,
        help_text="Optional: asked before and after, answered 1 to 5 (e.g. 'How rested do you "
        "feel?').",
    )

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = "CME activity"
        verbose_name_plural = "CME activities"

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def clean(self):
        errors = {}
        if self.learning_format == LearningFormat.LIVE and not self.location.strip():
            errors["location"] = "Give the location of a live activity."
        if self.learning_format != LearningFormat.LIVE and self.location.strip():
            errors["location"] = "Only live activities have a location: leave it empty."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date is before the start date."
        if self.module_id and self.live_session_id:
            errors["live_session"] = "Attach the activity to a module or a live session, not both."
        if errors:
            raise ValidationError(errors)

    def designation_statement(self, ama_maximum: Decimal | None) -> str:
        """The override, or the AMA wording when the activity offers AMA credit ('' if not)."""
        if self.designation_statement_override.strip():
            return self.designation_statement_override.strip()
        if ama_maximum is None:
            return ""
        return rules.designation_statement(
            provider=self.provider, learning_format=self.learning_format, maximum=ama_maximum
        )


class ActivityCredit(models.Model):
    """One credit type an activity offers, with its maximum."""

    activity = models.ForeignKey(CmeActivity, on_delete=models.CASCADE, related_name="credits")
    credit_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="+")
    max_credits = models.DecimalField(**CREDITS)
    ethics = models.BooleanField(
        "coaching ethics",
        default=False,
        help_text="ICF Core Competency units only: these units are in coaching ethics (a "
        "renewal needs at least 3).",
    )

    class Meta:
        ordering = ["credit_type_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "credit_type"], name="cme_credit_type_once_per_activity"
            ),
            models.CheckConstraint(
                condition=models.Q(max_credits__gt=0), name="cme_max_credits_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{rules.format_credits(self.max_credits)} {self.credit_type.unit}"

    def clean(self):
        if self.max_credits is None or not self.credit_type_id:
            return
        if self.ethics and self.credit_type.code != CreditTypeCode.ICF_CORE:
            raise ValidationError(
                {"ethics": "Only ICF Core Competency units can be coaching ethics units."}
            )
        problem = rules.maximum_problem(
            maximum=self.max_credits, increment=self.credit_type.increment
        )
        if not problem and self.activity_id:
            above = CmeClaim.objects.filter(
                activity_id=self.activity_id,
                credit_type_id=self.credit_type_id,
                credits__gt=self.max_credits,
            ).count()
            if above:
                problem = (
                    f"{above} claim{'s' if above != 1 else ''} of this activity already "
                    f"exceed{'s' if above == 1 else ''} this maximum: correct "
                    f"{'it' if above == 1 else 'them'} first."
                )
        if problem:
            raise ValidationError({"max_credits": problem})


class EvaluationQuestion(models.Model):
    """A question of the school's own, added to an activity's evaluation (free-text answer)."""

    activity = models.ForeignKey(
        CmeActivity, on_delete=models.CASCADE, related_name="evaluation_questions"
    )
    prompt = models.CharField(max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.prompt


class CmeEvaluation(models.Model):
    """A learner's evaluation of an activity: needed before any claim."""

    activity = models.ForeignKey(CmeActivity, on_delete=models.PROTECT, related_name="evaluations")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cme_evaluations"
    )
    confidence_before = models.PositiveSmallIntegerField(validators=CONFIDENCE)
    confidence_after = models.PositiveSmallIntegerField(validators=CONFIDENCE)
    intends_change = models.BooleanField()
    change_description = models.TextField(blank=True)
    wellbeing_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=CONFIDENCE
    )
    wellbeing_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=CONFIDENCE)
    # {question id: answer} for the school's own questions.
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "learner"], name="cme_evaluation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} evaluated {self.activity.code}"

    def clean(self):
        if self.intends_change and not self.change_description.strip():
            raise ValidationError(
                {"change_description": "Say what you intend to change in your practice."}
            )


class CmeCompletion(models.Model):
    """The CME office marks a learner complete for an activity with no module or session."""

    activity = models.ForeignKey(CmeActivity, on_delete=models.PROTECT, related_name="completions")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cme_completions"
    )
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "learner"], name="cme_completion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} completed {self.activity.code} on {self.completed_on}"

    def clean(self):
        if not self.activity_id or self.completed_on is None:
            return
        if self.activity.module_id or self.activity.live_session_id:
            raise ValidationError(
                {
                    "activity": "This activity is completed through its module or live session, "
                    "not by hand."
                }
            )
        problem = rules.completion_date_problem(
            completed_on=self.completed_on,
            starts_on=self.activity.start_date,
            ends_on=self.activity.end_date,
            today=timezone.localdate(),
        )
        if problem:
            raise ValidationError({"completed_on": problem})


class ClaimSource(models.TextChoices):
    WEB = "web", "Claimed on the site"
    IMPORT = "import", "Imported"


def cme_certificate_upload_to(instance, filename: str) -> str:
    return f"cme-certificates/{instance.verification_code}/{filename}"


class CmeClaim(models.Model):
    """Credit a learner claimed (or an import recorded): one per learner, activity and type."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cme_claims"
    )
    activity = models.ForeignKey(CmeActivity, on_delete=models.PROTECT, related_name="claims")
    credit_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="claims")
    credits = models.DecimalField(**CREDITS)
    completed_on = models.DateField()
    claimed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=10, choices=ClaimSource.choices, default=ClaimSource.WEB)
    verification_code = models.CharField(
        max_length=32, unique=True, default=new_verification_code, editable=False
    )
    certificate_pdf = models.FileField(upload_to=cme_certificate_upload_to, blank=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = "CME claim"
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "activity", "credit_type"], name="cme_claim_once"
            ),
            models.CheckConstraint(condition=models.Q(credits__gt=0), name="cme_claim_positive"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.learner}: {rules.format_credits(self.credits)} {self.credit_type.unit}, "
            f"{self.activity.code}"
        )

    def clean(self):
        if not (self.activity_id and self.credit_type_id and self.credits is not None):
            return
        offer = ActivityCredit.objects.filter(
            activity_id=self.activity_id, credit_type_id=self.credit_type_id
        ).first()
        if offer is None:
            raise ValidationError({"credit_type": "This activity does not offer this credit."})
        problem = rules.credits_problem(
            credits=self.credits,
            increment=self.credit_type.increment,
            maximum=offer.max_credits,
            unit=self.credit_type.unit,
        )
        if problem:
            raise ValidationError({"credits": problem})


class CmeClaimCorrection(models.Model):
    """An admin's correction of a claim: the value before, the value after and why."""

    claim = models.ForeignKey(CmeClaim, on_delete=models.CASCADE, related_name="corrections")
    old_credits = models.DecimalField(**CREDITS)
    new_credits = models.DecimalField(**CREDITS)
    reason = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.old_credits} → {self.new_credits} ({self.at:%Y-%m-%d})"


class CertificateJobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Making certificates"
    DONE = "done", "Finished"


class CmeCertificateJob(models.Model):
    """Certificates the CME office issues or reissues in bulk, made by a Celery task."""

    claim_ids = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=CertificateJobStatus.choices, default=CertificateJobStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # [{claim: id, message: text}] for the claims whose certificate could not be made.
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "CME certificate job"

    def __str__(self) -> str:
        return f"{self.total} CME certificates, {self.created_at:%Y-%m-%d %H:%M}"
