"""Who may open each account page: anonymous visitors and each role."""

import pytest
from django.urls import reverse

from tests.factories.people import make_mentor

PUBLIC = ["login", "signup", "password_reset", "password_reset_done", "password_reset_complete"]
SIGNED_IN_ONLY = ["profile", "password_change", "password_change_done"]
STAFF_ONLY = ["two_factor_verify", "two_factor_setup"]


@pytest.fixture
def people(trainee, trainer, programme_admin, db):
    return {
        "trainee": trainee,
        "trainer": trainer,
        "mentor": make_mentor(),
        "programme_admin": programme_admin,
    }


@pytest.mark.parametrize("url_name", PUBLIC)
def test_public_pages_open_for_anonymous_visitors(client, db, url_name):
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", SIGNED_IN_ONLY + STAFF_ONLY)
def test_private_pages_send_anonymous_visitors_to_sign_in(client, db, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("role", ["trainee", "trainer", "mentor", "programme_admin"])
@pytest.mark.parametrize("url_name", SIGNED_IN_ONLY)
def test_every_role_can_open_its_own_account_pages(client, people, role, url_name):
    client.force_login(people[role])
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("role", ["trainee", "trainer", "mentor"])
@pytest.mark.parametrize("url_name", STAFF_ONLY)
def test_two_factor_pages_refuse_people_who_are_not_staff(client, people, role, url_name):
    client.force_login(people[role])
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", ["login", "signup"])
@pytest.mark.parametrize("role", ["trainee", "programme_admin"])
def test_signed_in_people_skip_sign_in_and_sign_up(client, people, role, url_name):
    client.force_login(people[role])
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_navigation_offers_sign_in_and_sign_up_only_to_visitors(client, trainee):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("signup")}"' in html
    client.force_login(trainee)
    html = client.get(reverse("profile")).content.decode()
    assert f'action="{reverse("logout")}"' in html
