"""Practice records for tests: coaching log rows, mentor sessions, education, certificates."""

import datetime as dt
import io
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from credentials.models import CoachingLogEntry, Engagement
from credentials.services import (
    coaching_log_entry_create,
    education_record_submit,
    mentor_session_log,
)

_sequence = itertools.count(1)


def one_page_pdf() -> bytes:
    """A real PDF with one blank page (the upload check opens it)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def small_image(image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=image_format)
    return buffer.getvalue()


PDF_BYTES = one_page_pdf()
PNG_BYTES = small_image("PNG")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def certificate_file(
    content: bytes = PDF_BYTES, name: str = "certificate.pdf"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def make_log_entry(*, trainee, **fields) -> CoachingLogEntry:
    number = next(_sequence)
    fields.setdefault("client_name", f"Client {number}")
    fields.setdefault("client_contact", f"client{number}@example.org")
    fields.setdefault("engagement", Engagement.INDIVIDUAL)
    fields.setdefault("group_size", None)
    fields.setdefault("start_date", days_ago(30))
    fields.setdefault("end_date", days_ago(10))
    fields.setdefault("paid_hours", Decimal("5"))
    fields.setdefault("pro_bono_hours", Decimal("1"))
    fields.setdefault("notes", f"Private note {number}")
    return coaching_log_entry_create(trainee=trainee, **fields)


def bulk_log_entries(*, trainee, count: int) -> None:
    """`count` log rows at once, bypassing the services: volume for query-count tests."""
    start = days_ago(400)
    CoachingLogEntry.objects.bulk_create(
        CoachingLogEntry(
            trainee=trainee,
            client_name=f"Bulk client {index}",
            client_contact="bulk@example.org",
            start_date=start + dt.timedelta(days=index % 300),
            end_date=start + dt.timedelta(days=index % 300),
            paid_hours=Decimal("1"),
        )
        for index in range(count)
    )


def make_mentor_session(*, trainee, mentor, **fields):
    fields.setdefault("date", days_ago(20))
    fields.setdefault("hours", Decimal("1"))
    fields.setdefault("engagement", Engagement.INDIVIDUAL)
    fields.setdefault("group_size", None)
    return mentor_session_log(trainee=trainee, mentor=mentor, **fields)


def make_education_record(*, trainee, **fields):
    number = next(_sequence)
    fields.setdefault("title", f"Coaching skills {number}")
    fields.setdefault("provider", "Coaching School")
    fields.setdefault("completed_on", days_ago(60))
    fields.setdefault("hours", Decimal("12"))
    fields.setdefault("synchronous_hours", Decimal("6"))
    fields.setdefault("certificate", certificate_file())
    return education_record_submit(trainee=trainee, **fields)
