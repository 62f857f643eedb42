"""Production: every secret from the environment, HTTPS only, hashed static files.

ENV_FILE names an optional file of NAME=value lines (`make serve-prod` writes one) read before
the settings: django-environ keeps each value whole, the '=' that ends a Fernet key included.
Variables already in the environment win over the file.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

if env_file := os.environ.get("ENV_FILE"):
    if not Path(env_file).is_file():
        raise ImproperlyConfigured(f"ENV_FILE names {env_file}, which is not a file.")
    environ.Env.read_env(env_file)

from .base import *

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value in production.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first) in production."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Certificates, their QR codes and every email link are built on it: a wrong default would
# send people to localhost.
WAGTAILADMIN_BASE_URL = env("SITE_URL", default="")
if not WAGTAILADMIN_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "Set SITE_URL to the public address of the site, such as https://coach.example.org."
    )

STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Behind the TLS-terminating proxy (README), which sets X-Forwarded-Proto and appends the
# client's address to X-Forwarded-For; `make serve-prod`, with no proxy, sets 0.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=True)
# X-Frame-Options stays SAMEORIGIN rather than DENY: the Wagtail editor previews pages in a
# same-origin iframe. CSP frame-ancestors 'self' still refuses every other site.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")
