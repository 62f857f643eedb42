"""Encryption at rest for confidential text (client contact details, private notes).

Keys come from FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, the newest first. New values
are encrypted with the first key; any listed key decrypts. To rotate, put a new key first, run
`manage.py rotate_encryption_keys`, then drop the old key.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def fernet_keys(keys: list[str] | tuple[str, ...]) -> list[Fernet]:
    """The keys of FIELD_ENCRYPTION_KEYS as Fernets; the settings call this at start-up, so a
    malformed key stops the process there rather than failing the first save."""
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} of {len(keys)} is not a Fernet key "
                "(44 characters of URL-safe base64, ending in '='; make one with "
                "Fernet.generate_key())."
            ) from exc
    return fernets


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(fernet_keys(keys))


def field_encryption() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        # Development and tests only: a key derived from SECRET_KEY. Production settings
        # refuse to start without FIELD_ENCRYPTION_KEYS.
        digest = hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest()
        keys = (base64.urlsafe_b64encode(digest).decode(),)
    return _fernet(keys)


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token; reads give back the plain text."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return field_encryption().encrypt(value.encode()).decode()

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        try:
            return field_encryption().decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "Encrypted data cannot be read with the keys in FIELD_ENCRYPTION_KEYS."
            ) from exc

    def rotate_token(self, token: str) -> str:
        return field_encryption().rotate(token.encode()).decode()
