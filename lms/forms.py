"""Account forms: sign-up, sign-in, password reset, profile and two-factor codes.

Forms check what a person typed and say what is wrong in plain words; the writes happen in
lms.services, whose ValidationErrors the views hand back to the form with `add_service_error`.
"""

import functools
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lms.emails import site_url
from lms.models import Profession, Role, User
from lms.services import DEFAULT_TIME_ZONE, email_send
from lms.validators import validate_not_in_future, validate_npi

STRONG_CHOICE_HELP_TEXT = (
    "At least 10 characters. Avoid common passwords, only numbers, "
    "and anything close to your name or email."
)
MISMATCH_MESSAGE = "The two passwords don't match. Type the same password in both boxes."
# Old aliases (US/Eastern, Etc/GMT+5...) would only make a long list longer.
_LEGACY_ZONE_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/")


def posted_data(request):
    """The submitted data for a POST (even an empty one), None for a GET: a form bound to it
    is checked only when something was sent."""
    return request.POST if request.method == "POST" else None


@functools.cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    zones = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(_LEGACY_ZONE_PREFIXES)
    )
    return (("UTC", "UTC"), *((name, name.replace("_", " ")) for name in zones))


def login_throttle_username(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: count failures per email whatever its letter case."""
    source = credentials if credentials is not None else request.POST
    return (source.get(settings.AXES_USERNAME_FORM_FIELD) or "").strip().lower()


class PlainFormMixin:
    """Labels without a trailing colon, and service errors shown on the form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_service_error(self, error: ValidationError) -> None:
        """Attach a service's ValidationError: to its field if the form has one, else on top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault("initial", DEFAULT_TIME_ZONE)
        kwargs.setdefault("help_text", "Dates and times are shown in this zone.")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "Choose a time zone from the list, such as Europe/London."},
        )
        super().__init__(choices=time_zone_choices, **kwargs)


class TrainingStartField(forms.DateField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Training start date",
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text="Optional. Coaching hours count from this date. It can't be in the future.",
            error_messages={"invalid": "Enter a real date, for example 2025-03-31."},
            **kwargs,
        )


def npi_field() -> forms.CharField:
    return forms.CharField(
        label="NPI",
        required=False,
        max_length=10,
        validators=[validate_npi],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="Optional. Your 10-digit US National Provider Identifier, if you have one.",
        error_messages={"max_length": "An NPI is exactly 10 digits, with no spaces or letters."},
    )


class ProfileFieldsMixin(PlainFormMixin):
    """Checks shared by sign-up and the profile page."""

    def clean_npi(self) -> str:
        return self.cleaned_data["npi"].strip()

    def clean(self):
        cleaned = super().clean()
        training_start = cleaned.get("training_start")
        zone_name = cleaned.get("time_zone") or DEFAULT_TIME_ZONE
        if training_start:
            # "Today" where the person is, not on the server.
            today = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone_name))
            try:
                validate_not_in_future(training_start, today=today)
            except ValidationError as error:
                self.add_error("training_start", error)
        return cleaned


class PersonForm(ProfileFieldsMixin, forms.Form):
    """The fields a person fills in about themselves, on sign-up and on the profile page."""

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter your first name."},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Enter your last name."},
    )
    profession = forms.ChoiceField(
        label="Profession",
        choices=[("", "Choose your profession"), *Profession.choices],
        error_messages={
            "required": "Choose your profession.",
            "invalid_choice": "Choose your profession from the list.",
        },
    )
    specialty = forms.CharField(
        label="Specialty",
        max_length=120,
        required=False,
        help_text="Optional. For example cardiology, general practice or oncology nursing.",
    )
    npi = npi_field()
    training_start = TrainingStartField()
    time_zone = TimeZoneField()


class TraineeSignupForm(auth_forms.SetPasswordMixin, PersonForm):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=STRONG_CHOICE_HELP_TEXT,
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type your password again to confirm it."},
    )
    error_messages = {"password_mismatch": MISMATCH_MESSAGE}
    field_order = ["email", *PersonForm.base_fields, "password1", "password2"]

    def clean_email(self) -> str:
        # Whether the address has an account is never said here: lms.services.trainee_register
        # emails its owner instead.
        return User.objects.normalize_email(self.cleaned_data["email"].strip()).lower()

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        if not self.has_error("password2"):
            # The similarity check needs the name and email typed above.
            person = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            self.validate_password_for_user(person, password_field_name="password1")  # noqa: S106
        return cleaned

    def registration_data(self) -> dict:
        """Keyword arguments for lms.services.trainee_register."""
        data = dict(self.cleaned_data)
        data["password"] = data.pop("password1")
        del data["password2"]
        return data


class EmailAuthenticationForm(PlainFormMixin, auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        error_messages={"required": "Enter your email address."},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )
    error_messages = {
        "invalid_login": (
            "That email and password don't match an account. Check both and try again."
        ),
        "inactive": "This account has been closed. Contact your programme team to reopen it.",
    }


class QueuedPasswordResetForm(PlainFormMixin, auth_forms.PasswordResetForm):
    """Django's reset form, with the email sent by a Celery task after the request commits."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter the email address you signed up with.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )

    def get_users(self, email):
        # People added by a programme admin or an import have no password yet; the reset
        # link is how they choose their first one, so they are included (Django skips them).
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        reset_path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        email_send(
            name="password_reset",
            context={**context, "reset_url": site_url(reset_path)},
            to=[to_email],
        )


class PlainSetPasswordForm(PlainFormMixin, auth_forms.SetPasswordForm):
    error_messages = {"password_mismatch": MISMATCH_MESSAGE}
    field_order = ["email", *PersonForm.base_fields, "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = STRONG_CHOICE_HELP_TEXT
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""


class PlainPasswordChangeForm(PlainSetPasswordForm, auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": MISMATCH_MESSAGE,
        "password_incorrect": "Your current password is wrong. Type it again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"


class ProfileForm(PersonForm):
    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {name: getattr(user, name) for name in self.base_fields if hasattr(user, name)},
        )
        super().__init__(*args, **kwargs)
        # Everyone already has a profession: no empty "Choose…" option here.
        self.fields["profession"].choices = Profession.choices
        if user.time_zone not in dict(time_zone_choices()):
            # Someone imported with an old alias keeps it until they choose another zone.
            self.fields["time_zone"].choices = [
                (user.time_zone, user.time_zone),
                *time_zone_choices(),
            ]
        if not user.has_role(Role.TRAINEE):
            del self.fields["training_start"]


class TwoFactorCodeForm(PlainFormMixin, forms.Form):
    code = forms.CharField(
        label="6-digit code",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        help_text="Open your authenticator app and type the code it shows for Coach Academy.",
        error_messages={
            "required": "Type the 6-digit code from your authenticator app.",
        },
    )

    def clean_code(self) -> str:
        # Apps show the code as "123 456"; people type it either way.
        code = self.cleaned_data["code"].replace(" ", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ValidationError("The code is 6 digits, like 123456.", code="code_format")
        return code
