"""CME certificates and transcripts as PDF, through the awards' WeasyPrint machinery."""

from django.conf import settings

from credentials.certificates import pdf_from_templates, qr_code_data_url, verification_url
from credentials.cme import rules, selectors
from credentials.cme.models import CmeClaim, CreditTypeCode, LearningFormat
from credentials.engine import format_date

STYLESHEET = "credentials/cme/certificate.css"


def certificate_context(*, claim: CmeClaim) -> dict:
    """What a CME certificate and its verification page say (DESIGN §2)."""
    activity = claim.activity
    offers = selectors.activity_offers(activity=activity)
    live = activity.learning_format == LearningFormat.LIVE
    return {
        "holder_name": claim.learner.get_full_name() or "The holder",
        "is_participation": claim.credit_type.code == CreditTypeCode.PARTICIPATION,
        "provider": activity.provider,
        "activity_title": activity.title,
        "learning_format": activity.get_learning_format_display(),
        "location": activity.location if live else "",
        "activity_dates": (
            f"{format_date(activity.start_date)} to {format_date(activity.end_date)}"
            if live
            else ""
        ),
        "completed_on": format_date(claim.completed_on),
        "credits": rules.format_credits(claim.credits),
        "credit_type": claim.credit_type,
        "accreditation_statement": activity.accreditation_statement,
        "designation_statement": selectors.designation_statement(activity=activity, offers=offers),
        "verification_code": claim.verification_code,
    }


def cme_certificate_pdf(*, claim: CmeClaim) -> bytes:
    url = verification_url(claim.verification_code)
    context = {
        **certificate_context(claim=claim),
        "verification_url": url,
        "qr_code": qr_code_data_url(url),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    return pdf_from_templates(
        template="credentials/cme/certificate.html", stylesheet=STYLESHEET, context=context
    )


def transcript_pdf(*, transcript: selectors.Transcript) -> bytes:
    return pdf_from_templates(
        template="credentials/cme/transcript_pdf.html",
        stylesheet=STYLESHEET,
        context={"transcript": transcript, "site_name": settings.WAGTAIL_SITE_NAME},
    )
