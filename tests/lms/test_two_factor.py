from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.views import TOTP_SETUP_SESSION_KEY
from tests.factories.people import make_totp_device, totp_code

VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")


def let_the_wrong_code_delay_pass(device):
    # django-otp refuses any code for 2**(failures-1) seconds after a wrong one.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def device_failure_time(device):
    return TOTPDevice.objects.get(pk=device.pk).throttling_failure_timestamp


@pytest.fixture
def require_2fa(settings):
    settings.STAFF_REQUIRE_2FA = True


@pytest.mark.parametrize("path", ["/cms/", "/django-admin/"])
def test_with_2fa_off_staff_reach_the_back_office_with_a_password_only(
    client, programme_admin, settings, path
):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(programme_admin)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/cms/", "/django-admin/"])
def test_with_2fa_on_staff_without_an_app_are_sent_to_set_one_up(
    client, programme_admin, require_2fa, path
):
    client.force_login(programme_admin)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next={path.replace('/', '%2F')}"
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next={path.replace('/', '%2F')}"


def test_setup_shows_a_qr_code_and_the_key_then_confirms_with_a_code(
    client, programme_admin, require_2fa
):
    client.force_login(programme_admin)
    page = client.get(f"{SETUP}?next=/cms/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<path" in html
    assert "<?xml" not in html
    assert 'role="img"' in html
    assert '<label for="id_code">6-digit code</label>' in html
    key = client.session[TOTP_SETUP_SESSION_KEY]
    assert page.context["secret_groups"].replace(" ", "")  # the key, in base32, for typing
    assert not TOTPDevice.objects.exists()  # opening the page writes nothing

    wrong = client.post(SETUP, {"code": totp_code(key, offset_steps=10), "next": "/cms/"})
    assert wrong.status_code == 400
    assert "That code didn't work." in wrong.content.decode().replace("&#x27;", "'")
    assert not TOTPDevice.objects.exists()
    assert client.session[TOTP_SETUP_SESSION_KEY] == key  # same QR code while they retry

    done = client.post(SETUP, {"code": totp_code(key), "next": "/cms/"})
    assert done.status_code == 302
    assert done.url == "/cms/"
    device = TOTPDevice.objects.get(user=programme_admin)
    assert device.confirmed and device.key == key
    assert TOTP_SETUP_SESSION_KEY not in client.session
    assert client.get("/cms/").status_code == 200


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef"])
def test_code_format_errors(client, programme_admin, code):
    make_totp_device(programme_admin)
    client.force_login(programme_admin)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert response.context["form"].errors["code"]


def test_a_code_with_a_space_is_accepted(client, programme_admin, require_2fa):
    device = make_totp_device(programme_admin)
    client.force_login(programme_admin)
    code = totp_code(device.key)
    response = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}", "next": "/cms/"})
    assert response.status_code == 302


def test_staff_with_an_app_type_a_code_to_reach_the_back_office(
    client, programme_admin, require_2fa
):
    device = make_totp_device(programme_admin)
    client.force_login(programme_admin)
    assert client.get("/cms/").url == f"{VERIFY}?next=%2Fcms%2F"
    page = client.get(f"{VERIFY}?next=/cms/")
    assert page.status_code == 200
    assert '<input type="hidden" name="next" value="/cms/">' in page.content.decode()

    wrong = client.post(VERIFY, {"code": totp_code(device.key, offset_steps=10), "next": "/cms/"})
    assert wrong.status_code == 400
    assert client.get("/cms/").status_code == 302
    let_the_wrong_code_delay_pass(device)

    right = client.post(VERIFY, {"code": totp_code(device.key), "next": "/cms/"})
    assert right.status_code == 302
    assert right.url == "/cms/"
    assert client.get("/cms/").status_code == 200
    assert client.get("/django-admin/").status_code == 200


def test_a_code_works_only_once(client, programme_admin, require_2fa):
    device = make_totp_device(programme_admin)
    code = totp_code(device.key)
    client.force_login(programme_admin)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()
    client.force_login(programme_admin)
    assert client.post(VERIFY, {"code": code}).status_code == 400


def test_repeated_wrong_codes_are_throttled(client, programme_admin, require_2fa):
    device = make_totp_device(programme_admin)
    client.force_login(programme_admin)
    for _ in range(3):
        let_the_wrong_code_delay_pass(device)
        client.post(VERIFY, {"code": totp_code(device.key, offset_steps=20)})
    # Right after the third wrong code, even the right code must wait (4 seconds; the clock
    # is pinned so a slow machine cannot let the delay pass first).
    with mock.patch("django.utils.timezone.now", return_value=device_failure_time(device)):
        response = client.post(VERIFY, {"code": totp_code(device.key)})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [
        "After a wrong code you need to wait a little. Try the newest code in 4 seconds."
    ]
    assert not client.session.get("otp_device_id")
    device.refresh_from_db()
    assert device.throttling_failure_count == 3

    let_the_wrong_code_delay_pass(device)
    assert client.post(VERIFY, {"code": totp_code(device.key)}).status_code == 302


def test_setup_cannot_add_a_second_app(client, programme_admin, require_2fa):
    # Otherwise someone with only the password could add their own app and skip the code.
    make_totp_device(programme_admin)
    client.force_login(programme_admin)
    response = client.get(f"{SETUP}?next=/cms/")
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fcms%2F"
    response = client.post(SETUP, {"code": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.count() == 1


def test_next_pointing_to_another_site_is_ignored(client, programme_admin):
    device = make_totp_device(programme_admin)
    client.force_login(programme_admin)
    response = client.post(VERIFY, {"code": totp_code(device.key), "next": "https://evil.example/"})
    assert response.url == "/cms/"


def test_verified_staff_visiting_verify_go_straight_on(client, programme_admin):
    device = make_totp_device(programme_admin)
    client.force_login(programme_admin)
    client.post(VERIFY, {"code": totp_code(device.key)})
    response = client.get(f"{VERIFY}?next=/django-admin/")
    assert response.status_code == 302
    assert response.url == "/django-admin/"


@pytest.mark.parametrize("url", [VERIFY, SETUP])
def test_two_factor_pages_are_for_signed_in_staff_only(client, trainee, trainer, url):
    assert client.get(url).status_code == 302
    assert client.get(url).url.startswith(reverse("login"))
    for person in (trainee, trainer):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_non_staff_are_not_affected_by_the_2fa_setting(client, trainee, require_2fa):
    client.force_login(trainee)
    assert client.get(reverse("profile")).status_code == 200
