import datetime as dt
from datetime import date, timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from lms.middleware import UserTimezoneMiddleware
from lms.models import Profession
from lms.services import user_update_profile
from tests.factories.people import make_mentor, make_trainee

URL = reverse("profile")


def profile_data(**overrides):
    data = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "profession": Profession.NURSE,
        "specialty": "Oncology",
        "npi": "1245319599",
        "time_zone": "Asia/Kolkata",
        "training_start": "2024-01-15",
    }
    data.update(overrides)
    return data


def test_profile_needs_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_trainee_edits_their_profile(client, trainee):
    client.force_login(trainee)
    page = client.get(URL).content.decode()
    assert '<label for="id_training_start">Training start date</label>' in page
    assert reverse("password_change") in page

    response = client.post(URL, profile_data())
    assert response.status_code == 302
    assert response.url == URL
    trainee.refresh_from_db()
    assert (trainee.first_name, trainee.last_name) == ("Grace", "Hopper")
    assert (trainee.profession, trainee.specialty, trainee.npi) == (
        "nurse",
        "Oncology",
        "1245319599",
    )
    assert trainee.time_zone == "Asia/Kolkata"
    assert trainee.training_start == date(2024, 1, 15)
    assert "Your profile is saved." in client.get(URL).content.decode()


def test_profile_form_starts_with_the_saved_values(client, db):
    person = make_trainee(first_name="Mary", specialty="Neurology", time_zone="America/Chicago")
    client.force_login(person)
    html = client.get(URL).content.decode()
    assert 'value="Mary"' in html
    assert 'value="Neurology"' in html
    assert '<option value="America/Chicago" selected>' in html


def test_people_who_are_not_trainees_have_no_training_start(client, db):
    mentor = make_mentor(training_start=date(2020, 5, 1))
    client.force_login(mentor)
    assert "id_training_start" not in client.get(URL).content.decode()
    response = client.post(URL, profile_data(training_start="2024-01-15"))
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.training_start == date(2020, 5, 1)
    assert mentor.first_name == "Grace"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter your first name."),
        ({"last_name": ""}, "last_name", "Enter your last name."),
        ({"profession": "wizard"}, "profession", "Choose your profession from the list."),
        ({"npi": "1234567890"}, "npi", "This NPI's check digit is wrong."),
        ({"npi": "12345678901"}, "npi", "An NPI is exactly 10 digits"),
        ({"time_zone": "Nowhere/Land"}, "time_zone", "Choose a time zone from the list"),
        ({"training_start": "yesterday"}, "training_start", "Enter a real date"),
        (
            {"training_start": (date.today() + timedelta(days=2)).isoformat()},
            "training_start",
            "This date is in the future.",
        ),
    ],
)
def test_profile_errors_are_explained_and_nothing_changes(
    client, trainee, overrides, field, message
):
    client.force_login(trainee)
    before = (trainee.first_name, trainee.npi, trainee.time_zone, trainee.training_start)
    response = client.post(URL, profile_data(**overrides))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    trainee.refresh_from_db()
    assert (trainee.first_name, trainee.npi, trainee.time_zone, trainee.training_start) == before


def test_a_legacy_time_zone_stays_selectable(client, db):
    person = make_trainee(time_zone="US/Eastern")
    client.force_login(person)
    assert '<option value="US/Eastern" selected>' in client.get(URL).content.decode()


def test_service_checks_the_training_start_in_the_persons_own_time_zone(db):
    person = make_trainee()
    # 23:30 UTC on 1 March is already 2 March in Auckland.
    fixed_now = dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC)
    fields = {
        "first_name": "A",
        "last_name": "B",
        "profession": Profession.PHYSICIAN,
        "specialty": "",
        "npi": "",
        "training_start": date(2025, 3, 2),
    }
    with mock.patch("django.utils.timezone.now", return_value=fixed_now):
        user_update_profile(user=person, time_zone="Pacific/Auckland", **fields)
        with pytest.raises(ValidationError) as caught:
            user_update_profile(user=person, time_zone="Europe/London", **fields)
    assert "training_start" in caught.value.message_dict


def test_service_runs_model_validation(db):
    person = make_trainee()
    with pytest.raises(ValidationError) as caught:
        user_update_profile(
            user=person,
            first_name="",
            last_name="B",
            profession="nope",
            specialty="",
            npi="",
            time_zone="UTC",
        )
    assert {"first_name", "profession"} <= set(caught.value.message_dict)


def test_pages_show_times_in_the_signed_in_persons_time_zone(client, db):
    joined = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)
    new_york = make_trainee(time_zone="America/New_York", date_joined=joined)
    tokyo = make_trainee(time_zone="Asia/Tokyo", date_joined=joined)

    client.force_login(new_york)
    assert "15 January 2025, 07:00" in client.get(URL).content.decode()
    client.force_login(tokyo)
    assert "15 January 2025, 21:00" in client.get(URL).content.decode()


def test_timezone_middleware_activates_the_users_zone_and_resets_for_anonymous(db):
    seen = []
    middleware = UserTimezoneMiddleware(
        lambda request: seen.append(timezone.get_current_timezone_name())
    )
    request = RequestFactory().get("/")
    request.user = make_trainee(time_zone="Australia/Sydney")
    middleware(request)
    request.user.time_zone = "Not/AZone"  # a bad value never breaks a page
    middleware(request)
    request.user = AnonymousUser()
    middleware(request)
    assert seen == ["Australia/Sydney", "UTC", "UTC"]
