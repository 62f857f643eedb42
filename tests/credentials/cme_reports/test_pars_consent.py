"""A physician allows or stops PARS reporting on their profile; the date of the change is kept."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.services import pars_consent_set
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

URL = reverse("credentials:cme_pars_consent")


def test_a_physician_sees_the_permission_on_their_profile_and_opts_in(client):
    physician = make_trainee(profession="physician")
    client.force_login(physician)
    page = client.get(reverse("profile")).content.decode()
    assert "Allow reporting to ACCME" in page
    response = client.post(URL, {"pars_consent": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile")
    assert "we will report your AMA credit" in response.content.decode()
    physician.refresh_from_db()
    assert physician.pars_consent is True
    assert physician.pars_consent_changed_at.date() == timezone.localdate()
    assert "Stop reporting my credit" in response.content.decode()


def test_opting_out_records_the_date_of_withdrawal(client):
    physician = make_trainee(profession="physician")
    pars_consent_set(user=physician, consent=True)
    physician.refresh_from_db()
    physician.pars_consent_changed_at = timezone.now() - dt.timedelta(days=30)
    physician.save(update_fields=["pars_consent_changed_at"])
    client.force_login(physician)
    client.post(URL, {"pars_consent": "no"})
    physician.refresh_from_db()
    assert physician.pars_consent is False
    assert physician.pars_consent_changed_at.date() == timezone.localdate()


def test_repeating_the_same_answer_keeps_the_date_of_the_decision():
    physician = make_trainee(profession="physician")
    first = pars_consent_set(user=physician, consent=True).pars_consent_changed_at
    assert pars_consent_set(user=physician, consent=True).pars_consent_changed_at == first


def test_a_garbled_answer_is_refused_and_changes_nothing(client):
    physician = make_trainee(profession="physician")
    client.force_login(physician)
    response = client.post(URL, {"pars_consent": "maybe"})
    assert response.status_code == 400
    assert b"Answer yes or no" in response.content
    physician.refresh_from_db()
    assert physician.pars_consent is False
    assert physician.pars_consent_changed_at is None


def test_only_a_post_changes_permission_and_only_when_signed_in(client):
    assert client.post(URL, {"pars_consent": "yes"}).status_code == 302  # to sign in
    client.force_login(make_trainee(profession="physician"))
    assert client.get(URL).status_code == 405


def test_other_professions_are_not_asked(client):
    client.force_login(make_trainee(profession="nurse"))
    assert "Allow reporting to ACCME" not in client.get(reverse("profile")).content.decode()
