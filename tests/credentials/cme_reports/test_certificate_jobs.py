"""The CME office issues or reissues certificates in bulk: a Celery job with a progress page."""

from unittest import mock

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse

from credentials.cme import services
from credentials.cme.models import CmeCertificateJob, CmeClaim
from lms.models import User
from tests.credentials.cme_reports.builders import make_physician
from tests.factories.cme import make_activity, make_claim

pytestmark = pytest.mark.django_db


def _claims(count: int):
    activity = make_activity(credits={"ama": "2"})
    return [make_claim(activity=activity, learner=make_physician()) for _ in range(count)]


def test_the_admin_action_reissues_every_selected_certificate_and_shows_progress(
    client, django_capture_on_commit_callbacks
):
    claims = _claims(2)
    superuser = User.objects.create_superuser("root@example.org", "x", first_name="Root")
    before = {claim.pk: CmeClaim.objects.get(pk=claim.pk).certificate_pdf.name for claim in claims}
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:credentials_cmeclaim_changelist"),
            {"action": "issue_certificates", ACTION_CHECKBOX_NAME: [c.pk for c in claims]},
        )
    job = CmeCertificateJob.objects.get()
    assert response.url == reverse("credentials:cme_certificate_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.processed, job.total, job.errors) == ("done", 2, 2, [])
    for claim in claims:
        claim.refresh_from_db()
        assert claim.certificate_pdf.name != before[claim.pk]
        assert claim.certificate_pdf.read().startswith(b"%PDF")
    page = client.get(response.url).content.decode()
    assert "2 of 2 done." in page and "hx-get" not in page


def test_a_running_job_polls_and_a_failed_certificate_is_reported_not_fatal(programme_admin):
    claims = _claims(2)
    job = CmeCertificateJob.objects.create(
        claim_ids=[claims[0].pk, 999_999, claims[1].pk], total=3, created_by=programme_admin
    )
    with mock.patch(
        "credentials.cme.certificates.cme_certificate_pdf",
        side_effect=[b"%PDF-1.7 one", OSError("disk full")],
    ):
        services.cme_certificate_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed) == ("done", 3)
    assert job.errors == [
        {"claim": 999_999, "message": "This claim no longer exists."},
        {"claim": claims[1].pk, "message": "The PDF could not be made: disk full"},
    ]


def test_the_status_part_polls_while_the_job_runs(client, programme_admin):
    job = CmeCertificateJob.objects.create(claim_ids=[1, 2], total=2, created_by=programme_admin)
    client.force_login(programme_admin)
    fragment = client.get(reverse("credentials:cme_certificate_job_status", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert "0 of 2 done." in fragment.content.decode()


def test_only_the_cme_office_starts_or_sees_jobs(client, trainee, programme_admin):
    with pytest.raises(ValidationError):
        services.cme_certificate_job_start(claim_ids=[1], actor=trainee)
    with pytest.raises(ValidationError, match="at least one"):
        services.cme_certificate_job_start(claim_ids=[], actor=programme_admin)
    job = CmeCertificateJob.objects.create(claim_ids=[1], total=1, created_by=programme_admin)
    client.force_login(trainee)
    assert client.get(reverse("credentials:cme_certificate_job", args=[job.pk])).status_code == 404
