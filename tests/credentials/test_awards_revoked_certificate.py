"""A revoked award's certificate is stamped REVOKED with the date; /verify/ says so too."""

import pytest
from django.core import mail
from django.urls import reverse

from credentials import services
from credentials.engine import format_date
from tests.credentials.pdf_text import pdf_text, stored_pdf_text

pytestmark = pytest.mark.django_db


def download(client, award):
    client.force_login(award.trainee)
    return client.get(reverse("credentials:award_certificate", args=[award.verification_code]))


def test_the_holder_downloads_a_certificate_stamped_revoked_with_the_date(
    client, award, admin, django_capture_on_commit_callbacks
):
    award.refresh_from_db()
    assert "REVOKED" not in stored_pdf_text(award.certificate_pdf)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.award_revoke(award=award, actor=admin, reason="Falsified log.")
    award.refresh_from_db()
    revoked_on = format_date(award.revoked_at.date())
    response = download(client, award)
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "REVOKED" in text
    assert f"on {revoked_on}" in text
    verify = client.get(reverse("credentials:verify", args=[award.verification_code]))
    assert f"Revoked on {revoked_on}" in verify.content.decode()
    assert [m.subject for m in mail.outbox] == [f"Your award has been revoked: {award.title}"]


def test_the_unstamped_certificate_is_never_served_while_the_stamped_one_renders(
    client, award, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.award_revoke(award=award, actor=admin, reason="Falsified log.")
    award.refresh_from_db()
    response = download(client, award)
    assert response.status_code == 404
    assert "being prepared" in response.content.decode()
