"""Celery tasks of the lms app. Email is always sent from here, never inside a request."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    name="lms.send_email",
)
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """`attachments` are (filename, text content, MIME type), e.g. a text/calendar invitation."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    message.send()
