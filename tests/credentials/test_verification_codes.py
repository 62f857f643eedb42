"""Verification codes: printed whole as a link, accepted in any case with or without separators."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from credentials import certificates
from credentials.models import (
    VERIFICATION_ALPHABET,
    Award,
    display_verification_code,
    normalise_verification_code,
)
from tests.credentials.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

LONG_SITE = "https://learning.physician-coach-academy.example"


def test_new_codes_are_long_random_and_unambiguous(award):
    code = award.verification_code
    assert len(code) == 25
    assert set(code) <= set(VERIFICATION_ALPHABET)
    assert display_verification_code(code).count("-") == 4


def variants(code: str) -> list[str]:
    shown = display_verification_code(code)
    return [shown, shown.lower(), code, code.lower(), shown.replace("-", " "), f" {shown} "]


def test_verify_accepts_the_code_in_any_case_with_or_without_separators(client, award):
    for typed in variants(award.verification_code):
        response = client.get(reverse("credentials:verify", args=[typed]))
        assert response.status_code == 200, typed
        assert "Ada Lovelace" in response.content.decode()


def test_the_certificate_download_accepts_the_same_forms(client, award):
    client.force_login(award.trainee)
    typed = display_verification_code(award.verification_code).lower()
    response = client.get(reverse("credentials:award_certificate", args=[typed]))
    assert response.status_code == 200


def test_a_code_printed_before_codes_were_normalised_still_verifies(client, award):
    printed = "L2zuL9RLTW0w-FL0pXP7_4cd"  # the old token_urlsafe form
    Award.objects.filter(pk=award.pk).update(verification_code=normalise_verification_code(printed))
    assert client.get(reverse("credentials:verify", args=[printed])).status_code == 200


@pytest.mark.parametrize("typed", ["----", "not-a-real-code", "ABCDE-FGHJK"])
def test_a_wrong_or_empty_code_is_a_clear_404(client, award, typed):
    response = client.get(reverse("credentials:verify", args=[typed]))
    assert response.status_code == 404
    assert "We could not find a certificate with this code" in response.content.decode()


def test_the_pdf_prints_the_url_unbroken_and_as_a_link(award, settings):
    settings.SITE_URL = LONG_SITE
    url = certificates.verification_url(award.verification_code)
    assert url == f"{LONG_SITE}/verify/{display_verification_code(award.verification_code)}/"
    pdf = certificates.award_certificate_pdf(award=award)
    lines = pdf_text(pdf).splitlines()
    assert any(url in line for line in lines), lines
    assert any(display_verification_code(award.verification_code) in line for line in lines)
    reader = PdfReader(io.BytesIO(pdf))
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert url in links
    assert not re.search(r"verify/\S*-\n", pdf_text(pdf))
