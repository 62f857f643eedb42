"""Fixtures shared by the credentials tests."""

from tests.credentials.awarding import admin, award  # noqa: F401  (fixtures)
