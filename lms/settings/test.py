"""Test settings: fast hashing, in-memory email, eager Celery even when a broker is given."""

from .base import *

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / ".test-media"))
PRIVATE_MEDIA_ROOT = str(BASE_DIR / ".test-media" / "private")
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests assert on mail.outbox, so tasks run in-process even with CELERY_BROKER_URL set (CI sets
# it for the stack run); tests marked `worker` switch the app to the real broker themselves.
CELERY_TASK_ALWAYS_EAGER = True
