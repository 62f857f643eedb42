"""A physician earns CME credit in Chromium: completes a module that carries a CME activity,
fills in its evaluation, claims 1.75 credits, downloads the certificate and finds it on the
transcript."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from courses.models import ModulePage
from courses.services import enrolment_create
from lms.models import Profession
from tests.e2e.test_learning_journey import sign_in
from tests.factories.cme import make_activity
from tests.factories.courses import make_programme, modules_of
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db(transaction=True)


def test_physician_completes_evaluates_claims_downloads_and_sees_the_transcript(web):
    physician = make_trainee(first_name="Grace", last_name="Okoro", profession=Profession.PHYSICIAN)
    programme = make_programme(title="Physician Coach Certification", modules=1)
    module = modules_of(programme)[0]
    ModulePage.objects.filter(pk=module.pk).update(estimated_minutes=120)
    make_activity(
        module=module,
        code="listening-2026",
        title="Listening that changes consultations",
        provider="Heart Institute",
        credits={"ama": "2", "participation": "2"},
    )
    enrolment_create(trainee=physician, programme=programme)
    sign_in(web, physician.email)

    # Complete the module; its page points to the CME activity.
    web.goto(module.url)
    web.page.get_by_role("button", name="Mark as done").first.click()
    web.page.get_by_role("button", name="Complete module").click()
    expect(web.page.get_by_text("Module complete", exact=False)).to_be_visible()
    web.page.get_by_role("link", name="Listening that changes consultations").click()
    web.check()

    # The evaluation.
    page = web.page
    page.locator("input[name=confidence_before][value='2']").check()
    page.locator("input[name=confidence_after][value='4']").check()
    page.get_by_label("Yes").check()
    page.get_by_label("What will you change?").fill("Let the patient finish before I speak.")
    page.get_by_role("button", name="Send the evaluation").click()
    expect(page.get_by_text("your evaluation is saved", exact=False)).to_be_visible()
    web.check()

    # The claim, with the designation statement on the form.
    expect(page.locator("main")).to_contain_text(
        "Physicians should claim only the credit commensurate with the extent of their "
        "participation in the activity."
    )
    page.get_by_label(re.compile("how many")).select_option("1.75")
    page.get_by_role("button", name="Claim credit").click()
    expect(page.get_by_text("You claimed 1.75", exact=False).first).to_be_visible()
    web.check()

    # The certificate.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download your certificate")).click()
    pdf = download_info.value.path().read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Grace Okoro" in text and "1.75" in text

    # The transcript.
    web.goto("/cme/transcript/")
    row = page.get_by_role("row", name=re.compile("Listening that changes consultations"))
    expect(row).to_contain_text("1.75")
    expect(row).to_contain_text("AMA PRA Category 1 Credit™")
