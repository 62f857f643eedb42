"""Benchmark settings: production settings, served over plain HTTP on loopback.

Only what loopback HTTP needs differs from production (no HTTPS redirect, no secure-only
cookies); the URLconf adds the framework's floor, a view that does nothing (bench/urls.py).
"""

import base64
import os

# Production refuses to start without these; the benchmark never leaves 127.0.0.1.
os.environ.setdefault("SECRET_KEY", "bench-only-key-for-loopback-benchmarks-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SITE_URL", "http://127.0.0.1")
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS", base64.urlsafe_b64encode(b"bench-only-key-never-production!").decode()
)

from lms.settings.base import BASE_DIR
from lms.settings.production import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATIC_ROOT = BASE_DIR / "bench" / "results" / "static"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
