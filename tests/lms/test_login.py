import pytest
from django.urls import reverse

from tests.factories.people import PASSWORD, make_trainee

LOGIN = reverse("login")
WRONG = "That email and password don't match an account. Check both and try again."


def test_login_page_labels_and_button(client, db):
    html = client.get(LOGIN).content.decode()
    assert '<label for="id_username">Email</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert '<button type="submit" class="button">Sign in</button>' in html
    assert 'type="email"' in html
    assert reverse("password_reset") in html
    assert reverse("signup") in html


def test_sign_in_with_any_letter_case_of_the_email(client, trainee):
    response = client.post(LOGIN, {"username": trainee.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(trainee.pk)


def test_sign_in_follows_a_safe_next_but_not_another_site(client, trainee):
    data = {"username": trainee.email, "password": PASSWORD}
    response = client.post(f"{LOGIN}?next=/accounts/profile/", data)
    assert response.url == "/accounts/profile/"
    client.logout()
    response = client.post(f"{LOGIN}?next=https://evil.example/", data)
    assert response.url == reverse("dashboard")


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "nobody@example.org", "password": PASSWORD},
        {"username": "trainee-email", "password": "wrong-password"},
    ],
)
def test_wrong_credentials_get_one_plain_message(client, trainee, credentials):
    if credentials["username"] == "trainee-email":
        credentials["username"] = trainee.email
    response = client.post(LOGIN, credentials)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [WRONG]
    assert WRONG.replace("'", "&#x27;") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_explained(client, db):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "username": ["Enter your email address."],
        "password": ["Enter your password."],
    }


def test_inactive_account_cannot_sign_in(client, db):
    person = make_trainee(is_active=False)
    response = client.post(LOGIN, {"username": person.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_signed_in_people_visiting_login_go_to_the_dashboard(client, trainee):
    client.force_login(trainee)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_logout_is_post_only_and_signs_out(client, trainee):
    client.force_login(trainee)
    assert client.get(reverse("logout")).status_code == 405
    assert client.session["_auth_user_id"] == str(trainee.pk)

    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[0] == (LOGIN, 302)
    assert "_auth_user_id" not in client.session
    assert "You have signed out." in response.content.decode()


def test_five_failures_lock_the_account_for_this_address_with_a_429_page(client, trainee):
    for _ in range(4):
        response = client.post(LOGIN, {"username": trainee.email, "password": "nope-nope-nope"})
        assert response.status_code == 400
    # The fifth failure reaches the limit; so does a different letter case of the same email.
    response = client.post(LOGIN, {"username": trainee.email.upper(), "password": "nope-nope"})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Signing in is paused" in html
    assert "15 minutes" in html

    # Even the right password is refused while locked; nothing signs the person in.
    response = client.post(LOGIN, {"username": trainee.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_and_address(client, trainee):
    other = make_trainee()
    for _ in range(5):
        client.post(LOGIN, {"username": trainee.email, "password": "nope-nope-nope"})
    response = client.post(LOGIN, {"username": other.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_a_success_before_the_limit_resets_the_count(client, trainee):
    for _ in range(4):
        client.post(LOGIN, {"username": trainee.email, "password": "nope-nope-nope"})
    assert client.post(LOGIN, {"username": trainee.email, "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        response = client.post(LOGIN, {"username": trainee.email, "password": "nope-nope-nope"})
    assert response.status_code == 400


PROXY = "10.0.0.2"  # the TLS proxy: every request reaches the site from it


def post_through_the_proxy(client, forwarded_for: str, email: str, password: str):
    return client.post(
        LOGIN,
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_each_client_is_locked_out_on_its_own(client, trainee, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        response = post_through_the_proxy(client, "203.0.113.5", trainee.email, "nope-nope-nope")
    assert response.status_code == 429

    # Another client behind the same proxy signs in to the same account.
    response = post_through_the_proxy(client, "198.51.100.7", trainee.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(trainee.pk)


def test_an_address_the_client_adds_to_x_forwarded_for_does_not_escape_the_lockout(
    client, trainee, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        # The proxy appends the address it saw; what the client sent stays on the left.
        forwarded_for = f"192.0.2.{attempt}, 203.0.113.5"
        response = post_through_the_proxy(client, forwarded_for, trainee.email, "nope-nope-nope")
    assert response.status_code == 429
    response = post_through_the_proxy(client, "192.0.2.99, 203.0.113.5", trainee.email, PASSWORD)
    assert response.status_code == 429


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, trainee, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(5):
        response = post_through_the_proxy(
            client, f"203.0.113.{attempt}", trainee.email, "nope-nope-nope"
        )
    assert response.status_code == 429
