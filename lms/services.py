"""Writes for people and roles. Other apps call these, never the models directly."""

from django.contrib.auth.models import Group
from django.db import transaction

from lms.models import Role, User
from lms.tasks import send_email


def email_enqueue(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> None:
    """Send an email from a Celery task once the surrounding transaction has committed."""
    transaction.on_commit(
        lambda: send_email.delay(subject=subject, body=body, to=to, html_body=html_body)
    )


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    roles: tuple[Role, ...] = (Role.TRAINEE,),
    **profile,
) -> User:
    user = User(email=email, first_name=first_name, last_name=last_name, **profile)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user_set_roles(user=user, roles=roles)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: tuple[Role, ...]) -> None:
    groups = list(Group.objects.filter(name__in=[role.value for role in roles]))
    missing = {role.value for role in roles} - {group.name for group in groups}
    if missing:
        raise ValueError(f"Role groups missing (run migrations): {sorted(missing)}")
    user.groups.set(groups)
    # Programme admins work in the Wagtail and Django admins, which need is_staff.
    user.is_staff = Role.PROGRAMME_ADMIN in roles or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)
