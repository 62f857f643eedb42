"""Writes for people and roles. Other apps call these, never the models directly."""

import math
import time
import zoneinfo
from binascii import unhexlify
from datetime import date
from enum import StrEnum

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms import policies
from lms.emails import email_render, site_url
from lms.models import Role, User
from lms.tasks import send_email
from lms.validators import validate_not_in_future

DEFAULT_TIME_ZONE = "Europe/London"
SIGNUP_LINK_INVALID_MESSAGE = (
    "This sign-up link has expired or has already been used. If you already confirmed your "
    "address, sign in. Otherwise sign up again and we will email you a new link."
)
WRONG_CODE_MESSAGE = (
    "That code didn't work. Type the 6-digit code your authenticator app shows now."
)


def email_enqueue(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> None:
    """Send an email from a Celery task once the surrounding transaction has committed."""
    transaction.on_commit(
        lambda: send_email.delay(subject=subject, body=body, to=to, html_body=html_body)
    )


def email_send(*, name: str, context: dict, to: list[str]) -> None:
    """Render the email `name` (lms.emails) and send it once the transaction has committed."""
    email = email_render(name, context)
    email_enqueue(subject=email.subject, body=email.body, to=to)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    roles: tuple[Role, ...] = (Role.TRAINEE,),
    actor: User | None = None,
    **profile,
) -> User:
    """`actor` is who creates the account (see user_set_roles)."""
    user = User(email=email, first_name=first_name, last_name=last_name, **profile)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user_set_roles(user=user, roles=roles, actor=actor)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: tuple[Role, ...], actor: User | None = None) -> None:
    """Give `user` exactly these roles; groups that are not roles (Wagtail's Editors...) stay.

    `actor` is the person making the change on a screen, None an operator at the command line
    (a management command, the demo seed). Only a superuser or an operator may give or take
    away the Programme admin role. is_staff follows by itself (User.save, lms.signals).
    """
    wanted = {role.value for role in roles}
    before = set(user.groups.values_list("name", flat=True))
    if not policies.admin_roles_change_allowed(
        actor=actor, before=before & set(Role.values), after=wanted
    ):
        raise ValidationError({"roles": policies.GRANT_REFUSED_MESSAGE}, code="grant_refused")
    groups = list(Group.objects.filter(name__in=wanted | (before - set(Role.values))))
    missing = wanted - {group.name for group in groups}
    if missing:
        raise ValueError(f"Role groups missing (run migrations): {sorted(missing)}")
    user.groups.set(groups)


def users_staff_status_sync(*, user_ids) -> None:
    """Save these users' derived is_staff (User.save) after a change to their groups.

    Called by lms.signals for every change to user groups, inside that change's transaction.
    """
    for user in User.objects.filter(pk__in=user_ids):
        user.save(update_fields=["is_staff"])


def users_roles_version_bump(*, user_ids) -> None:
    """Mark these users' role names as changed, so copies kept in sessions are re-read.

    Called by lms.signals for every change to user groups, whichever screen or service made it,
    inside that change's transaction.
    """
    User.objects.filter(pk__in=user_ids).update(roles_version=F("roles_version") + 1)


def _validate_training_start(training_start: date | None, time_zone: str) -> None:
    if training_start is None:
        return
    try:
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        today = timezone.localdate()  # full_clean reports the bad zone itself
    try:
        validate_not_in_future(training_start, today=today)
    except ValidationError as error:
        raise ValidationError({"training_start": error.messages}) from error


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the link that confirms a sign-up's email address (Django's reset tokens,
    with their own salt). The account's active flag is part of the hash, so a link stops
    working once it has been opened."""

    key_salt = "lms.services.SignupTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


signup_token_generator = SignupTokenGenerator()


def _signup_awaits_confirmation(user: User) -> bool:
    # Signed up but never opened the link: inactive, never signed in, and chose a password
    # (people added by an admin or an import have none, and a deactivated person has signed in
    # or was made inactive by an admin on purpose).
    return not user.is_active and user.last_login is None and user.has_usable_password()


def _signup_confirmation_send(user: User) -> None:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(
        "signup_confirm",
        kwargs={"uidb64": uidb64, "token": signup_token_generator.make_token(user)},
    )
    email_send(
        name="signup_confirm",
        context={"user": user, "confirm_url": site_url(path)},
        to=[user.email],
    )


def _signup_existing_notify(email: str) -> None:
    """Tell the owner of an address that already has an account that someone tried to sign up
    with it; an account still waiting for confirmation gets a fresh link instead."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return
    if _signup_awaits_confirmation(user):
        _signup_confirmation_send(user)
        return
    email_send(
        name="signup_existing",
        context={
            "user": user,
            "login_url": site_url(reverse("login")),
            "reset_url": site_url(reverse("password_reset")),
        },
        to=[user.email],
    )


