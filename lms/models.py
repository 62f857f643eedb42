"""People: the custom user model. Email is the login."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from lms.validators import validate_no_control_characters, validate_npi, validate_time_zone


class Profession(models.TextChoices):
    PHYSICIAN = "physician", "Physician"
    NURSE = "nurse", "Nurse"
    PSYCHOLOGIST = "psychologist", "Psychologist"
    OTHER_CLINICIAN = "other_clinician", "Other clinician"
    NON_CLINICIAN = "non_clinician", "Non-clinician"


class Credential(models.TextChoices):
    NONE = "none", "None"
    ACC = "ACC", "ACC"
    PCC = "PCC", "PCC"
    MCC = "MCC", "MCC"


# Ordering of credential levels: a mentor counts for a pathway at or below their own.
CREDENTIAL_RANK = {Credential.NONE: 0, Credential.ACC: 1, Credential.PCC: 2, Credential.MCC: 3}


class Role(models.TextChoices):
    """Each role is a Django group of the same name (created by migration lms 0002)."""

    TRAINEE = "Trainee", "Trainee"
    TRAINER = "Trainer", "Trainer"
    MENTOR = "Mentor", "Mentor"
    PROGRAMME_ADMIN = "Programme admin", "Programme admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Logins are case-insensitive: emails are stored lower-cased.
        return self.get(**{self.model.USERNAME_FIELD: username.strip().lower()})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(max_length=150, validators=[validate_no_control_characters])
    last_name = models.CharField(max_length=150, validators=[validate_no_control_characters])
    profession = models.CharField(
        max_length=20, choices=Profession.choices, default=Profession.OTHER_CLINICIAN
    )
    specialty = models.CharField(max_length=120, blank=True)
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="US National Provider Identifier (10 digits). Optional.",
    )
    training_start = models.DateField(
        null=True,
        blank=True,
        help_text="Coaching hours count only from this date.",
    )
    credential_held = models.CharField(
        "credential held", max_length=4, choices=Credential.choices, default=Credential.NONE
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped in the same transaction as any change to the user's groups (lms.signals), so a
    # copy of the role names kept in the session can tell when it is out of date.
    roles_version = models.PositiveIntegerField(default=0, editable=False)
    # Bumped in the same transaction as any change to the user's enrolments or module
    # completions (courses.signals), so what is derived from them can be kept until then.
    learning_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def save(self, *args, **kwargs):
        # is_staff is derived, never chosen: whatever screen, import or shell writes the user,
        # it ends up true exactly for superusers and programme admins. Group changes do not go
        # through here; lms.signals saves the user's is_staff after each of them.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not {"is_staff", "is_superuser"}.isdisjoint(update_fields):
            self.is_staff = self.derived_staff_status()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_staff"}
        super().save(*args, **kwargs)

    def derived_staff_status(self) -> bool:
        """Superusers and programme admins use the Django admin, which needs is_staff."""
        if self.is_superuser:
            return True
        # Asked of the database, not of the role-name cache, which may predate a change.
        return self.pk is not None and (
            self.groups.filter(name=Role.PROGRAMME_ADMIN.value).exists()
        )

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names

    @property
    def role_names(self) -> frozenset[str]:
        # Cached on the instance: templates ask several times per page.
        if self.cached_role_names() is None:
            self.cache_role_names(self.groups.values_list("name", flat=True))
        return self._role_names

    def cached_role_names(self) -> frozenset[str] | None:
        return self.__dict__.get("_role_names")

    def cache_role_names(self, names: Iterable[str] | None) -> None:
        """The one writer of the role-name cache. Callers that already hold the names (the
        session's copy, a prefetch) fill it; None forgets it, so the next read asks again."""
        if names is None:
            self.__dict__.pop("_role_names", None)
        else:
            self._role_names = frozenset(names)
