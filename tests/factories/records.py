"""Practice records for tests: coaching log rows, mentor sessions, education, certificates."""

import datetime as dt
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credentials.models import CoachingLogEntry, Engagement
from credentials.services import (
    coaching_log_entry_create,
    education_record_submit,
    mentor_session_log,
)

_sequence = itertools.count(1)

# The first bytes that make a file a real PDF / PNG; enough for the content check.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
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
