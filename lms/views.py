from base64 import b32encode
from binascii import unhexlify

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from lms import policies
from lms.forms import (
    EmailAuthenticationForm,
    PlainPasswordChangeForm,
    PlainSetPasswordForm,
    ProfileForm,
    QueuedPasswordResetForm,
    TraineeSignupForm,
    TwoFactorCodeForm,
)
from lms.health import broker_status, database_status
from lms.services import (
    staff_two_factor_verify,
    totp_device_create,
    trainee_register,
    trainee_signup_confirm,
    user_totp_device,
    user_update_profile,
)

# The secret of an authenticator app being set up lives in the session until confirmed, so
# merely opening the set-up page writes nothing.
TOTP_SETUP_SESSION_KEY = "lms_totp_setup_key"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value.startswith("ok") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )


# Our own refusals are written for the person refused ("The journal is for trainees."); those
# raised inside Django or a library may name internals, so their message stays in the log.
OWN_PACKAGES = frozenset({"lms", "courses", "credentials", "billing"})


def _raised_by_own_code(exception: BaseException) -> bool:
    frame = exception.__traceback__
    if frame is None:
        return False
    while frame.tb_next is not None:
        frame = frame.tb_next
    module = frame.tb_frame.f_globals.get("__name__", "")
    return module.partition(".")[0] in OWN_PACKAGES


def permission_denied(request, exception):
    """handler403: the 403 page, with the reason when the refusal is one of ours."""
    if not _raised_by_own_code(exception):
        exception = PermissionDenied()
    return defaults.permission_denied(request, exception)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the static icon."""
    return redirect(static("favicon.svg"))


def _form_response(request, template_name: str, context: dict):
    """Render a form page; a form that came back with errors is a 400 Bad Request."""
    form = context["form"]
    return render(request, template_name, context, status=400 if form.errors else 200)


class InvalidFormIsBadRequestMixin:
    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SignInView(InvalidFormIsBadRequestMixin, auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


class PasswordResetView(InvalidFormIsBadRequestMixin, auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm


class PasswordResetConfirmView(InvalidFormIsBadRequestMixin, auth_views.PasswordResetConfirmView):
    form_class = PlainSetPasswordForm


class PasswordChangeView(InvalidFormIsBadRequestMixin, auth_views.PasswordChangeView):
    form_class = PlainPasswordChangeForm
    success_url = reverse_lazy("password_change_done")


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = TraineeSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            trainee_register(**form.registration_data())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            # The same answer whether or not the address had an account.
            return redirect("signup_sent")
    return _form_response(request, "lms/account/signup.html", {"form": form})


@require_GET
def signup_sent(request):
    return render(request, "lms/account/signup_sent.html")


@never_cache
@require_GET
def signup_confirm(request, uidb64: str, token: str):
    try:
        user = trainee_signup_confirm(uidb64=uidb64, token=token)
    except ValidationError as error:
        return render(
            request,
            "lms/account/signup_confirm_invalid.html",
            {"message": error.messages[0]},
            status=400,
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        f"Welcome, {user.first_name}! Your email address is confirmed and your "
        "trainee account is ready.",
    )
    return redirect("dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile")
    return _form_response(request, "lms/account/profile.html", {"form": form})


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _staff_user(request):
    if not policies.holds_admin_power(request.user):
        raise PermissionDenied("Two-factor sign-in is for accounts with back-office rights.")
    return request.user


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    user = _staff_user(request)
    next_url = _next_url(request, reverse("wagtailadmin_home"))
    if user_totp_device(user=user) is None:
        return redirect(_with_next("two_factor_setup", next_url))
    if request.user.is_verified():
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = staff_two_factor_verify(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            otp_login(request, device)
            return redirect(next_url)
    return _form_response(
        request, "lms/account/two_factor_verify.html", {"form": form, "next": next_url}
    )


def _qr_code_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    # qrcode writes only the <svg> element (no XML prolog, no style attributes), so it can be
    # inlined under the strict CSP.
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = _staff_user(request)
    next_url = _next_url(request, reverse("wagtailadmin_home"))
    if user_totp_device(user=user) is not None:
        # Adding a second app would let someone who only knows the password skip the code.
        return redirect(_with_next("two_factor_verify", next_url))
    key = request.session.get(TOTP_SETUP_SESSION_KEY) or random_hex(20)
    request.session[TOTP_SETUP_SESSION_KEY] = key
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_create(user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            del request.session[TOTP_SETUP_SESSION_KEY]
            otp_login(request, device)
            messages.success(request, "Your authenticator app is set up.")
            return redirect(next_url)
    secret = b32encode(unhexlify(key)).decode()
    config_url = TOTPDevice(user=user, key=key).config_url
    context = {
        "form": form,
        "next": next_url,
        "qr_code": mark_safe(_qr_code_svg(config_url)),  # noqa: S308 - our own generated SVG
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return _form_response(request, "lms/account/two_factor_setup.html", context)
