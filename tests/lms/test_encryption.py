import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from credentials.models import CoachingLogEntry


def _raw_contact(entry_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_contact FROM credentials_coachinglogentry WHERE id = %s", [entry_id]
        )
        return cursor.fetchone()[0]


@pytest.fixture
def entry(trainee):
    return CoachingLogEntry.objects.create(
        trainee=trainee,
        client_name="J.D.",
        client_contact="jane.doe@example.org",
        notes="Worried about night shifts.",
        start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 1, 5),
        paid_hours=Decimal("1"),
    )


def test_contact_and_notes_are_stored_encrypted_and_read_back_plain(entry):
    raw = _raw_contact(entry.pk)
    assert "jane.doe" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert CoachingLogEntry.objects.get(pk=entry.pk).client_contact == "jane.doe@example.org"


def test_rotation_re_encrypts_with_the_new_key_so_the_old_key_can_go(settings, trainee):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    entry = CoachingLogEntry.objects.create(
        trainee=trainee,
        client_name="A.B.",
        client_contact="+44 7700 900123",
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 2, 1),
        paid_hours=Decimal("1.5"),
    )
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "Re-encrypted 1 rows" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert CoachingLogEntry.objects.get(pk=entry.pk).client_contact == "+44 7700 900123"
    assert Fernet(new_key.encode()).decrypt(_raw_contact(entry.pk).encode()) == b"+44 7700 900123"


def test_data_unreadable_with_the_configured_keys_fails_loudly(settings, entry):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        CoachingLogEntry.objects.get(pk=entry.pk)
