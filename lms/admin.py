"""Django admin for people. Roles are chosen as roles (not raw groups) and saved through
lms.services.user_set_roles; is_staff follows the roles by itself (User.save). Only a superuser
grants admin power here (lms.policies)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from lms import policies
from lms.models import Role, User
from lms.services import ErasureOutcome, learner_erase, user_set_roles


class RolesFieldMixin(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Programme admins can also use the back office (/cms/ and this admin).",
    )
    actor = None  # the signed-in admin, set by UserAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not policies.may_grant_admin_power(self.actor):
            roles = self.fields["roles"]
            plain = policies.PLAIN_ROLE_NAMES
            roles.choices = [(value, label) for value, label in Role.choices if value in plain]
            roles.help_text = policies.GRANT_REFUSED_MESSAGE
            roles.error_messages["invalid_choice"] = policies.GRANT_REFUSED_MESSAGE

    def clean_roles(self):
        current = self.instance.role_names if self.instance.pk else ()
        names = policies.group_names_after_edit(
            actor=self.actor, current=current, chosen=self.cleaned_data["roles"]
        )
        return [value for value in Role.values if value in names]


class UserAddForm(RolesFieldMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class UserChangeForm(RolesFieldMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.role_names)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserAddForm
    ordering = ("last_name", "first_name", "email")
    list_display = (
        "email",
        "first_name",
        "last_name",
        "roles_display",
        "profession",
        "credential_held",
        "is_active",
        "last_login",
    )
    list_filter = ("groups", "credential_held", "profession", "is_staff", "is_active")
    actions = ["erase_selected"]
    search_fields = ("email", "first_name", "last_name", "npi", "specialty")
    readonly_fields = ("last_login", "date_joined", "is_staff")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        (
            "Professional details",
            {
                "fields": (
                    "profession",
                    "specialty",
                    "npi",
                    "credential_held",
                    "credential_since",
                    "training_start",
                )
            },
        ),
        ("Preferences", {"fields": ("time_zone",)}),
        ("Roles", {"fields": ("roles", "is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "roles",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may make (or unmake) another superuser.
        if policies.may_grant_admin_power(request.user):
            return self.readonly_fields
        return (*self.readonly_fields, "is_superuser")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not policies.may_change_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not policies.may_change_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
        )

    @admin.display(description="Roles")
    def roles_display(self, user: User) -> str:
        return ", ".join(sorted(group.name for group in user.groups.all())) or "-"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        roles = tuple(Role(value) for value in form.cleaned_data.get("roles", ()))
        user_set_roles(user=form.instance, roles=roles, actor=request.user)

    # Deleting goes through learner_erase, which keeps CME records (anonymised) for 6 years. A
    # person with CME records cannot be deleted outright (PROTECT); "Erase" anonymises them.
    def delete_model(self, request, obj):
        learner_erase(user=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            learner_erase(user=user, actor=request.user)

    @admin.action(description="Erase the selected people (CME records are kept, anonymised)")
    def erase_selected(self, request, queryset):
        outcomes = {ErasureOutcome.DELETED: 0, ErasureOutcome.ANONYMISED: 0}
        for user in queryset:
            if not self.has_delete_permission(request, user):
                messages.error(request, f"You may not erase {user}.")
                continue
            try:
                outcomes[learner_erase(user=user, actor=request.user)] += 1
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        messages.success(
            request,
            f"Deleted {outcomes[ErasureOutcome.DELETED]}; anonymised "
            f"{outcomes[ErasureOutcome.ANONYMISED]} who have CME records, which are kept.",
        )
