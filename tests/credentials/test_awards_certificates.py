"""Award certificates (PDF task, download), revocation and the public verification page."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from credentials import certificates, services
from credentials.engine import format_date
from credentials.models import display_verification_code
from credentials.tasks import award_certificate_render
from tests.credentials.awarding import approve
from tests.credentials.eligible import make_acc_eligible
from tests.factories.courses import make_programme
from tests.factories.people import make_mentor, make_programme_admin, make_trainee, make_trainer

pytestmark = pytest.mark.django_db


def test_approval_renders_one_pdf_and_emails_the_holder(award):
    award.refresh_from_db()
    with award.certificate_pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    ready = [m for m in mail.outbox if "certificate is ready" in m.subject]
    assert len(ready) == 1
    assert ready[0].to == [award.trainee.email]
    assert certificates.verification_url(award.verification_code) in ready[0].body


def test_a_retried_task_makes_no_second_pdf(award):
    award.refresh_from_db()
    first_name = award.certificate_pdf.name
    storage = award.certificate_pdf.storage
    folder = first_name.rsplit("/", 1)[0]
    mail.outbox.clear()
    award_certificate_render.delay(award.pk)
    award_certificate_render.delay(award.pk)
    award.refresh_from_db()
    assert award.certificate_pdf.name == first_name
    assert storage.listdir(folder)[1] == ["certificate.pdf"]
    assert mail.outbox == []


def test_the_pdf_carries_name_credential_programme_and_verification_url(admin, monkeypatch):
    programme = make_programme(title="Clinician Coaching Diploma")
    trainee = make_acc_eligible(make_trainee(first_name="Grace", last_name="Hopper"))
    trainee.enrolments.create(programme=programme)
    award = approve(trainee, admin)  # the render task is not run: callbacks are not executed
    assert award.programme_name == "Clinician Coaching Diploma"
    assert not award.certificate_pdf
    html_parts = []
    original = certificates.render_to_string

    def spy(template, context=None):
        rendered = original(template, context)
        html_parts.append(rendered)
        return rendered

    monkeypatch.setattr(certificates, "render_to_string", spy)
    pdf = certificates.award_certificate_pdf(award=award)
    assert pdf.startswith(b"%PDF")
    html = next(part for part in html_parts if "<!doctype html>" in part)
    assert "Grace Hopper" in html
    assert "Physician Coach — Associate level, ICF ACC-aligned" in html
    assert "Clinician Coaching Diploma" in html
    code = display_verification_code(award.verification_code)
    assert f"http://testserver/verify/{code}/" in html
    assert 'src="data:image/png;base64,' in html


def test_certificates_never_fetch_remote_resources():
    fetcher = certificates.local_only_url_fetcher()
    for url in ("https://example.com/logo.png", "http://10.0.0.1/", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


@pytest.mark.parametrize(
    ("who", "status"),
    [("holder", 200), ("other_trainee", 404), ("trainer", 404), ("mentor", 404), ("admin", 200)],
)
def test_certificate_download_is_for_the_holder_and_admins(client, award, admin, who, status):
    viewer = {
        "holder": award.trainee,
        "other_trainee": make_trainee(),
        "trainer": make_trainer(),
        "mentor": make_mentor(),
        "admin": admin,
    }[who]
    client.force_login(viewer)
    response = client.get(reverse("credentials:award_certificate", args=[award.verification_code]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_certificate_download_needs_sign_in(client, award):
    url = reverse("credentials:award_certificate", args=[award.verification_code])
    assert client.get(url).url.startswith(reverse("login"))


def test_verify_shows_a_valid_award_and_nothing_private(client, award):
    response = client.get(reverse("credentials:verify", args=[award.verification_code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in html
    assert "Physician Coach — Associate level, ICF ACC-aligned" in html
    assert ">Valid<" in html
    assert award.trainee.email not in html
    assert "500" not in html  # the exam score
    assert "Revoked" not in html


def test_verify_shows_the_revocation_date(client, award, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.award_revoke(award=award, actor=admin, reason="Ethics breach.")
    award.refresh_from_db()
    html = client.get(reverse("credentials:verify", args=[award.verification_code])).content
    html = html.decode()
    assert f"Revoked on {format_date(award.revoked_at.date())}" in html
    assert "Ethics breach" not in html
    assert "Ethics breach." in mail.outbox[-1].body


def test_verify_an_unknown_code_is_a_clear_404(client):
    response = client.get(reverse("credentials:verify", args=["not-a-real-code"]))
    assert response.status_code == 404
    assert (
        "We could not find a certificate with this code. Check the code on the certificate."
        in response.content.decode()
    )


def test_verification_codes_are_long_and_distinct(award, admin):
    other = approve(make_acc_eligible(), admin)
    assert len(award.verification_code) >= 24
    assert award.verification_code != other.verification_code


def test_revoking_needs_a_reason_and_is_idempotent(award, admin):
    with pytest.raises(ValidationError) as refused:
        services.award_revoke(award=award, actor=admin, reason="  ")
    assert "reason" in refused.value.message_dict
    award.refresh_from_db()
    assert not award.is_revoked
    first = services.award_revoke(award=award, actor=admin, reason="First reason.")
    again = services.award_revoke(award=award, actor=admin, reason="Second reason.")
    assert again.revoked_at == first.revoked_at
    assert again.revoked_reason == "First reason."


def test_only_programme_admins_revoke(award):
    with pytest.raises(ValidationError, match="Only programme admins"):
        services.award_revoke(award=award, actor=award.trainee, reason="No.")


def test_admin_revoke_action_asks_for_a_reason_then_revokes(client, award):
    superuser = make_programme_admin()
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    url = reverse("admin:credentials_award_changelist")
    data = {"action": "revoke", "_selected_action": [award.pk]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Reason" in response.content.decode()
    award.refresh_from_db()
    assert not award.is_revoked
    response = client.post(url, {**data, "confirm": "yes", "reason": "Fraudulent log."})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.revoked_reason == "Fraudulent log."
    assert award.revoked_by == superuser
