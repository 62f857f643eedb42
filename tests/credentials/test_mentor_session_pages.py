"""The mentor-session pages: confirm and dispute look different, hours read naturally."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from credentials import services
from tests.factories.people import make_mentor, make_trainee
from tests.factories.records import days_ago, make_mentor_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor():
    return make_mentor(first_name="Maya", last_name="Mentor", credential_held="MCC")


@pytest.fixture
def session(mentor):
    trainee = make_trainee(first_name="Grace", last_name="Hopper")
    return make_mentor_session(trainee=trainee, mentor=mentor, hours=Decimal("1"))


def led_page(client, mentor) -> str:
    client.force_login(mentor)
    return client.get(reverse("credentials:mentor_sessions_led")).content.decode()


def article(html: str, session) -> str:
    return html.split(f'id="session-{session.pk}"')[1].split("</article>")[0]


def test_confirm_is_a_plain_primary_button_and_dispute_asks_for_a_reason_first(
    client, mentor, session
):
    card = article(led_page(client, mentor), session)
    confirm_url = reverse("credentials:mentor_session_confirm", args=[session.pk])
    dispute_url = reverse("credentials:mentor_session_dispute", args=[session.pk])
    before_details, details = card.split("<details", 1)
    # Confirm: outside the disclosure, a primary button with no reason field.
    assert f'action="{confirm_url}"' in before_details
    assert '<button type="submit" class="button">Confirm' in before_details
    assert "reason" not in before_details
    # Dispute: inside a closed "Dispute…" disclosure, with the reason and a danger button.
    assert details.startswith(' class="action-disclosure action-disclosure-danger">')
    assert "<summary>Dispute…" in details
    assert f'action="{dispute_url}"' in details
    assert f'name="session-{session.pk}-reason"' in details
    assert '<button type="submit" class="button button-danger">Dispute' in details


def test_a_dispute_without_a_reason_comes_back_with_the_disclosure_open(client, mentor, session):
    client.force_login(mentor)
    response = client.post(
        reverse("credentials:mentor_session_dispute", args=[session.pk]),
        {f"session-{session.pk}-reason": ""},
    )
    assert response.status_code == 400
    card = article(response.content.decode(), session)
    assert '<details class="action-disclosure action-disclosure-danger" open>' in card
    assert "Say why you dispute this session" in card


def test_one_hour_reads_as_one_hour_and_more_in_the_plural(client, mentor, session):
    longer = make_mentor_session(
        trainee=session.trainee, mentor=mentor, hours=Decimal("2.5"), date=days_ago(40)
    )
    html = led_page(client, mentor)
    assert re.search(r"<p>1 hour, individual", article(html, session))
    assert re.search(r"<p>2.5 hours, individual", article(html, longer))
    assert "1 hours" not in html


def test_the_emails_say_one_hour(mentor, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_session_confirm(session=session, mentor=mentor)
    body = mail.outbox[-1].body
    assert "(1 hour)." in body
    assert "hours)" not in body
    # The link is the trainee's own list (it once read "http://testservercredentials:…").
    assert f"http://testserver{reverse('credentials:mentor_sessions')}\n" in body
