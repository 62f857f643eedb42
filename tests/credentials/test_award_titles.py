"""The school awards its own title per pathway; ICF's credential is named only as what the
holder is ready to apply for."""

import pytest
from django.core import mail
from django.urls import reverse

from credentials import certificates, selectors
from credentials.models import Pathway
from tests.credentials.awarding import approve
from tests.credentials.eligible import make_acc_eligible
from tests.credentials.pdf_text import pdf_text
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db

ACC_TITLE = "Physician Coach — Associate level, ICF ACC-aligned"
OLD_CLAIM = "awarded the credential"


def test_seeded_pathways_have_aligned_award_titles():
    titles = dict(Pathway.objects.values_list("code", "award_title"))
    assert titles == {
        "acc": ACC_TITLE,
        "pcc": "Physician Coach — Professional level, ICF PCC-aligned",
        "mcc": "Physician Coach — Master level, ICF MCC-aligned",
    }


def test_certificate_and_verify_page_name_the_award_and_icf_only_as_next_step(client, award):
    text = " ".join(pdf_text(certificates.award_certificate_pdf(award=award)).split())
    assert f"has been awarded {ACC_TITLE}" in text
    assert OLD_CLAIM not in text
    assert "ICF Associate Certified Coach (ACC) credential" in text
    html = client.get(reverse("credentials:verify", args=[award.verification_code])).content
    html = html.decode()
    assert f"<dd>{ACC_TITLE}</dd>" in html
    assert "apply to the International Coaching Federation (ICF) for the ICF Associate" in html
    assert "ICF awards its credentials itself." in html


def test_emails_name_the_award_not_the_icf_credential(award):
    bodies = "\n".join(message.subject + "\n" + message.body for message in mail.outbox)
    assert ACC_TITLE in bodies
    assert "for Associate Certified Coach (ACC)" not in bodies
    approved = next(m for m in mail.outbox if "Approved" in m.subject)
    assert "ready to apply to ICF for the ICF Associate Certified Coach (ACC) credential" in (
        approved.body
    )


def test_an_admin_edits_the_award_title_and_new_awards_carry_it(client, admin):
    superuser = admin
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client.force_login(superuser)
    pathway = selectors.pathway_by_code(code="acc")
    url = reverse("admin:credentials_pathway_change", args=[pathway.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["award_title"] = "Clinician Coach, Associate (ICF ACC-aligned)"
    assert client.post(url, data).status_code == 302
    award = approve(make_acc_eligible(make_trainee()), admin)
    assert award.title == "Clinician Coach, Associate (ICF ACC-aligned)"


def test_the_progress_page_says_what_the_award_prepares_for(client):
    trainee = make_trainee()
    client.force_login(trainee)
    html = client.get(reverse("credentials:progress")).content.decode()
    assert f"toward {ACC_TITLE}" in html
    assert "ready to apply to ICF for the ICF Associate Certified Coach (ACC) credential" in html
