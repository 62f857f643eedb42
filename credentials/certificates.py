"""Award certificates as PDF, rendered with WeasyPrint from an HTML template.

The certificate carries its public verification URL and a QR code of it. Rendering never
fetches anything over the network: the only resources are the inline QR image (a data: URL)
and the styles inside the template, and the URL fetcher refuses everything else.
"""

import base64
import io

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from credentials.engine import format_date
from credentials.models import Award, EducationCertificate, display_verification_code
from lms.emails import site_url

TEMPLATE = "credentials/awards/certificate.html"
EDUCATION_TEMPLATE = "credentials/awards/education_certificate.html"
# A separate stylesheet: no inline <style> in templates (the CSP rule for every page).
STYLESHEET = "credentials/awards/certificate.css"


def local_only_url_fetcher() -> URLFetcher:
    """WeasyPrint's fetcher for data: URLs only: http(s), ftp and file: URLs are refused."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def verification_url(code: str) -> str:
    """The public verification URL, with the code in groups as printed."""
    return site_url(reverse("credentials:verify", kwargs={"code": display_verification_code(code)}))


def qr_code_data_url(data: str) -> str:
    """A PNG QR code of `data` as a data: URL, ready for an <img src>."""
    image = qrcode.make(data, border=2, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def pdf_from_templates(*, template: str, stylesheet: str, context: dict) -> bytes:
    """Render an HTML template and its stylesheet template to PDF, fetching nothing."""
    fetcher = local_only_url_fetcher()
    css = CSS(string=render_to_string(stylesheet), url_fetcher=fetcher)
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])


def certificate_pdf(
    *, template: str, context: dict, code: str, stylesheet: str = STYLESHEET
) -> bytes:
    """A certificate as PDF, with its verification URL, code and QR code."""
    url = verification_url(code)
    return pdf_from_templates(
        template=template,
        stylesheet=stylesheet,
        context={
            **context,
            "verification_url": url,
            "verification_code": display_verification_code(code),
            "qr_code": qr_code_data_url(url),
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )


def education_certificate_pdf(*, certificate: EducationCertificate) -> bytes:
    return certificate_pdf(
        template=EDUCATION_TEMPLATE,
        context={
            "holder_name": certificate.holder_name,
            "programme_title": certificate.programme_title,
            "accreditation_line": certificate.accreditation_line,
            "education_hours": certificate.education_hours,
            "synchronous_hours": certificate.synchronous_hours,
            "first_completed_on": format_date(certificate.first_completed_on),
            "last_completed_on": format_date(certificate.last_completed_on),
            "issued_on": format_date(certificate.issued_on),
        },
        code=certificate.verification_code,
    )


def award_certificate_pdf(*, award: Award) -> bytes:
    return certificate_pdf(
        template=TEMPLATE,
        context={
            "holder_name": award.holder_name,
            "award_title": award.title,
            "icf_credential": award.pathway.icf_credential,
            "issued_on": format_date(award.issued_on),
            "revoked_on": format_date(award.revoked_at.date()) if award.is_revoked else None,
            "programme_name": award.programme_name,
        },
        code=award.verification_code,
    )
