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
from credentials.models import Award
from lms.emails import site_url

TEMPLATE = "credentials/awards/certificate.html"
# A separate stylesheet: no inline <style> in templates (the CSP rule for every page).
STYLESHEET = "credentials/awards/certificate.css"


def local_only_url_fetcher() -> URLFetcher:
    """WeasyPrint's fetcher for data: URLs only: http(s), ftp and file: URLs are refused."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def verification_url(code: str) -> str:
    return site_url(reverse("credentials:verify", kwargs={"code": code}))


def qr_code_data_url(data: str) -> str:
    """A PNG QR code of `data` as a data: URL, ready for an <img src>."""
    image = qrcode.make(data, border=2, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def credential_title(pathway) -> str:
    """'Associate Certified Coach (ACC)'."""
    return f"{pathway.name} ({pathway.level})"


def award_certificate_pdf(*, award: Award) -> bytes:
    url = verification_url(award.verification_code)
    html = render_to_string(
        TEMPLATE,
        {
            "holder_name": award.trainee.get_full_name() or award.trainee.email,
            "credential": credential_title(award.pathway),
            "issued_on": format_date(award.issued_on),
            "programme_name": award.programme_name,
            "verification_url": url,
            "verification_code": award.verification_code,
            "qr_code": qr_code_data_url(url),
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    fetcher = local_only_url_fetcher()
    stylesheet = CSS(string=render_to_string(STYLESHEET), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
