import itertools
import time
from binascii import unhexlify

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.models import Role, User
from lms.services import user_create

PASSWORD = "correct-horse-battery"  # a test fixture, not a secret
_sequence = itertools.count(1)


def make_user(*, role: Role = Role.TRAINEE, email: str | None = None, **profile) -> User:
    number = next(_sequence)
    profile.setdefault("first_name", f"Person{number}")
    profile.setdefault("last_name", role.value.split()[0])
    return user_create(
        email=email or f"{role.value.split()[0].lower()}{number}@example.org",
        password=PASSWORD,
        roles=(role,),
        **profile,
    )


def make_trainee(**profile) -> User:
    return make_user(role=Role.TRAINEE, **profile)


def make_trainer(**profile) -> User:
    return make_user(role=Role.TRAINER, **profile)


def make_mentor(**profile) -> User:
    return make_user(role=Role.MENTOR, **profile)


def make_programme_admin(**profile) -> User:
    return make_user(role=Role.PROGRAMME_ADMIN, **profile)


def make_totp_device(user: User) -> TOTPDevice:
    """A confirmed authenticator app for `user` (django-otp TOTP)."""
    return TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def totp_code(key_hex: str, *, offset_steps: int = 0) -> str:
    """The 6-digit code an authenticator app with this hex key shows now (or N steps away)."""
    totp = TOTP(unhexlify(key_hex))
    totp.time = time.time() + offset_steps * 30
    return f"{totp.token():06d}"
