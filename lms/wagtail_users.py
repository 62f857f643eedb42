"""The Wagtail user editor (/cms/users/) and its bulk actions, held to lms.policies: only a
superuser grants admin power there, and someone else may not edit an account that holds it.

Wagtail 8 takes its user screens from the `user_viewset` of the wagtailusers app config
(lms.apps.WagtailUsersConfig points it here); lms.wagtail_hooks registers the bulk actions
below in place of Wagtail's own.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users
from wagtail.users.views.bulk_actions import (
    AssignRoleBulkAction,
    DeleteBulkAction,
    SetActiveStateBulkAction,
)

from lms import policies


class AdminPowerGuardMixin(forms.ModelForm):
    """Someone who may not grant admin power sees the superuser box greyed out and only the
    plain roles among the groups; the account's other groups stay as they were."""

    def __init__(self, *args, for_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        if policies.may_grant_admin_power(for_user):
            return
        if "is_superuser" in self.fields:
            # Disabled: the posted value is ignored and the stored one kept.
            self.fields["is_superuser"].disabled = True
            self.fields["is_superuser"].help_text = "Only a superuser can change this."
        groups = self.fields["groups"]
        groups.queryset = policies.groups_grantable_by(for_user)
        groups.help_text = policies.GRANT_REFUSED_MESSAGE
        groups.error_messages["invalid_choice"] = policies.GRANT_REFUSED_MESSAGE

    def clean_groups(self):
        chosen = self.cleaned_data["groups"]
        current = self.instance.groups.all() if self.instance.pk else []
        names = policies.group_names_after_edit(
            actor=self.for_user,
            current=[group.name for group in current],
            chosen=[group.name for group in chosen],
        )
        return list(policies.groups_grantable_by(None).filter(name__in=names))


class GuardedUserCreationForm(AdminPowerGuardMixin, UserCreationForm):
    pass


class GuardedUserEditForm(AdminPowerGuardMixin, UserEditForm):
    pass


class _ForUserFormKwargs:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class CreateView(_ForUserFormKwargs, users.CreateView):
    pass


class EditView(_ForUserFormKwargs, users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not policies.may_change_account(request.user, self.object):
            raise PermissionDenied("Only a superuser can edit an account with back-office rights.")


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update=False):
        return GuardedUserEditForm if for_update else GuardedUserCreationForm


# Bulk actions on the user list --------------------------------------------------------------


class _GuardedBulkAction:
    """Accounts the signed-in person may not change are listed as ones they cannot act on."""

    def check_perm(self, obj):
        return super().check_perm(obj) and policies.may_change_account(self.request.user, obj)


class GuardedAssignRoleBulkAction(_GuardedBulkAction, AssignRoleBulkAction):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = policies.groups_grantable_by(self.request.user)
        form.fields["role"].error_messages["invalid_choice"] = policies.GRANT_REFUSED_MESSAGE
        return form


class GuardedDeleteBulkAction(_GuardedBulkAction, DeleteBulkAction):
    pass


class GuardedSetActiveStateBulkAction(_GuardedBulkAction, SetActiveStateBulkAction):
    pass
