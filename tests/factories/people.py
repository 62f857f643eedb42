import itertools

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
