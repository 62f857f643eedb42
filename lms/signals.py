"""Keep User.roles_version and the derived is_staff in step with group membership, however
the membership changes.

Roles are edited through lms.services.user_set_roles, but also in the Wagtail user editor
and by Django's group screens, which write the membership table directly.
"""

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from lms import services
from lms.middleware import SessionRoleNamesMiddleware
from lms.models import User


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="lms_user_groups_changed")
def user_groups_changed(*, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # user.groups.add/remove/set/clear: the instance is the user
        if action in ("post_add", "post_remove", "post_clear"):
            services.users_roles_version_bump(user_ids=[instance.pk])
            instance.cache_role_names(None)
            # Saved on this instance, so whoever holds it (a form, a service) sees it too.
            instance.save(update_fields=["is_staff"])
        return
    # group.user_set…: the instance is the group. A clear names no users, so its members are
    # marked just before (the clear runs in one transaction with its signals).
    if action == "pre_clear":
        instance._members_before_clear = list(instance.user_set.values_list("pk", flat=True))
        services.users_roles_version_bump(user_ids=instance._members_before_clear)
    elif action == "post_clear":
        members = instance.__dict__.pop("_members_before_clear", [])
        services.users_staff_status_sync(user_ids=members)
    elif action in ("post_add", "post_remove"):
        services.users_roles_version_bump(user_ids=pk_set)
        services.users_staff_status_sync(user_ids=pk_set)


@receiver(post_save, sender=Group, dispatch_uid="lms_group_renamed")
def group_saved(*, instance, created, **kwargs):
    if not created:  # a rename changes every member's role names
        services.users_roles_version_bump(user_ids=instance.user_set.values("pk"))
        services.users_staff_status_sync(user_ids=instance.user_set.values("pk"))


@receiver(pre_delete, sender=Group, dispatch_uid="lms_group_deleted")
def group_deleted(*, instance, **kwargs):
    # The membership rows go with the group without an m2m signal; this runs in the same
    # transaction as the delete.
    instance._members_before_delete = list(instance.user_set.values_list("pk", flat=True))
    services.users_roles_version_bump(user_ids=instance._members_before_delete)


@receiver(post_delete, sender=Group, dispatch_uid="lms_group_deleted_staff")
def group_deleted_staff_status(*, instance, **kwargs):
    services.users_staff_status_sync(user_ids=instance.__dict__.pop("_members_before_delete", []))


@receiver(user_logged_in, dispatch_uid="lms_role_names_at_sign_in")
def role_names_at_sign_in(*, request, user, **kwargs):
    # Read afresh: the instance signing in may predate a change to its groups.
    user.refresh_from_db(fields=["roles_version"])
    user.cache_role_names(None)
    if request is not None and hasattr(request, "session"):
        SessionRoleNamesMiddleware.remember(request.session, user, user.role_names)
