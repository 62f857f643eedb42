"""Settings shared by every environment. Everything that varies comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

from lms.encryption import fernet_keys

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "lms",
    "courses",
    "credentials",
    "billing",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.apps.WagtailUsersConfig",  # wagtail.users with our user editor
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lms.middleware.UserTimezoneMiddleware",
    "lms.middleware.SessionRoleNamesMiddleware",
    "lms.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes must come last: it reads the outcome of the authentication above it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.context_processors.roles",
            ],
        },
    },
]

# DATABASE_URL unset means a SQLite file inside the project (the embedded default).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection is checked before a request reuses it: after a database restart or failover
# the request opens a new one instead of failing on the dead one.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Planning costs more than running most of our queries (0.2 ms against < 0.1 ms for the
    # dashboard's, bench/README.md). Server-side binding lets psycopg prepare a statement after
    # its fifth run on a connection, so persistent connections plan each one once. Off behind a
    # pooler in transaction mode (PgBouncer without max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The kept trainee dashboards are keyed by version stamps, so each process's own memory is a
# correct default. CACHE_URL (e.g. a Redis database) shares the cache between workers, which
# Wagtail's site root paths need for a change of sites to reach every worker at once.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "lms.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"  # stored in UTC; shown in each user's own zone (UserTimezoneMiddleware)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Submissions (recordings, transcripts, documents): never under MEDIA_ROOT, never given a public
# address; courses.grading serves them through a permission check and short-lived signed links.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))
GRADING_MAX_RECORDING_BYTES = env.int("GRADING_MAX_RECORDING_BYTES", default=500 * 1024 * 1024)
GRADING_MAX_DOCUMENT_BYTES = env.int("GRADING_MAX_DOCUMENT_BYTES", default=20 * 1024 * 1024)
GRADING_TURNAROUND_DAYS = env.int("GRADING_TURNAROUND_DAYS", default=7)
GRADING_LINK_SECONDS = 10 * 60
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email leaves through Django's backend, always from a Celery task (lms.tasks).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Coach Academy <no-reply@coach-academy.test>"
)

# Celery: with no broker configured, tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
# A task is acknowledged when it ends, not when it starts, and goes back to the queue when its
# worker process dies under it (SIGKILL, out of memory): every task is idempotent, so running
# one again is safe, while losing one can leave an award without its PDF.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker takes one message at a time, so the others wait in Redis for an idle worker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task may run longer than 10 minutes (the longest, the nightly evaluation of 10,000 trainees
# or a 10,000-row import, takes under a minute: bench/README.md); at 9 minutes it is asked to
# stop, which an import job reports on its page.
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
# A message taken by a worker that vanished (the whole worker killed, the machine lost) is
# redelivered after the visibility timeout. It must exceed the longest wait for an
# acknowledgement, the time limit plus a retry's countdown (Celery's default 3 minutes), or a
# slow task would run twice; 15 minutes covers 10 + 3 with margin, where Redis's default hour
# would leave an award without its PDF for an hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Nightly, after the day's imports: email trainees who have just become eligible.
    "credentials-evaluate-all-trainees": {
        "task": "credentials.evaluate_all_trainees",
        "schedule": crontab(hour=2, minute=30),
    },
    # Work a lost message left undone: awards without their PDF, import jobs that never ran or
    # never finished (credentials.tasks.unfinished_work_requeue).
    # Tell lead trainers about overdue grading, once per submission.
    "courses-grading-overdue-notices": {
        "task": "courses.grading_overdue_notices",
        "schedule": crontab(minute=15),
    },
    "credentials-unfinished-work-requeue": {
        "task": "credentials.unfinished_work_requeue",
        "schedule": timedelta(minutes=5),
    },
    # Write off expired mentor-coaching credits; remind 30 days before expiry (idempotent).
    "billing-expire-credits": {
        "task": "billing.expire_credits",
        "schedule": crontab(hour=3, minute=15),
    },
    # Stripe events recorded but not yet processed (e.g. Stripe's API was down): try again.
    "billing-retry-stripe-events": {
        "task": "billing.retry_stripe_events",
        "schedule": crontab(minute="*/10"),
    },
}

# Stripe: the SDK's key and API base (without /v1; the test double of billing.stripe_double in
# development), and the webhook signing secret.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com").rstrip("/")
# Hosted Checkout lives on Stripe's checkout origin; the double serves it from its API base.
STRIPE_CHECKOUT_ORIGINS = env.list(
    "STRIPE_CHECKOUT_ORIGINS", default=["https://checkout.stripe.com", STRIPE_API_BASE]
)

# Encryption at rest for client contact details and private notes (lms.encryption).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
fernet_keys(FIELD_ENCRYPTION_KEYS)

# Wagtail: the back office for programme admins at /cms/.
WAGTAIL_SITE_NAME = "Coach Academy"
# Avatars are the initials Wagtail draws itself: Gravatar cannot be reached offline and would
# tell a third party who opens the back office.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The public base URL: every absolute link (emails, certificates) is built from it by
# lms.emails.site_url.
SITE_URL = env("SITE_URL", default="http://localhost:8000")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Login throttling: 5 failures for one account from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The login form's field is "username" (axes would guess "email" from USERNAME_FIELD and then
# never find it), and "Ann@x.org" and "ann@x.org" count as one account, as the login does.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "lms.forms.login_throttle_username"
# The address is the client's as our proxies forwarded it (X-Forwarded-For), not the proxy's:
# behind one proxy, every client would otherwise share a lockout. TRUSTED_PROXY_COUNT says how
# many proxies of our own are in front (0: none, X-Forwarded-For is ignored).
AXES_CLIENT_IP_CALLABLE = "lms.proxy.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Two-factor sign-in: accounts holding admin power (lms.policies) confirm a TOTP code first.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Coach Academy"

# Content-Security-Policy: our own pages use no inline script or style and load nothing
# from another origin. The Wagtail and Django admins get a looser policy (lms.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        # Module videos may be files on the school's own video host.
        "media-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The buy form's 303 goes on to Stripe's hosted Checkout page.
        "form-action": [SELF, *STRIPE_CHECKOUT_ORIGINS],
        "frame-ancestors": [SELF],
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
