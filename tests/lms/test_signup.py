from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from lms.models import Profession, Role, User
from lms.services import DUPLICATE_EMAIL_MESSAGE, trainee_register
from tests.factories.people import make_trainee

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


def test_signup_creates_a_signed_in_trainee_and_queues_a_welcome_email(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, signup_data())

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get()
    assert user.email == "ada.lovelace@example.org"
    assert user.has_role(Role.TRAINEE)
    assert not user.is_staff
    assert (user.profession, user.specialty, user.npi) == ("physician", "Cardiology", "1234567893")
    assert user.training_start == date(2024, 9, 1)
    assert user.time_zone == "America/New_York"
    assert user.check_password(STRONG_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)

    page = client.get(response.url)
    assert "Welcome, Ada! Your trainee account is ready." in page.content.decode()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada.lovelace@example.org"]
    assert mail.outbox[0].subject == "Welcome to Coach Academy"
    assert "Hello Ada," in mail.outbox[0].body
    assert "http://testserver/dashboard/" in mail.outbox[0].body


def test_optional_fields_may_be_left_empty(client, db):
    response = client.post(URL, signup_data(npi="", specialty="", training_start=""))
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.npi, user.specialty, user.training_start) == ("", "", None)


def test_duplicate_email_is_refused_whatever_the_letter_case(client, db):
    make_trainee(email="ada.lovelace@example.org")
    response = client.post(URL, signup_data(email="ADA.Lovelace@example.org"))
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [DUPLICATE_EMAIL_MESSAGE]
    assert "An account with this email already exists" in response.content.decode()
    assert User.objects.count() == 1


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


def test_service_refuses_a_duplicate_email_itself(db):
    make_trainee(email="ada.lovelace@example.org")
    with pytest.raises(ValidationError) as caught:
        register()
    assert caught.value.message_dict == {"email": [DUPLICATE_EMAIL_MESSAGE]}


def test_service_turns_a_lost_race_for_the_email_into_the_same_message(db):
    # Another request inserted the same email between our check and our insert.
    with (
        mock.patch("lms.services.user_create", side_effect=IntegrityError("unique")),
        pytest.raises(ValidationError) as caught,
    ):
        register()
    assert caught.value.message_dict == {"email": [DUPLICATE_EMAIL_MESSAGE]}
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
