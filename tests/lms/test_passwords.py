import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from lms.models import User
from lms.services import user_create
from lms.tasks import send_email
from tests.factories.people import PASSWORD

RESET = reverse("password_reset")
NEW_PASSWORD = "lantern-meadow-copper-8"


def request_reset(client, email, capture):
    with capture(execute=True):
        return client.post(RESET, {"email": email})


def link_from(message) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)


def test_reset_email_is_sent_by_the_email_task(client, trainee, django_capture_on_commit_callbacks):
    with mock.patch.object(send_email, "run", wraps=send_email.run) as task_run:
        response = request_reset(client, trainee.email.upper(), django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    task_run.assert_called_once()
    assert task_run.call_args.kwargs["to"] == [trainee.email]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [trainee.email]
    assert message.subject == "Choose a new password for Coach Academy"
    assert "/accounts/password/reset/" in message.body


def test_nothing_is_queued_until_the_request_commits(
    client, trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(RESET, {"email": trainee.email})
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_unknown_email_gets_the_same_page_and_no_email(
    client, db, django_capture_on_commit_callbacks
):
    response = request_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []
    page = client.get(response.url)
    assert "Check your inbox" in page.content.decode()


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "Enter the email address you signed up with."), ("nope", "Enter an email address like")],
)
def test_reset_form_errors(client, db, email, message):
    response = client.post(RESET, {"email": email})
    assert response.status_code == 400
    assert message in response.context["form"].errors["email"][0]


def test_following_the_link_sets_a_new_password_once(
    client, trainee, django_capture_on_commit_callbacks
):
    request_reset(client, trainee.email, django_capture_on_commit_callbacks)
    link = link_from(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    html = form_page.content.decode()
    assert '<label for="id_new_password1">New password</label>' in html

    mismatch = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": "other-thing-77"}
    )
    assert mismatch.status_code == 400
    assert mismatch.context["form"].errors["new_password2"] == [
        "The two passwords don't match. Type the same password in both boxes."
    ]

    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    trainee.refresh_from_db()
    assert trainee.check_password(NEW_PASSWORD)

    reused = client.get(link, follow=True)
    assert "This link has expired or has already been used." in reused.content.decode()


def test_people_imported_without_a_password_can_choose_one_by_reset(
    client, db, django_capture_on_commit_callbacks
):
    person = user_create(email="imported@example.org", password=None, first_name="I", last_name="M")
    assert not person.has_usable_password()
    request_reset(client, "imported@example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_inactive_accounts_get_no_reset_email(client, db, django_capture_on_commit_callbacks):
    User.objects.create_user(email="gone@example.org", password=PASSWORD, is_active=False)
    request_reset(client, "gone@example.org", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_password_change_needs_sign_in(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_flow_and_errors(client, trainee):
    client.force_login(trainee)
    url = reverse("password_change")
    page = client.get(url).content.decode()
    assert '<label for="id_old_password">Current password</label>' in page

    wrong = client.post(
        url,
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["old_password"] == [
        "Your current password is wrong. Type it again."
    ]

    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    )
    assert weak.status_code == 400
    assert "too short" in " ".join(weak.context["form"].errors["new_password2"])

    ok = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    assert ok.url == reverse("password_change_done")
    trainee.refresh_from_db()
    assert trainee.check_password(NEW_PASSWORD)
    # Still signed in on this device after the change.
    assert client.get(reverse("profile")).status_code == 200
