"""The progress page shows where the trainee stands with each award: applied, returned,
awarded or revoked, not "Ready to apply" once that is over."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from credentials.certificates import verification_url
from credentials.models import ApplicationStatus, Award, CredentialApplication
from tests.credentials.eligible import days_ago, make_acc_eligible

pytestmark = pytest.mark.django_db


def apply(trainee, status):
    application = CredentialApplication.objects.create(
        trainee=trainee, pathway_id=1, as_of=days_ago(0), snapshot={}, status=status
    )
    application.events.create(from_status="", to_status=status, note="Log incomplete.")
    return application


def page(client, trainee) -> str:
    client.force_login(trainee)
    return client.get(reverse("credentials:progress") + "?pathway=acc").content.decode()


def verdict_border(html: str) -> str:
    """The colour site.css gives the verdict card's left border."""
    start = html.index('<section class="card verdict ')
    classes = html[start : html.index(">", start)].split('"')[1].split()
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    colours = re.findall(r"^([^{]*)\{ border-left-color: ([^;]+);", css, re.MULTILINE)
    matched = [
        colour for rule, colour in colours for c in classes if f".{c}" in rule.strip().split(", ")
    ]
    return matched[-1] if matched else "amber"


def heading(html: str) -> str:
    start = html.index('id="verdict-heading">') + len('id="verdict-heading">')
    return html[start : html.index("</h2>", start)]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ApplicationStatus.SUBMITTED, "Application submitted"),
        (ApplicationStatus.UNDER_REVIEW, "Application under review"),
    ],
)
def test_an_open_application_shows_its_status(client, status, expected):
    trainee = make_acc_eligible()
    apply(trainee, status)
    html = page(client, trainee)
    assert heading(html) == expected
    assert "Apply for this award" not in html


def test_a_returned_application_says_so_and_offers_to_apply_again(client):
    trainee = make_acc_eligible()
    apply(trainee, ApplicationStatus.RETURNED)
    html = page(client, trainee)
    assert heading(html) == "Application returned"
    assert "Log incomplete." in html
    assert "Apply for this award" in html


def award_for(trainee, **fields) -> Award:
    application = apply(trainee, ApplicationStatus.APPROVED)
    return Award.objects.create(
        trainee=trainee,
        pathway_id=1,
        application=application,
        holder_name="Ada",
        title="Physician Coach — Associate level, ICF ACC-aligned",
        **fields,
    )


def test_an_award_shows_its_verification_link_and_certificate(client):
    trainee = make_acc_eligible()
    award = award_for(trainee, certificate_pdf="x/certificate.pdf")
    html = page(client, trainee)
    assert heading(html) == "Awarded"
    assert verdict_border(html) == "var(--accent)"
    assert f'href="{verification_url(award.verification_code)}"' in html
    assert reverse("credentials:award_certificate", args=[award.verification_code]) in html
    assert "Ready to apply" not in html
    assert "Apply for this award" not in html


def test_a_revoked_award_shows_the_date_and_nothing_to_apply_for(client):
    trainee = make_acc_eligible()
    award_for(trainee, status="revoked", revoked_at=timezone.now(), revoked_reason="Falsified log.")
    html = page(client, trainee)
    assert heading(html) == "Award revoked"
    assert verdict_border(html) == "var(--danger)"
    assert f"Revoked on {timezone.now():%-d %B %Y}" in html
    assert "Ready to apply" not in html
    assert "Apply for this award" not in html
    assert "Download certificate" not in html
