"""Names are one line of text: control characters are refused on every path that writes them,
and an email about a person never carries their name in a header."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from lms.models import Profession, Role, User
from lms.services import person_upsert
from lms.validators import validate_no_control_characters
from tests.factories.people import make_mentor, make_trainee
from tests.factories.records import make_mentor_session

MESSAGE = "no line breaks, tabs or other control characters"
BAD_NAMES = ["Ada\nBcc: eve@example.org", "Ada\r\nX", "Ada\tLovelace", "Ada\u2028X", "Ada\x00"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_validator_refuses_control_characters(name):
    with pytest.raises(ValidationError) as caught:
        validate_no_control_characters(name)
    assert MESSAGE in caught.value.messages[0]


@pytest.mark.parametrize("name", ["Zoë O'Brien-Smith", "José María", "李 小龍", "Ada"])
def test_the_validator_accepts_real_names(name):
    validate_no_control_characters(name)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_the_model_refuses_a_name_with_a_line_break(field):
    person = make_trainee()
    setattr(person, field, "Ada\nBcc: eve@example.org")
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    assert MESSAGE in caught.value.message_dict[field][0]


@pytest.mark.django_db
def test_the_profile_page_refuses_a_name_with_a_line_break(client):
    trainee = make_trainee(first_name="Ada")
    client.force_login(trainee)
    response = client.post(
        reverse("profile"),
        {
            "first_name": "Ada\nBcc: eve@example.org",
            "last_name": "Lovelace",
            "profession": Profession.PHYSICIAN,
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 400
    assert MESSAGE in response.context["form"].errors["first_name"][0]
    trainee.refresh_from_db()
    assert trainee.first_name == "Ada"


@pytest.mark.django_db
def test_sign_up_refuses_a_name_with_a_line_break(client):
    response = client.post(
        reverse("signup"),
        {
            "email": "ada@example.org",
            "first_name": "Ada",
            "last_name": "Love\nlace",
            "profession": Profession.PHYSICIAN,
            "time_zone": "Europe/London",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 400
    assert MESSAGE in response.context["form"].errors["last_name"][0]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_people_import_refuses_a_name_with_a_line_break():
    with pytest.raises(ValidationError) as caught:
        person_upsert(
            email="ada@example.org", first_name="Ada\tX", last_name="Lovelace", role=Role.TRAINEE
        )
    assert "first_name" in caught.value.message_dict
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_email_about_someone_with_a_stored_line_break_is_still_sent(
    django_capture_on_commit_callbacks,
):
    # A name saved before names were checked: the email must not be lost to a bad header.
    trainee = make_trainee()
    User.objects.filter(pk=trainee.pk).update(first_name="Ada\nBcc: eve@example.org")
    trainee.refresh_from_db()
    mentor = make_mentor(credential_held="MCC")
    with django_capture_on_commit_callbacks(execute=True):
        make_mentor_session(trainee=trainee, mentor=mentor)
    (message,) = mail.outbox
    assert message.to == [mentor.email]
    assert "Ada" not in message.subject and "\n" not in message.subject
