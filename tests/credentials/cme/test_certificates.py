"""CME certificates: a PDF per claim, rendered once on commit, with what DESIGN §2 lists;
found by /verify/<code>/ like awards."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from credentials.cme import services
from credentials.cme.models import CmeClaim
from tests.factories.cme import make_activity, make_claim
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


def pdf_text(claim: CmeClaim) -> str:
    with claim.certificate_pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def claimed(physician, django_capture_on_commit_callbacks):
    activity = make_activity(
        credits={"ama": "2"},
        title="Coaching the struggling resident",
        provider="Heart Institute",
        accreditation_statement="Heart Institute is accredited by the ACCME to provide CME.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(activity=activity, learner=physician, credits="1.75")
    claim.refresh_from_db()
    return claim


def test_each_claim_gets_a_certificate_with_what_the_design_lists(claimed):
    text = pdf_text(claimed)
    assert "Ada Lind" in text
    assert "Heart Institute" in text
    assert "Coaching the struggling resident" in text
    assert "Enduring material" in text
    assert "1.75 AMA PRA Category 1 Credits™" in text  # what was claimed, not the maximum
    assert "Heart Institute is accredited by the ACCME to provide CME." in text
    assert (
        "Heart Institute designates this enduring material for a maximum of 2 AMA PRA Category 1 "
        "Credits™. Physicians should claim only the credit commensurate with the extent of their "
        "participation in the activity." in text
    )
    assert claimed.completed_on.strftime("%Y") in text
    assert claimed.verification_code in text.replace(" ", "")
    assert "/verify/" in text


def test_a_live_certificate_shows_location_and_dates(physician, django_capture_on_commit_callbacks):
    activity = make_activity(learning_format="live", location="Royal College, London")
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(activity=activity, learner=physician, credits="1")
    claim.refresh_from_db()
    text = pdf_text(claim)
    assert "Live activity" in text and "Royal College, London" in text
    assert f"{activity.start_date.day} " in text and " to " in text


def test_a_non_physician_gets_a_certificate_of_participation(
    nurse, django_capture_on_commit_callbacks
):
    activity = make_activity(credits={"ama": "2", "participation": "2"})
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(activity=activity, learner=nurse, code="participation", credits="2")
    claim.refresh_from_db()
    assert "Certificate of participation" in pdf_text(claim)


def test_rendering_again_keeps_the_first_certificate(claimed):
    first = claimed.certificate_pdf.name
    services.cme_certificate_attach(claim_id=claimed.pk)
    claimed.refresh_from_db()
    assert claimed.certificate_pdf.name == first


def test_a_correction_makes_a_new_certificate_with_the_new_credits(
    claimed, programme_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.cme_claim_correct(
            claim=claimed, credits=Decimal("1"), reason="Left early", actor=programme_admin
        )
    claimed.refresh_from_db()
    assert "1 AMA PRA Category 1 Credits™" in pdf_text(claimed)


def test_certificate_downloads_for_its_learner_and_the_cme_office_only(
    client, claimed, programme_admin
):
    url = reverse("credentials:cme_certificate", args=[claimed.verification_code])
    client.force_login(claimed.learner)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(programme_admin)
    assert client.get(url).status_code == 200
    client.force_login(make_trainee())
    assert client.get(url).status_code == 404


def test_verify_page_finds_a_cme_certificate(client, claimed):
    response = client.get(reverse("credentials:verify", args=[claimed.verification_code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lind" in page and "Coaching the struggling resident" in page
    assert "1.75 AMA PRA Category 1 Credits™" in page
    assert client.get(reverse("credentials:verify", args=["not-a-code"])).status_code == 404
