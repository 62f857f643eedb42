"""With STAFF_REQUIRE_2FA on, a session holding admin power that has not confirmed a one-time
code reaches nothing but the two-factor pages: not the admin screens, not the application
review, certificates, anyone's progress, import jobs or trainer pages."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from courses.services import enrolment_create
from credentials import selectors, services
from credentials.models import ApplicationStatus, Award, ImportJob
from lms.middleware import StaffTwoFactorMiddleware
from lms.models import User
from tests.credentials.eligible import make_acc_eligible
from tests.factories.courses import make_cohort, make_live_session, make_programme, modules_of
from tests.factories.people import (
    make_programme_admin,
    make_totp_device,
    make_trainee,
    totp_code,
)
from tests.factories.records import make_education_record

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")


@pytest.fixture
def admin():
    return make_programme_admin()


@pytest.fixture
def admin_urls(admin):
    """One URL of every kind of page that uses admin power, with real rows behind it."""
    trainee = make_trainee()
    programme = make_programme(modules=1, synchronous_every=1)
    cohort = make_cohort(programme=programme)
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    session = make_live_session(module=modules_of(programme)[0], cohort=cohort)
    record = make_education_record(trainee=trainee)
    applicant = make_acc_eligible()
    pathway = selectors.pathway_by_code(code="acc")
    application = services.application_submit(trainee=applicant, pathway=pathway)
    awarded = services.application_submit(trainee=make_acc_eligible(), pathway=pathway)
    for step in (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.APPROVED):
        services.application_transition(application=awarded, to_status=step, actor=admin)
    award = Award.objects.get(application=awarded)
    award.certificate_pdf.save("award.pdf", ContentFile(b"%PDF-1.4 test"))
    job = ImportJob(kind="people", created_by=admin)
    job.file.save("people.csv", ContentFile(b"Email\n"))
    return [
        reverse("dashboard"),
        reverse("credentials:application_list"),
        reverse("credentials:application_detail", args=[application.pk]),
        reverse("credentials:education_certificate", args=[record.pk]),
        reverse("credentials:award_certificate", args=[award.verification_code]),
        reverse("credentials:progress_of", args=[trainee.pk]),
        reverse("credentials:import_job", args=[job.pk]),
        reverse("credentials:import_job_status", args=[job.pk]),
        reverse("courses:trainer_cohort", args=[cohort.pk]),
        reverse("courses:trainer_trainee", args=[cohort.pk, trainee.pk]),
        reverse("courses:attendance", args=[session.pk]),
        "/cms/",
        reverse("wagtailusers_users:index"),
        "/django-admin/",
        reverse("admin:lms_user_changelist"),
    ]


def sent_to_verify(response, url) -> bool:
    return response.status_code == 302 and response.url == f"{VERIFY}?{urlencode({'next': url})}"


def test_with_2fa_off_an_admin_opens_every_admin_page_with_a_password(client, admin, admin_urls):
    client.force_login(admin)
    for url in admin_urls:
        assert client.get(url).status_code == 200, url


def test_a_password_only_admin_session_is_sent_to_verify_from_every_admin_page(
    client, admin, admin_urls, settings
):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(admin)
    for url in admin_urls:
        assert sent_to_verify(client.get(url), url), url
    # Once a code is confirmed, the same session opens them all.
    device = make_totp_device(admin)
    assert client.post(VERIFY, {"code": totp_code(device.key)}).status_code == 302
    for url in admin_urls:
        assert client.get(url).status_code == 200, url


def test_a_password_only_admin_session_cannot_approve_an_application(client, admin, settings):
    settings.STAFF_REQUIRE_2FA = True
    application = services.application_submit(
        trainee=make_acc_eligible(), pathway=selectors.pathway_by_code(code="acc")
    )
    client.force_login(admin)
    url = reverse("credentials:application_detail", args=[application.pk])
    for step in (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.APPROVED):
        assert sent_to_verify(client.post(url, {"to_status": step}), url)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not Award.objects.exists()


# Every route of the URLconf ------------------------------------------------------------------


def every_route(patterns=None, prefix=""):
    """(path, url name) of every pattern, each parameter filled with 1 (the check comes before
    the view, so the row need not exist). Patterns that are free regular expressions (the
    Wagtail page tree) are walked with one example path."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from every_route(pattern.url_patterns, route)
            continue
        path = re.sub(r"<[^>]+>", "1", route)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("^", "").replace("$", "")
        if re.search(r"[()\[\]\\*+?|]", path):
            path = "some-page/"
        yield "/" + path, pattern.name or ""


OPEN = {reverse(name) for name in StaffTwoFactorMiddleware.OPEN_URL_NAMES}


@pytest.mark.parametrize("holder", ["programme_admin", "superuser", "wagtail_editor"])
def test_every_route_sends_a_password_only_admin_session_to_verify(client, settings, holder):
    settings.STAFF_REQUIRE_2FA = True
    if holder == "programme_admin":
        person = make_programme_admin()
    elif holder == "superuser":
        person = User.objects.create_superuser(email="root@example.org", password="x-pass-12345")
    else:  # admin power from one of Wagtail's own groups
        person = make_trainee()
        person.groups.add(Group.objects.get(name="Editors"))
    client.force_login(person)
    routes = sorted(set(every_route()))
    assert len(routes) > 100  # the walk reached into the Wagtail and Django admins
    walked = 0
    for path, name in routes:
        if path in OPEN:
            continue
        for response in (client.get(path), client.post(path)):
            assert sent_to_verify(response, path), (path, name, response.status_code)
        walked += 1
    assert walked > 100


def test_the_two_factor_pages_and_signing_out_stay_open(client, admin, settings):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(admin)
    assert client.get(reverse("two_factor_setup")).status_code == 200
    assert client.get(VERIFY).status_code == 302  # no app yet: on to set-up
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_people_without_admin_power_are_not_asked(client, trainee, trainer, settings):
    settings.STAFF_REQUIRE_2FA = True
    for person in (trainee, trainer):
        client.force_login(person)
        assert client.get(reverse("dashboard")).status_code == 200
