"""Certificates of completed coach-specific education: one per trainee and programme, once every
module is complete, verifiable like awards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrolment, ModuleCompletion
from credentials import services
from credentials.models import EducationCertificate, display_verification_code
from tests.credentials.pdf_text import pdf_text
from tests.factories.courses import make_programme, modules_of
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

ACCREDITATION = "Accredited by ICF as a Level 1 coach education programme"


@pytest.fixture
def programme():
    programme = make_programme(
        title="Physician Coach Level 1", modules=2, hours=Decimal("2.5"), synchronous_every=2
    )
    programme.accreditation_line = ACCREDITATION
    programme.save_revision().publish()
    return programme


@pytest.fixture
def trainee(programme):
    trainee = make_trainee(first_name="Mary", last_name="Seacole")
    Enrolment.objects.create(trainee=trainee, programme=programme)
    return trainee


def complete(trainee, modules, *, first_day: dt.date) -> None:
    for offset, module in enumerate(modules):
        ModuleCompletion.objects.create(
            trainee=trainee,
            module=module,
            completed_at=timezone.make_aware(dt.datetime.combine(first_day, dt.time(12)))
            + dt.timedelta(days=30 * offset),
            education_hours=module.education_hours,
            synchronous_hours=module.education_hours if module.is_synchronous else 0,
        )


def certificate_url(programme) -> str:
    return reverse("credentials:programme_education_certificate", args=[programme.pk])


def test_not_before_every_module_is_complete(client, programme, trainee):
    complete(trainee, modules_of(programme)[:1], first_day=dt.date(2026, 1, 5))
    client.force_login(trainee)
    response = client.get(certificate_url(programme))
    assert response.status_code == 409
    assert "1 of 2 done" in response.content.decode()
    assert not EducationCertificate.objects.exists()
    page = client.get(programme.url).content.decode()
    assert certificate_url(programme) not in page


def test_a_complete_trainee_downloads_a_certificate_with_what_icf_asks_for(
    client, programme, trainee, django_capture_on_commit_callbacks
):
    complete(trainee, modules_of(programme), first_day=dt.date(2026, 1, 5))
    client.force_login(trainee)
    assert certificate_url(programme) in client.get(programme.url).content.decode()
    progress_page = client.get(reverse("credentials:progress")).content.decode()
    assert certificate_url(programme) in progress_page
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(certificate_url(programme))
    assert first.status_code == 202  # the render task runs after this request's commit
    response = client.get(certificate_url(programme))
    assert response.status_code == 200
    text = " ".join(pdf_text(b"".join(response.streaming_content)).split())
    certificate = EducationCertificate.objects.get()
    for expected in (
        "Certificate of completed coach-specific education",
        "Mary Seacole",
        "Physician Coach Level 1",
        "5 hours, of which 2.5 synchronous (live) hours",
        "Completed between 5 January 2026 and 4 February 2026",
        ACCREDITATION,
        f"/verify/{display_verification_code(certificate.verification_code)}/",
    ):
        assert expected in text, text
    typed = certificate.verification_code.lower()
    verify = client.get(reverse("credentials:verify", args=[typed])).content.decode()
    assert "Certificate of completed coach-specific education" in verify
    assert "Mary Seacole" in verify
    assert ACCREDITATION in verify


def test_one_certificate_per_trainee_and_programme(programme, trainee):
    complete(trainee, modules_of(programme), first_day=dt.date(2026, 1, 5))
    first = services.education_certificate_issue(trainee=trainee, programme=programme)
    again = services.education_certificate_issue(trainee=trainee, programme=programme)
    assert again.pk == first.pk
    assert len(first.verification_code) == 25
    duplicate = EducationCertificate(
        trainee=trainee,
        programme=programme,
        holder_name="x",
        programme_title="x",
        education_hours=1,
        synchronous_hours=0,
        first_completed_on=dt.date(2026, 1, 1),
        last_completed_on=dt.date(2026, 1, 1),
    )
    with pytest.raises(IntegrityError):
        duplicate.save()


def test_the_certificate_needs_sign_in(client, programme):
    assert client.get(certificate_url(programme)).url.startswith(reverse("login"))