@transaction.atomic
def trainee_register(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    profession: str,
    specialty: str = "",
    npi: str = "",
    training_start: date | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> User | None:
    """Sign up from the public form: an inactive trainee account and an email with the link
    that confirms the address (and activates the account).

    The caller cannot tell whether the address already had an account (None then, and its owner
    is emailed instead), so the sign-up form reveals nothing about who has one.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    person = {
        "first_name": first_name,
        "last_name": last_name,
        "profession": profession,
        "specialty": specialty,
        "npi": npi,
        "training_start": training_start,
        "time_zone": time_zone,
    }
    _validate_training_start(training_start, time_zone)
    candidate = User(email=email, **person)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    # Every check that does not depend on the address existing, before looking it up.
    candidate.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    if User.objects.filter(email__iexact=email).exists():
        User().set_password(password)  # the hashing a new account costs, so both take as long
        _signup_existing_notify(email)
        return None
    try:
        # A savepoint, so that losing a race for the same email leaves the outer
        # transaction usable and the caller gets the same answer.
        with transaction.atomic():
            user = user_create(
                email=email, password=password, roles=(Role.TRAINEE,), is_active=False, **person
            )
    except IntegrityError:
        _signup_existing_notify(email)
        return None
    _signup_confirmation_send(user)
    return user


@transaction.atomic
def trainee_signup_confirm(*, uidb64: str, token: str) -> User:
    """Activate the account whose sign-up link this is; ValidationError when the link is
    wrong, expired or already used."""
    try:
        user = User.objects.select_for_update().get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not signup_token_generator.check_token(user, token):
        raise ValidationError(SIGNUP_LINK_INVALID_MESSAGE, code="invalid_link")
    user.is_active = True
    user.full_clean()
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    profession: str,
    specialty: str,
    npi: str,
    time_zone: str,
    training_start: date | None = None,
) -> User:
    """Save a person's own profile. `training_start` is applied to trainees only: it decides
    which of their coaching hours count, and no other role has such hours."""
    user.first_name = first_name
    user.last_name = last_name
    user.profession = profession
    user.specialty = specialty
    user.npi = npi
    user.time_zone = time_zone
    fields = ["first_name", "last_name", "profession", "specialty", "npi", "time_zone"]
    if user.has_role(Role.TRAINEE):
        _validate_training_start(training_start, time_zone)
        user.training_start = training_start
        fields.append("training_start")
    user.full_clean()
    user.save(update_fields=fields)
    return user


def user_totp_device(*, user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def totp_device_create(*, user: User, key: str, code: str) -> TOTPDevice:
    """Register an authenticator app once the person proves it shows the right codes.

    `key` is the hex secret shown to them during set-up (kept in their session until now).
    """
    # Lock the person's row so two set-up attempts at once cannot both add a device.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if user_totp_device(user=user) is not None:
        raise ValidationError(
            "You already have an authenticator app set up. Use a code from it to continue.",
            code="device_exists",
        )
    device = TOTPDevice(user=user, name="Authenticator app", key=key, confirmed=True)
    device.full_clean()
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not (code.isdigit() and totp.verify(int(code), tolerance=device.tolerance)):
        raise ValidationError({"code": WRONG_CODE_MESSAGE}, code="wrong_code")
    # The code just used may not be used again to sign in.
    device.last_t = totp.t()
    device.drift = totp.drift
    device.save()
    return device


def staff_two_factor_verify(*, user: User, code: str) -> Device:
    """Check a one-time code against the person's authenticator app.

    django-otp records each failure on the device and refuses every code for a delay that
    doubles with each failure in a row (1 s, 2 s, 4 s...), so guessing is slow. Deliberately
    not atomic here: a failure must stay recorded although we then raise.
    Returns the device to pass to django_otp.login.
    """
    device = user_totp_device(user=user)
    if device is None:
        raise ValidationError("Set up an authenticator app first.", code="no_device")
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until") or timezone.now()
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        raise ValidationError(
            {
                "code": f"After a wrong code you need to wait a little. Try the newest code "
                f"in {seconds} second{'s' if seconds != 1 else ''}."
            },
            code="throttled",
        )
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        raise ValidationError({"code": WRONG_CODE_MESSAGE}, code="wrong_code")
    return verified


class UpsertOutcome(StrEnum):
    """What an import did with one row: re-importing the same file gives only UNCHANGED."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@transaction.atomic
def person_upsert(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    credential: str | None = None,
    training_start: date | None = None,
    actor: User | None = None,
) -> tuple[User, UpsertOutcome]:
    """Create or update one person from the people import; the email is the natural key.

    The role is added to the roles the person already has (an import never takes a role away).
    An empty credential or training start keeps what the person already has, so a file that
    lacks them cannot wipe a trainee's own dates. `actor` is who runs the import (None: an
    operator at the command line); only a superuser's import may give the Programme admin role.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if training_start is not None and role != Role.TRAINEE:
        raise ValidationError({"training_start": "Only trainees have a training start date."})
    person = User.objects.select_for_update().filter(email=email).first()
    if person is None:
        profile = {"training_start": training_start}
        if credential is not None:
            profile["credential_held"] = credential
        _validate_training_start(training_start, DEFAULT_TIME_ZONE)
        try:
            # A savepoint: losing a race with another import of the same email leaves the
            # caller's transaction usable, and the row then counts as already there.
            with transaction.atomic():
                person = user_create(
                    email=email,
                    password=None,
                    first_name=first_name,
                    last_name=last_name,
                    roles=(role,),
                    actor=actor,
                    **profile,
                )
            return person, UpsertOutcome.CREATED
        except IntegrityError:
            person = User.objects.select_for_update().get(email=email)
    wanted = {"first_name": first_name, "last_name": last_name}
    if credential is not None:
        wanted["credential_held"] = credential
    if training_start is not None:
        _validate_training_start(training_start, person.time_zone)
        wanted["training_start"] = training_start
    changed = [field for field, value in wanted.items() if getattr(person, field) != value]
    for field in changed:
        setattr(person, field, wanted[field])
    if changed:
        person.full_clean()
        person.save(update_fields=changed)
    if not person.has_role(role):
        held = [Role(name) for name in person.role_names if name in Role.values]
        user_set_roles(user=person, roles=(*held, role), actor=actor)
        changed.append("roles")
    return person, UpsertOutcome.UPDATED if changed else UpsertOutcome.UNCHANGED


def encryption_keys_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every encrypted column with the newest key; returns how many rows changed.

    Each value is read with whichever listed key decrypts it and written back, so after this
    the older keys can be removed from FIELD_ENCRYPTION_KEYS.
    """
    from django.apps import apps

    from lms.encryption import EncryptedTextField

    rotated = 0
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not names:
            continue
        batch = []
        for row in model._base_manager.only("pk", *names).iterator(chunk_size=batch_size):
            batch.append(row)
            if len(batch) == batch_size:
                rotated += _rewrite(model, batch, names)
                batch = []
        rotated += _rewrite(model, batch, names)
    return rotated


@transaction.atomic
def _rewrite(model, rows: list, names: list[str]) -> int:
    if rows:
        model._base_manager.bulk_update(rows, names)
    return len(rows)
