"""Programmes, courses and modules (Wagtail pages) and the learning records around them.

Pages are presentation; the rows below them (cohorts, enrolments, live sessions, attendance,
block progress, module completions, journal entries) are the domain. Writes go through
courses.services, reads through courses.selectors.
"""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from courses.blocks import ModuleBodyBlock


class ProgrammeIndexPage(Page):
    intro = RichTextField(blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.ProgrammePage"]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = "programme index"

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["programme_cards"] = selectors.programme_cards(index_page=self)
        return context


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", "Open: any trainee may enrol"
    INVITATION = "invitation", "By invitation code only"


class ProgrammePage(Page):
    summary = models.TextField(help_text="One or two sentences shown in programme lists.")
    body = RichTextField(blank=True)
    enrolment_policy = models.CharField(
        max_length=12, choices=EnrolmentPolicy.choices, default=EnrolmentPolicy.OPEN
    )
    accreditation_line = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "Printed on the certificate of completed coach-specific education that trainees "
            "send to ICF, e.g. “Accredited by ICF as a Level 1 coach education programme”."
        ),
    )

    parent_page_types = ["courses.ProgrammeIndexPage"]
    subpage_types = ["courses.CoursePage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("enrolment_policy"),
        FieldPanel("accreditation_line"),
    ]

    class Meta:
        verbose_name = "programme"

    def get_context(self, request, *args, enrol_form=None, **kwargs):
        from courses import selectors
        from courses.forms import EnrolmentForm

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = selectors.programme_outline(programme=self, trainee=request.user)
        context["enrol_form"] = enrol_form or EnrolmentForm(programme=self)
        return context


class CoursePage(Page):
    summary = models.TextField(blank=True)

    parent_page_types = ["courses.ProgrammePage"]
    subpage_types = ["courses.ModulePage"]
    content_panels = [*Page.content_panels, FieldPanel("summary")]

    class Meta:
        verbose_name = "course"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = ModulePage.objects.live().child_of(self).defer("body")
        return context


class Delivery(models.TextChoices):
    ASYNCHRONOUS = "asynchronous", "Self-paced (asynchronous)"
    SYNCHRONOUS = "synchronous", "Live session (synchronous)"


class ModulePage(Page):
    summary = models.TextField(blank=True)
    education_hours = models.DecimalField(
        "coach-specific education hours",
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    delivery = models.CharField(
        max_length=12, choices=Delivery.choices, default=Delivery.ASYNCHRONOUS
    )
    estimated_minutes = models.PositiveIntegerField(
        default=60, help_text="How long the module takes, for planning."
    )
    body = StreamField(ModuleBodyBlock(), blank=True)

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("education_hours"),
                FieldPanel("delivery"),
                FieldPanel("estimated_minutes"),
            ],
            heading="Hours",
        ),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = "module"

    @property
    def is_synchronous(self) -> bool:
        return self.delivery == Delivery.SYNCHRONOUS

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["state"] = selectors.module_state(module=self, trainee=request.user)
        return context


def new_invitation_code() -> str:
    # 10 characters from an unambiguous alphabet: easy to read out, hard to guess.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class PageTreeVersion(models.Model):
    """One row whose token changes whenever any page is saved, moved or deleted, or a site is.

    Reads that keep page data between requests (courses.selectors) key it by this token, so
    they re-read the pages after any change, whichever process made it. A token rather than a
    counter: a database restored from a backup brings back the token of the pages it holds.
    """

    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = "page tree version"

    def __str__(self) -> str:
        return str(self.token)


class Cohort(models.Model):
    programme = models.ForeignKey(ProgrammePage, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=120)
    invitation_code = models.CharField(max_length=32, unique=True, default=new_invitation_code)
    starts_on = models.DateField(null=True, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts_trained", blank=True
    )
    lead_trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohorts_led",
        help_text="Settles moderation disagreements and hears of overdue grading. "
        "Also add them to the cohort's trainers.",
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cohort_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.PROTECT, related_name="enrolments"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "programme"], name="enrolment_once_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} in {self.programme}"

    def clean(self):
        if self.cohort_id and self.cohort.programme_id != self.programme_id:
            raise ValidationError({"cohort": "This cohort belongs to another programme."})


class LiveSession(models.Model):
    """A scheduled live (synchronous) delivery of a module for one cohort."""

    module = models.ForeignKey(ModulePage, on_delete=models.PROTECT, related_name="live_sessions")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="live_sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=255, help_text="Room, or the video-call link.")
    join_url = models.URLField(
        "join link",
        max_length=500,
        blank=True,
        help_text="The video-call address trainees open to join (https://…). Empty for a room.",
    )

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.module.title} · {self.cohort.name} · {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def clean(self):
        # Here rather than in a service: the Wagtail snippet screens write sessions too.
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "A session must end after it starts."
        if self.module_id:
            programme = ProgrammePage.objects.ancestor_of(self.module).first()
            if not self.module.is_synchronous:
                errors["module"] = "Only live (synchronous) modules have sessions."
            elif programme is None:
                errors["module"] = "This module is not part of a programme."
            elif self.cohort_id and self.cohort.programme_id != programme.pk:
                errors["cohort"] = (
                    f"This cohort belongs to another programme. Choose a cohort of "
                    f"{programme.title}, the programme of this module."
                )
        if errors:
            raise ValidationError(errors)


class Attendance(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="attendance")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    attended = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} {'attended' if self.attended else 'absent'}: {self.session}"


class BlockProgress(models.Model):
    """A trainee has finished one completable block of a module (keyed by the block's id)."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="block_progress"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "module", "block_id"], name="block_progress_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} finished block {self.block_id} of {self.module_id}"


class ModuleCompletion(models.Model):
    """Education hours earned by completing a module, recorded once per trainee and module.

    Hours are copied from the module at completion so that later edits to the page do not
    rewrite a trainee's record.
    """

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)
    education_hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    synchronous_hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "module"], name="module_completed_once"),
            models.CheckConstraint(
                condition=models.Q(synchronous_hours__lte=models.F("education_hours")),
                name="synchronous_within_education_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} completed {self.module.title}"


class JournalEntry(models.Model):
    """A trainee's private reflection. Only its author ever sees it, in any screen."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    module = models.ForeignKey(
        ModulePage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    block_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return self.title


# Assignments, submissions and grading live in their own sub-package; imported here so that
# the app registry sees their models.
from courses.grading.models import *  # noqa: E402, F403
