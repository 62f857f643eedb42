"""Request-wide policies: NUL characters refused, the user's time zone, role names, the admin
CSP, two-factor sign-in."""

import zoneinfo

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from lms import policies

# The Wagtail and Django admins ship inline scripts and styles we do not control.
ADMIN_PREFIXES = ("/cms/", "/django-admin/")


class RejectNulCharactersMiddleware:
    """Answer 400 to a NUL character in the path, the query string or a posted form field.

    No address or field of the site needs one, and PostgreSQL refuses it in text (a look-up or
    save with one would fail with a 500 wherever it lands); this one place keeps every view from
    having to know.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.path) or _has_nul(request.GET) or _has_nul(request.POST):
            return HttpResponseBadRequest(
                "Bad request: the address or a form field holds a NUL character.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    # A QueryDict (GET or POST, without uploaded files): every name and every value.
    return any(
        "\x00" in key or any("\x00" in item for item in items) for key, items in value.lists()
    )


class UserTimezoneMiddleware:
    """Times are stored in UTC and shown in the signed-in user's own zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class SessionRoleNamesMiddleware:
    """Keep the signed-in user's role names in their session: most pages need them for the menu.

    The copy is tagged with User.roles_version, which changes with any change to the user's
    groups, so a stale copy is read again rather than trusted. Signing in writes the first copy
    (lms.signals), while the session is being saved anyway.
    """

    SESSION_KEY = "lms_role_names"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def remember(cls, session, user, names) -> None:
        entry = [user.roles_version, sorted(names)]
        if session.get(cls.SESSION_KEY) != entry:
            session[cls.SESSION_KEY] = entry

    def __call__(self, request):
        user = request.user
        signed_in = user.is_authenticated
        if signed_in:
            kept = request.session.get(self.SESSION_KEY)
            if kept and kept[0] == user.roles_version:
                user.cache_role_names(kept[1])
        response = self.get_response(request)
        # Only for the same user (the view may have signed someone in or out), and only once
        # the page has read the names.
        if signed_in and request.user is user and user.cached_role_names() is not None:
            self.remember(request.session, user, user.cached_role_names())
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Strict CSP for our pages; admin screens get inline script and style allowed."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIXES):
            parts.update = {
                "script-src": [SELF, UNSAFE_INLINE],
                "style-src": [SELF, UNSAFE_INLINE],
                "img-src": [SELF, "data:", "blob:"],
            }
        return parts


class StaffTwoFactorMiddleware:
    """With STAFF_REQUIRE_2FA on, an account holding admin power (lms.policies) confirms a
    one-time code before any page, not only the admin screens.

    Every page, rather than a list of admin views: most of what such a session shows uses that
    power (the dashboard's admin panels, applications, anyone's progress and certificates,
    import jobs, trainer pages), and a view added later is covered without anyone
    remembering to. Only the two-factor pages themselves and signing out stay open.
    """

    OPEN_URL_NAMES = ("two_factor_verify", "two_factor_setup", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if policies.second_factor_missing(request.user) and request.path_info not in {
            reverse(name) for name in self.OPEN_URL_NAMES
        }:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        return self.get_response(request)
