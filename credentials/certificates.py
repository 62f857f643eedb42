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
from credentials.models import Award, display_verification_code

TEMPLATE = "credentials/awards/certificate.html"
# A separate stylesheet: no inline <style> in templates (the CSP rule for every page).
STYLESHEET = "credentials/awards/certificate.css"


def local_only_url_fetcher() -> URLFetcher:
    """WeasyPrint's fetcher for data: URLs only: http(s), ftp and file: URLs are refused."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def verification_url(code: str) -> str:
    """The public verification URL, with the code in groups as printed."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("credentials:verify", kwargs={"code": display_verification_code(code)})


def qr_code_data_url(data: str) -> str:
    """A PNG QR code of `data` as a data: URL, ready for an <img src>."""
    image = qrcode.make(data, border=2, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def award_certificate_pdf(*, award: Award) -> bytes:
    url = verification_url(award.verification_code)
    html = render_to_string(
        TEMPLATE,
        {
            "holder_name": award.holder_name,
            "award_title": award.title,
            "icf_credential": award.pathway.icf_credential,
            "issued_on": format_date(award.issued_on),
            "revoked_on": format_date(award.revoked_at.date()) if award.is_revoked else None,
            "programme_name": award.programme_name,
            "verification_url": url,
            "verification_code": display_verification_code(award.verification_code),
            "qr_code": qr_code_data_url(url),
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    fetcher = local_only_url_fetcher()
    stylesheet = CSS(string=render_to_string(STYLESHEET), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
