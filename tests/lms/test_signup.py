import re
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lms.models import Profession, Role, User
from lms.services import SignupTokenGenerator, signup_token_generator, trainee_register
from tests.factories.people import PASSWORD, make_trainee

URL = reverse("signup")
STRONG_PASSWORD = "tidal-orchid-summit-42"


def signup_data(**overrides):
    data = {
        "email": "Ada.Lovelace@Example.ORG",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "profession": Profession.PHYSICIAN,
        "specialty": "Cardiology",
        "npi": "1234567893",
        "training_start": "2024-09-01",
        "time_zone": "America/New_York",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def test_signup_page_has_the_heading_labels_and_button_people_look_for(client, db):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Create your trainee account</h1>" in html
    for field_id, label in [
        ("id_email", "Email"),
        ("id_first_name", "First name"),
        ("id_last_name", "Last name"),
        ("id_profession", "Profession"),
        ("id_password1", "Password"),
        ("id_password2", "Confirm password"),
        ("id_npi", "NPI"),
        ("id_training_start", "Training start date"),
        ("id_time_zone", "Time zone"),
    ]:
        assert f'<label for="{field_id}">{label}</label>' in html
    assert '<button type="submit" class="button">Create account</button>' in html
    assert '<option value="Europe/London" selected>' in html


def _confirm_link(message) -> str:
    (link,) = re.findall(r"http://testserver(/accounts/signup/confirm/\S+)", message.body)
    return link


def test_signup_creates_an_inactive_trainee_and_emails_a_confirmation_link(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, signup_data())

    assert response.status_code == 302
    assert response.url == reverse("signup_sent")
    user = User.objects.get()
    assert user.email == "ada.lovelace@example.org"
    assert not user.is_active
    assert user.has_role(Role.TRAINEE)
    assert not user.is_staff
    assert (user.profession, user.specialty, user.npi) == ("physician", "Cardiology", "1234567893")
    assert user.training_start == date(2024, 9, 1)
    assert user.time_zone == "America/New_York"
    assert user.check_password(STRONG_PASSWORD)
    assert "_auth_user_id" not in client.session

    (message,) = mail.outbox
    assert message.to == ["ada.lovelace@example.org"]
    assert message.subject == "Confirm your email address for Coach Academy"
    assert "Hello Ada," in message.body
    assert _confirm_link(message)


def test_an_unconfirmed_account_cannot_sign_in(client, db):
    client.post(URL, signup_data())
    response = client.post(
        reverse("login"), {"username": "ada.lovelace@example.org", "password": STRONG_PASSWORD}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_opening_the_link_activates_the_account_and_signs_in_once(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, signup_data())
    link = _confirm_link(mail.outbox[0])

    response = client.get(link)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get()
    assert user.is_active
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get(response.url)
    assert "Welcome, Ada! Your email address is confirmed" in page.content.decode()

    client.logout()
    again = client.get(link)
    assert again.status_code == 400
    assert "This sign-up link has expired or has already been used." in again.content.decode()
    assert "_auth_user_id" not in client.session


class _FourDaysAgoTokens(SignupTokenGenerator):
    def _now(self):
        return datetime.now() - timedelta(days=4)


@pytest.mark.parametrize("kind", ["expired", "wrong token", "unknown person", "garbage id"])
def test_a_bad_link_gets_a_clear_page_and_activates_nothing(client, db, kind):
    client.post(URL, signup_data())
    user = User.objects.get()
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = _FourDaysAgoTokens().make_token(user)
    if kind == "wrong token":
        token = "abc-123456"
    elif kind == "unknown person":
        uidb64 = urlsafe_base64_encode(force_bytes(user.pk + 1000))
        token = signup_token_generator.make_token(user)
    elif kind == "garbage id":
        uidb64 = "!!"
    response = client.get(reverse("signup_confirm", kwargs={"uidb64": uidb64, "token": token}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>This link does not work</h1>" in html
    assert "sign up again and we will email you a new link" in html
    user.refresh_from_db()
    assert not user.is_active
    assert "_auth_user_id" not in client.session


def _signup_answer(client, **overrides):
    response = client.post(URL, signup_data(**overrides), follow=True)
    html = response.content.decode()
    return (
        response.status_code,
        response.redirect_chain,
        [template.name for template in response.templates],
        # The CSRF token is masked afresh on every page, whoever signs up.
        re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html),
    )


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client, db, django_capture_on_commit_callbacks
):
    owner = make_trainee(email="grace@example.org", first_name="Grace")
    with django_capture_on_commit_callbacks(execute=True):
        new_address = _signup_answer(client, email="ada@example.org")
        taken_address = _signup_answer(client, email="GRACE@example.org")
    assert new_address == taken_address
    assert new_address[0] == 200
    assert "Check your inbox" in new_address[3]
    assert "already" not in new_address[3]

    assert User.objects.filter(email__iexact="grace@example.org").count() == 1
    owner.refresh_from_db()
    assert owner.is_active and owner.check_password(PASSWORD)
    (message,) = [m for m in mail.outbox if m.to == ["grace@example.org"]]
    assert message.subject == "Someone tried to sign up with your email address"
    assert "http://testserver/accounts/login/" in message.body
    assert "http://testserver/accounts/password/reset/" in message.body
    assert "/signup/confirm/" not in message.body


def test_signing_up_again_before_confirming_sends_a_fresh_link(
    client, db, django_capture_on_commit_callbacks
):
    other_password = "another-fine-pass-77"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, signup_data())
        client.post(URL, signup_data(password1=other_password, password2=other_password))
    assert User.objects.count() == 1
    first, second = mail.outbox
    assert second.subject == first.subject == "Confirm your email address for Coach Academy"
    assert client.get(_confirm_link(second)).status_code == 302
    user = User.objects.get()
    assert user.is_active
    assert user.check_password(STRONG_PASSWORD)  # the second sign-up changed nothing


def test_optional_fields_may_be_left_empty(client, db):
    response = client.post(URL, signup_data(npi="", specialty="", training_start=""))
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.npi, user.specialty, user.training_start) == ("", "", None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": ""}, "email", "Enter your email address."),
        ({"email": "not-an-email"}, "email", "Enter an email address like name@example.org."),
        ({"first_name": ""}, "first_name", "Enter your first name."),
        ({"last_name": ""}, "last_name", "Enter your last name."),
        ({"profession": ""}, "profession", "Choose your profession."),
        ({"profession": "astronaut"}, "profession", "Choose your profession from the list."),
        ({"npi": "1234567890"}, "npi", "This NPI's check digit is wrong."),
        ({"npi": "12345"}, "npi", "An NPI is exactly 10 digits, with no spaces or letters."),
        ({"training_start": "31/02/2024"}, "training_start", "Enter a real date"),
        ({"time_zone": "Mars/Base"}, "time_zone", "Choose a time zone from the list"),
        ({"password1": ""}, "password1", "Choose a password."),
        ({"password2": ""}, "password2", "Type your password again to confirm it."),
        ({"password2": "something-else-99"}, "password2", "The two passwords don't match."),
        ({"password1": "short1", "password2": "short1"}, "password1", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"password1": "ada.lovelace1", "password2": "ada.lovelace1"}, "password1", "too similar"),
    ],
)
def test_each_field_error_is_explained_and_nothing_is_created(
    client, db, overrides, field, message
):
    response = client.post(URL, signup_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_training_start_in_the_future_is_refused(client, db):
    tomorrow = date.today() + timedelta(days=2)
    response = client.post(URL, signup_data(training_start=tomorrow.isoformat()))
    assert response.status_code == 400
    assert response.context["form"].errors["training_start"] == [
        "This date is in the future. Enter today's date or an earlier one."
    ]
    assert not User.objects.exists()


def test_signed_in_people_are_sent_to_their_dashboard(client, trainee):
    client.force_login(trainee)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_signup_does_not_accept_other_methods(client, db):
    assert client.put(URL).status_code == 405


def register(**overrides):
    data = signup_data(**overrides)
    data["password"] = data.pop("password1")
    del data["password2"]
    data["training_start"] = (
        date.fromisoformat(data["training_start"]) if data["training_start"] else None
    )
    return trainee_register(**data)


def test_service_emails_the_owner_of_a_taken_address_and_creates_nothing(
    db, django_capture_on_commit_callbacks
):
    make_trainee(email="ada.lovelace@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert register() is None
    assert User.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Someone tried to sign up with your email address"]


def test_service_treats_a_lost_race_for_the_email_as_a_taken_address(db):
    # Another request inserted the same email between our check and our insert.
    with mock.patch("lms.services.user_create", side_effect=IntegrityError("unique")):
        assert register() is None
    assert not User.objects.exists()


def test_service_validates_the_password_and_training_start(db):
    with pytest.raises(ValidationError) as caught:
        register(password1="ada")
    assert "password" in caught.value.message_dict
    future = (date.today() + timedelta(days=3)).isoformat()
    with pytest.raises(ValidationError) as caught:
        register(training_start=future)
    assert "training_start" in caught.value.message_dict
    assert not User.objects.exists()


def test_service_runs_model_validation(db):
    with pytest.raises(ValidationError) as caught:
        register(npi="1234567890")
    assert "npi" in caught.value.message_dict
    assert not User.objects.exists()
