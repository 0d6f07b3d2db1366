"""Django settings for Accord. Every deploy-specific value comes from ``ACCORD_*``
environment variables (see README "Configuration"); ``accord.env`` parses them strictly."""

import datetime as dt
import os
import secrets
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from accord.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_networks,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("ACCORD_VAR_DIR", str(Path.cwd() / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, or one generated on first start and kept in var/.

    A one-machine install then needs no set-up and never ships a key in the repository.
    """
    key = env_str("ACCORD_SECRET_KEY", "")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    try:
        # Created readable by the owner only, and only once even if two processes start.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("ACCORD_DEBUG", False)
ALLOWED_HOSTS = env_list("ACCORD_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("ACCORD_CSRF_TRUSTED_ORIGINS", [])
BASE_URL = env_str("ACCORD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",  # failed sign-ins, in its own tables
    "accord.core",
    "accord.org",
    "accord.meetings",
    "accord.actions",
    "accord.minutes",
    "accord.series",
    "accord.live",
    "accord.analytics",
    "accord.notify",
    "accord.calendars",
    "accord.exports",  # templates of the rendered documents
    "accord.api",
    "accord.web",
    "accord.ops",  # the `accord` subcommands: serve, demo, seed-scale
]

MIDDLEWARE = [
    "accord.web.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accord.web.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accord.web.middleware.AutosaveMiddleware",  # inside messages: drops a saved form's message
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a refused sign-in into the paused page
]

ROOT_URLCONF = "accord.urls"
WSGI_APPLICATION = "accord.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("ACCORD_DATABASE_URL", f"sqlite:///{VAR_DIR / 'accord.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests on SQLite use a file in WAL mode, as a deployment does, not the shared in-memory
    # database: there a reader meets a writer's table lock at once ("database table is
    # locked"), which no deployment shows. One file per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.Person"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# AxesStandaloneBackend first: it refuses a paused sign-in before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = env_choice("ACCORD_LANGUAGE", "zh-hans", ("zh-hans", "en"))
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_time_zone("ACCORD_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise indexes it at start-up, collected or not
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail (the SMTP channel and Django's own mails), as Django 6.1's MAILERS.
_EMAIL_USE_TLS = env_bool("ACCORD_EMAIL_USE_TLS", False)
_EMAIL_USE_SSL = env_bool("ACCORD_EMAIL_USE_SSL", False)
if _EMAIL_USE_TLS and _EMAIL_USE_SSL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ACCORD_EMAIL_USE_TLS and ACCORD_EMAIL_USE_SSL exclude each other.")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("ACCORD_EMAIL_HOST", "127.0.0.1"),
            "port": env_int("ACCORD_EMAIL_PORT", 25, minimum=1, maximum=65535),
            "username": env_str("ACCORD_EMAIL_USER", ""),
            "password": env_str("ACCORD_EMAIL_PASSWORD", ""),
            "use_tls": _EMAIL_USE_TLS,
            "use_ssl": _EMAIL_USE_SSL,
            "timeout": env_int("ACCORD_EMAIL_TIMEOUT", 10, minimum=1),
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("ACCORD_EMAIL_FROM", "Accord <accord@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The procedure's rule offsets (S-PREP-3, S-POST-1, S-TRACK-1, S-TRACK-2); all in whole units.
ACCORD_REMINDER_DAYS_BEFORE = env_int("ACCORD_REMINDER_DAYS_BEFORE", 3, minimum=1, maximum=60)
ACCORD_FOLLOW_UP_DAYS_AFTER = env_int("ACCORD_FOLLOW_UP_DAYS_AFTER", 2, minimum=0, maximum=30)
ACCORD_MINUTES_DUE_HOURS = env_int("ACCORD_MINUTES_DUE_HOURS", 24, minimum=1, maximum=24 * 14)
# How early a meeting may start without asking (after its planned end, or on another day,
# it always asks): see accord.live.services.meeting_start.
ACCORD_START_EARLY_MINUTES = env_int("ACCORD_START_EARLY_MINUTES", 60, minimum=0, maximum=24 * 60)
ACCORD_MATERIALS_MIN_DAYS_BEFORE = env_int("ACCORD_MATERIALS_MIN_DAYS_BEFORE", 1, minimum=0)
ACCORD_MATERIALS_MAX_DAYS_BEFORE = env_int("ACCORD_MATERIALS_MAX_DAYS_BEFORE", 2, minimum=0)
if ACCORD_MATERIALS_MIN_DAYS_BEFORE > ACCORD_MATERIALS_MAX_DAYS_BEFORE:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "ACCORD_MATERIALS_MIN_DAYS_BEFORE must not exceed ACCORD_MATERIALS_MAX_DAYS_BEFORE."
    )
# Notifications (notify/): when day-based notices go out, how the worker claims and retries.
ACCORD_NOTIFY_EMAIL = env_bool("ACCORD_NOTIFY_EMAIL", "ACCORD_EMAIL_HOST" in os.environ)
ACCORD_NOTIFY_HOUR = env_int("ACCORD_NOTIFY_HOUR", 9, minimum=0, maximum=23)
ACCORD_NOTIFY_CATCH_UP_DAYS = env_int("ACCORD_NOTIFY_CATCH_UP_DAYS", 7, minimum=1, maximum=90)
# The weekday (0 = Monday … 6 = Sunday) the weekly digest goes out, from ACCORD_NOTIFY_HOUR.
ACCORD_DIGEST_WEEKDAY = env_int("ACCORD_DIGEST_WEEKDAY", 0, minimum=0, maximum=6)
# How many days ahead the worker creates a series' next meeting (once the latest is over).
ACCORD_SERIES_LEAD_DAYS = env_int("ACCORD_SERIES_LEAD_DAYS", 7, minimum=1, maximum=90)
ACCORD_DIGEST_ENABLED = env_bool("ACCORD_DIGEST_ENABLED", True)
ACCORD_SIGN_REMINDERS = env_int("ACCORD_SIGN_REMINDERS", 3, minimum=0, maximum=30)
ACCORD_NOTIFY_TIMEOUT = env_int("ACCORD_NOTIFY_TIMEOUT", 10, minimum=1, maximum=120)
ACCORD_NOTIFY_MAX_ATTEMPTS = env_int("ACCORD_NOTIFY_MAX_ATTEMPTS", 8, minimum=1, maximum=50)
ACCORD_NOTIFY_RETRY_SECONDS = env_int("ACCORD_NOTIFY_RETRY_SECONDS", 30, minimum=1)
# Outgoing requests (channels, integrations' webhooks) never reach loopback, private,
# link-local, shared, multicast or reserved addresses, except inside these networks: for an
# on-premises chat server, e.g. "10.20.0.0/16" (accord.core.outgoing).
ACCORD_OUTGOING_ALLOWED_NETWORKS = env_networks("ACCORD_OUTGOING_ALLOWED_NETWORKS")
ACCORD_WORKER_BATCH = env_int("ACCORD_WORKER_BATCH", 100, minimum=1, maximum=10000)
ACCORD_WORKER_LEASE_SECONDS = env_int("ACCORD_WORKER_LEASE_SECONDS", 120, minimum=1)
ACCORD_WORKER_INTERVAL = env_int("ACCORD_WORKER_INTERVAL", 5, minimum=1)
ACCORD_WORKER_PLAN_SECONDS = env_int("ACCORD_WORKER_PLAN_SECONDS", 60, minimum=1)
ACCORD_WORKER_SMTP_CONNECTIONS = env_int("ACCORD_WORKER_SMTP_CONNECTIONS", 4, minimum=1, maximum=32)
ACCORD_EMBEDDED_WORKER = env_bool("ACCORD_EMBEDDED_WORKER", True)
# Whoever recorded or submitted the minutes may approve them too: for a team too small for
# four eyes. Off, the host (or an administrator) who did not write them approves.
ACCORD_ALLOW_SELF_APPROVAL = env_bool("ACCORD_ALLOW_SELF_APPROVAL", False)

# Agenda bounds (S-PREP-1, S-PREP-5): outside them the organiser sees a warning.
ACCORD_AGENDA_MIN_TOPICS = env_int("ACCORD_AGENDA_MIN_TOPICS", 3, minimum=1)
ACCORD_AGENDA_MAX_TOPICS = env_int("ACCORD_AGENDA_MAX_TOPICS", 5, minimum=1)
ACCORD_MEETING_MIN_MINUTES = env_int("ACCORD_MEETING_MIN_MINUTES", 60, minimum=1)
ACCORD_MEETING_MAX_MINUTES = env_int("ACCORD_MEETING_MAX_MINUTES", 90, minimum=1)

# Exports: an action plan of more rows than this is rendered by the worker, not in the
# request; the person is told in the app when it is ready. Finished files are kept 7 days.
ACCORD_EXPORT_INLINE_ROWS = env_int("ACCORD_EXPORT_INLINE_ROWS", 2000, minimum=0)
ACCORD_EXPORT_KEEP_DAYS = 7

# Uploads (materials): larger request bodies are refused before they are read.
ACCORD_MAX_UPLOAD_MB = env_int("ACCORD_MAX_UPLOAD_MB", 25, minimum=1, maximum=2048)

# The budget of one filling of a company minutes template (upload check and each Word
# download): processor seconds and megabytes of memory of its child process. At most 25 s,
# so that the answer comes before gunicorn's 30 s worker timeout.
ACCORD_TEMPLATE_SECONDS = env_int("ACCORD_TEMPLATE_SECONDS", 5, minimum=1, maximum=25)
ACCORD_TEMPLATE_MEMORY_MB = env_int("ACCORD_TEMPLATE_MEMORY_MB", 512, minimum=128, maximum=65536)

# accord serve
ACCORD_SERVE_BIND = env_str("ACCORD_SERVE_BIND", "127.0.0.1:8000")
ACCORD_SERVE_WORKERS = env_int("ACCORD_SERVE_WORKERS", 2, minimum=1, maximum=64)
# One thread a process (gunicorn's sync worker) by measurement: on 2 cores, threads in a
# process contend for the interpreter and serve fewer requests (docs/performance.md).
ACCORD_SERVE_THREADS = env_int("ACCORD_SERVE_THREADS", 1, minimum=1, maximum=64)
ACCORD_SERVE_ACCESS_LOG = env_bool("ACCORD_SERVE_ACCESS_LOG", True)
# The stack's own ceiling for benchmarks/run.py: /bench/hello answers 404 unless this is on.
ACCORD_BENCH_HELLO = env_bool("ACCORD_BENCH_HELLO", False)

# Security. ACCORD_HTTPS=true (production behind TLS) turns on secure cookies, the HTTPS
# redirect and HSTS together; the default serves plain HTTP on 127.0.0.1 for one machine.
_HTTPS = env_bool("ACCORD_HTTPS", False)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS
SECURE_HSTS_SECONDS = env_int("ACCORD_HSTS_SECONDS", 31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("ACCORD_BEHIND_PROXY", False) else None
)
# Password guessing (django-axes, counts in the database so that every process sees them):
# after ACCORD_LOGIN_FAILURE_LIMIT failures for one user name, or
# ACCORD_LOGIN_ADDRESS_FAILURE_LIMIT failures (passwords and API tokens) from one client
# address, sign-in is paused for ACCORD_LOGIN_COOLOFF_MINUTES (accord.org.sign_in).
ACCORD_LOGIN_FAILURE_LIMIT = env_int("ACCORD_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
ACCORD_LOGIN_ADDRESS_FAILURE_LIMIT = env_int(
    "ACCORD_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1, maximum=100000
)
ACCORD_LOGIN_COOLOFF_MINUTES = env_int(
    "ACCORD_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=7 * 24 * 60
)
AXES_HANDLER = "accord.org.sign_in.SignInThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = ACCORD_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=ACCORD_LOGIN_COOLOFF_MINUTES)
# The pause runs from the last counted failure; attempts refused while paused do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accord.web.sign_in.sign_in_paused"
AXES_VERBOSE = False  # no banner on every `accord` command
AXES_CLIENT_IP_CALLABLE = "accord.org.sign_in.client_address"  # IPv6 counted per /64
if env_bool("ACCORD_BEHIND_PROXY", False):
    # The client is the address the proxy appended last to X-Forwarded-For; whatever the
    # client sent before it is not believed. In ipware's terms: no proxy left in the chain
    # (count 0) and a chain of any length accepted (not strict); without the header, the
    # connection's own address.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = 0
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# Scripts only from Accord's own static files (htmx included); no inline script anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ACCORD_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step of every PDF at INFO; httpx and httpcore log every
    # request's whole URL, and a webhook's URL carries its credential (access_token, key).
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
