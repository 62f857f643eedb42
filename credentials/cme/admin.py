"""Django admin for the CME office: credit types, activities, completions and claims.

Claims are made by learners or imports; here an admin only corrects the credits, giving a
reason, and the correction history is kept.
"""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect

from credentials.cme import services
from credentials.cme.models import (
    ActivityCredit,
    CmeActivity,
    CmeClaim,
    CmeClaimCorrection,
    CmeCompletion,
    CreditType,
    EvaluationQuestion,
)


@admin.register(CreditType)
class CreditTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "increment", "professions"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False  # the codes are fixed: imports and reports name them

    def has_delete_permission(self, request, obj=None):
        return False


class ActivityCreditInline(admin.TabularInline):
    model = ActivityCredit
    extra = 1


class EvaluationQuestionInline(admin.TabularInline):
    model = EvaluationQuestion
    extra = 0


@admin.register(CmeActivity)
class CmeActivityAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "provider", "learning_format", "start_date", "end_date"]
    list_filter = ["learning_format"]
    search_fields = ["code", "title", "provider", "accme_activity_id"]
    raw_id_fields = ["module", "live_session"]
    inlines = [ActivityCreditInline, EvaluationQuestionInline]


class CompletionForm(forms.ModelForm):
    class Meta:
        model = CmeCompletion
        fields = ["activity", "learner", "completed_on"]


@admin.register(CmeCompletion)
class CmeCompletionAdmin(admin.ModelAdmin):
    """Completions of activities held outside the LMS (live or other), recorded by hand."""

    form = CompletionForm
    list_display = ["activity", "learner", "completed_on", "recorded_by"]
    raw_id_fields = ["learner"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def save_model(self, request, obj, form, change):
        # The form ran the model's clean(): the service's checks pass.
        saved = services.cme_completion_record(
            activity=obj.activity,
            learner=obj.learner,
            completed_on=obj.completed_on,
            actor=request.user,
        )
        obj.pk = saved.pk


class CorrectionInline(admin.TabularInline):
    model = CmeClaimCorrection
    extra = 0
    can_delete = False
    fields = ["at", "old_credits", "new_credits", "reason", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ClaimCorrectionForm(forms.ModelForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the credits change; kept with the old value.",
    )

    class Meta:
        model = CmeClaim
        fields = ["credits"]

    def clean(self):
        cleaned = super().clean()
        if "credits" in cleaned and cleaned["credits"] == self.initial.get("credits"):
            raise forms.ValidationError("The credits are unchanged: nothing to correct.")
        return cleaned


@admin.register(CmeClaim)
class CmeClaimAdmin(admin.ModelAdmin):
    form = ClaimCorrectionForm
    list_display = ["learner", "activity", "credit_type", "credits", "completed_on", "source"]
    list_filter = ["credit_type", "source"]
    search_fields = ["learner__email", "activity__code", "verification_code"]
    readonly_fields = [
        "learner",
        "activity",
        "credit_type",
        "completed_on",
        "claimed_at",
        "source",
        "verification_code",
        "certificate_pdf",
    ]
    inlines = [CorrectionInline]
    actions = ["issue_certificates"]

    @admin.action(description="Issue or reissue the certificates of the selected claims")
    def issue_certificates(self, request, queryset):
        job = services.cme_certificate_job_start(
            claim_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        return redirect("credentials:cme_certificate_job", pk=job.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        original = CmeClaim.objects.get(pk=obj.pk)
        services.cme_claim_correct(
            claim=original,
            credits=form.cleaned_data["credits"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
