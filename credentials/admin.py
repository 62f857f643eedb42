"""Django admin (/django-admin/) for the credentials domain: data operations for admins."""

from django import forms as django_forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from credentials import selectors, services
from credentials.engine import REQUIREMENT_CODES
from credentials.imports import ImportFileError, check_headings, read_table
from credentials.models import (
    ApplicationEvent,
    AssessmentResult,
    Award,
    AwardNameChange,
    CredentialApplication,
    EducationCertificate,
    EducationRecord,
    EducationRecordEvent,
    ImportJob,
    MentorSession,
    MentorSessionEvent,
    Pathway,
)
from lms.models import Role

# --- Records ---------------------------------------------------------------------------------
# The coaching log is not registered on purpose: client names and contacts are confidential.


class EventInline(admin.TabularInline):
    """A record's status history, read-only: it is written by the services."""

    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MentorSessionEventInline(EventInline):
    model = MentorSessionEvent


class EducationRecordEventInline(EventInline):
    model = EducationRecordEvent


@admin.register(MentorSession)
class MentorSessionAdmin(admin.ModelAdmin):
    """Read-only: trainees log sessions and mentors confirm them on the site."""

    list_display = ["trainee", "mentor", "date", "hours", "engagement", "status"]
    list_filter = ["status", "engagement", "source"]
    search_fields = ["trainee__email", "trainee__last_name", "mentor__email", "mentor__last_name"]
    list_select_related = ["trainee", "mentor"]
    inlines = [MentorSessionEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RejectionForm(django_forms.Form):
    note = django_forms.CharField(
        label="Reason for the trainee",
        widget=django_forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why, so the trainee can put it right."},
    )


@admin.register(EducationRecord)
class EducationRecordAdmin(admin.ModelAdmin):
    """Review external education: select pending records, then approve or reject them."""

    list_display = [
        "title",
        "provider",
        "trainee",
        "completed_on",
        "hours",
        "synchronous_hours",
        "status",
        "certificate_link",
    ]
    list_filter = ["status", "source"]
    search_fields = ["title", "provider", "trainee__email", "trainee__last_name"]
    list_select_related = ["trainee"]
    fields = [
        "trainee",
        "title",
        "provider",
        "completed_on",
        "hours",
        "synchronous_hours",
        "certificate_link",
        "status",
        "review_note",
        "source",
    ]
    readonly_fields = fields
    inlines = [EducationRecordEventInline]
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Certificate")
    def certificate_link(self, record):
        if not record.certificate:
            return "–"
        url = reverse("credentials:education_certificate", args=[record.pk])
        return format_html('<a href="{}">Download</a>', url)

    def _review(self, request, queryset, *, approve: bool, note: str) -> None:
        reviewed, refused = 0, []
        for record in queryset.select_related("trainee"):
            try:
                services.education_record_review(
                    record=record, reviewer=request.user, approve=approve, note=note
                )
            except ValidationError as error:
                refused.append(f"{record.title}: {' '.join(error.messages)}")
            else:
                reviewed += 1
        verb = "approved" if approve else "rejected"
        if reviewed:
            self.message_user(request, f"{reviewed} record(s) {verb}.", messages.SUCCESS)
        for text in refused:
            self.message_user(request, text, messages.WARNING)

    @admin.action(description="Approve the selected records", permissions=["change"])
    def approve_selected(self, request, queryset):
        self._review(request, queryset, approve=True, note="")

    @admin.action(description="Reject the selected records…", permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectionForm(request.POST if "note" in request.POST else None)
        if form.is_valid():
            self._review(request, queryset, approve=False, note=form.cleaned_data["note"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject education records",
            "opts": self.model._meta,
            "records": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "credentials/records/admin_reject_education.html", context)


class AssessmentResultForm(django_forms.ModelForm):
    class Meta:
        model = AssessmentResult
        fields = ["trainee", "kind", "date", "passed", "score"]

    def clean(self):
        cleaned = super().clean()
        trainee = cleaned.get("trainee")
        if trainee is not None and not trainee.has_role(Role.TRAINEE):
            self.add_error("trainee", "Choose a trainee: this person is not one.")
        if "kind" in cleaned and "passed" in cleaned and "score" in cleaned:
            problems = services.assessment_outcome_problems(
                kind=cleaned["kind"],
                passed=cleaned["passed"],
                score=cleaned["score"],
                pass_mark=selectors.exam_pass_mark_of(trainee=trainee) if trainee else None,
            )
            for field, text in problems.items():
                self.add_error(field, text)
        return cleaned


@admin.register(AssessmentResult)
class AssessmentResultAdmin(admin.ModelAdmin):
    """Exam and performance-evaluation results; saving goes through the service."""

    form = AssessmentResultForm
    list_display = ["trainee", "kind", "date", "passed", "score", "recorded_by", "source"]
    list_filter = ["kind", "passed", "source"]
    search_fields = ["trainee__email", "trainee__last_name"]
    list_select_related = ["trainee", "recorded_by"]
    raw_id_fields = ["trainee"]

    def save_model(self, request, obj, form, change):
        recorded = services.assessment_result_record(
            trainee=form.cleaned_data["trainee"],
            kind=form.cleaned_data["kind"],
            date=form.cleaned_data["date"],
            passed=form.cleaned_data["passed"],
            score=form.cleaned_data["score"],
            recorded_by=request.user,
            result=obj if change else None,
        )
        obj.pk = recorded.pk


# --- Imports ---------------------------------------------------------------------------------


class ImportJobForm(django_forms.ModelForm):
    """Checks the file (type, size, headings) before the job is queued: mistakes show at once."""

    class Meta:
        model = ImportJob
        fields = ["kind", "file", "dry_run"]
        help_texts = {
            "file": "A .csv (CSV UTF-8) or .xlsx file of at most 10 MB and 20,000 rows. "
            "Row 1 holds the headings.",
            "dry_run": "Check every row and report what would change, without saving anything.",
        }

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload and kind:
            try:
                check_headings(kind=kind, table=read_table(upload))
            except ImportFileError as error:
                raise ValidationError({"file": error.message}) from None
            upload.seek(0)
        return cleaned


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import records: the add form queues a background job and shows its progress page."""

    form = ImportJobForm
    list_display = [
        "__str__",
        "status",
        "dry_run",
        "processed_rows",
        "total_rows",
        "created_rows",
        "updated_rows",
        "created_by",
        "progress_link",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = ["progress_link"]

    @admin.display(description="Progress")
    def progress_link(self, job: ImportJob) -> str:
        url = reverse("credentials:import_job", args=[job.pk])
        return format_html('<a href="{}">Show progress and results</a>', url)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "file", "dry_run"]
        return [
            "kind",
            "file",
            "dry_run",
            "status",
            "progress_link",
            "total_rows",
            "processed_rows",
            "created_rows",
            "updated_rows",
            "created_by",
            "created_at",
            "finished_at",
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(
            request, form_url, {**(extra_context or {}), "title": "Import records"}
        )

    def has_change_permission(self, request, obj=None):
        return False  # a job is a record of what happened

    def save_model(self, request, obj, form, change):
        job = services.import_job_create(
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            created_by=request.user,
        )
        # The admin logs and redirects using `obj`: point it at the job the service saved.
        obj.pk, obj.file, obj.created_at = job.pk, job.file, job.created_at

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("credentials:import_job", pk=obj.pk)


# --- Pathways, applications, awards ----------------------------------------------------------


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    """Every requirement number is editable; an empty one means the pathway does not have it."""

    list_display = ["level", "award_title", "education_hours", "mentor_hours", "experience_hours"]
    fieldsets = [
        (None, {"fields": ["code", "award_title", "name", "level", "prerequisite_credential"]}),
        (
            "Requirements",
            {"fields": [code for code in REQUIREMENT_CODES if code != "prerequisite_credential"]},
        ),
        (
            "How hours count",
            {
                "fields": [
                    "group_mentoring_cap_hours",
                    "min_one_to_one_mentor_hours",
                    "max_mentoring_group_size",
                    "max_coaching_group_size",
                    "recency_window_months",
                    "exam_pass_mark",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Codes are in URLs, emails and the credential_status command: fixed once created.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CredentialApplication)
class CredentialApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change status on the review page, which writes the events."""

    list_display = ["trainee", "pathway", "status", "submitted_at"]
    list_filter = ["status", "pathway"]
    search_fields = ["trainee__email", "trainee__last_name"]
    list_select_related = ["trainee", "pathway"]
    readonly_fields = ["trainee", "pathway", "status", "as_of", "submitted_at", "snapshot"]
    fields = readonly_fields
    inlines = [ApplicationEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevokeForm(django_forms.Form):
    reason = django_forms.CharField(
        label="Reason",
        widget=django_forms.Textarea(attrs={"rows": 4}),
        help_text="The holder receives it by email. The verification page shows the date only.",
    )


class RenameForm(django_forms.Form):
    new_name = django_forms.CharField(
        label="Name on the certificate",
        max_length=255,
        help_text="As the holder's official documents give it.",
    )
    reason = django_forms.CharField(
        label="Reason",
        widget=django_forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the award, with your name and the date.",
    )


class AwardNameChangeInline(admin.TabularInline):
    model = AwardNameChange
    fields = ["changed_at", "changed_by", "old_name", "new_name", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["trainee", "pathway", "issued_on", "programme_name", "revoked_at"]
    list_filter = ["pathway", "issued_on"]
    search_fields = ["trainee__email", "trainee__last_name", "verification_code"]
    list_select_related = ["trainee", "pathway"]
    readonly_fields = [
        "trainee",
        "pathway",
        "application",
        "verification_code",
        "holder_name",
        "title",
        "issued_on",
        "programme_name",
        "certificate_pdf",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
    ]
    fields = readonly_fields
    actions = ["revoke", "change_holder_name"]
    inlines = [AwardNameChangeInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected awards", permissions=["change"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            awards = list(queryset)
            try:
                for award in awards:
                    services.award_revoke(
                        award=award, actor=request.user, reason=form.cleaned_data["reason"]
                    )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(request, f"Revoked {len(awards)} award(s); holders were emailed.")
            return None
        return TemplateResponse(
            request,
            "credentials/awards/admin_revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": "Revoke awards",
                "awards": queryset.select_related("trainee", "pathway"),
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description="Change the name on the selected award (reissues its certificate)",
        permissions=["change"],
    )
    def change_holder_name(self, request, queryset):
        awards = list(queryset.select_related("trainee", "pathway")[:2])
        if len(awards) != 1:
            self.message_user(request, "Select exactly one award to rename.", messages.ERROR)
            return None
        award = awards[0]
        form = RenameForm(
            request.POST if "confirm" in request.POST else None,
            initial={"new_name": award.holder_name},
        )
        if form.is_valid():
            try:
                services.award_holder_rename(
                    award=award,
                    actor=request.user,
                    new_name=form.cleaned_data["new_name"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request, f"The award now reads {award.holder_name}; its certificate is reissued."
            )
            return None
        return TemplateResponse(
            request,
            "credentials/awards/admin_rename.html",
            {
                **self.admin_site.each_context(request),
                "title": "Change the name on an award",
                "award": award,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(EducationCertificate)
class EducationCertificateAdmin(admin.ModelAdmin):
    """Read-only: issued when a trainee completes every module of a programme."""

    list_display = ["holder_name", "programme_title", "education_hours", "issued_on"]
    search_fields = ["trainee__email", "holder_name", "verification_code"]
    list_select_related = ["trainee"]
    readonly_fields = [
        "trainee",
        "programme",
        "verification_code",
        "holder_name",
        "programme_title",
        "accreditation_line",
        "education_hours",
        "synchronous_hours",
        "first_completed_on",
        "last_completed_on",
        "issued_on",
        "certificate_pdf",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from credentials.cme import admin as cme_admin  # noqa: E402, F401 (registers the CME admin)
