"""One env-driven settings module.

Development is the default: SQLite in NEEDLECARE_DATA_DIR (./var), DEBUG off unless
NEEDLECARE_DEBUG=1 (so a first run shows the project's own error pages). NEEDLECARE_ENV=production
insists on a secret key and allowed hosts from the environment and never debugs.
DATABASE_URL selects PostgreSQL (or any database dj-database-url understands).
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("NEEDLECARE_ENV", "development").strip().lower()
if ENV not in {"development", "production"}:
    raise ImproperlyConfigured("NEEDLECARE_ENV must be 'development' or 'production'.")
PRODUCTION = ENV == "production"
DEBUG = not PRODUCTION and os.environ.get("NEEDLECARE_DEBUG", "0").strip() == "1"

DATA_DIR = Path(os.environ.get("NEEDLECARE_DATA_DIR", "var")).resolve()


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when NEEDLECARE_ENV=production.")
    return value


if PRODUCTION:
    SECRET_KEY = _required("NEEDLECARE_SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("NEEDLECARE_ALLOWED_HOSTS").split(",") if h]
else:
    # A fixed key is fine on a developer's machine; production refuses to start without one.
    SECRET_KEY = os.environ.get(
        "NEEDLECARE_SECRET_KEY", "dev-only-insecure-key-needlecare-do-not-use-in-production"
    )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "ninja",
    "needlecare.audit",
    "needlecare.outbox",
    "needlecare.idempotency",
    "needlecare.accounts",
    "needlecare.clinics",
    "needlecare.patients",
    "needlecare.screening",
    "needlecare.scheduling",
    "needlecare.interop",
    "needlecare.charting",
    "needlecare.outcomes",
    "needlecare.reports",
    "needlecare.web",
    "needlecare.demo",
]

MIDDLEWARE = [
    # First, while REMOTE_ADDR is still the peer: a request id for the response, the logs and
    # the access log, a proxy's X-Request-ID kept only from a trusted one (web/request_id.py).
    "needlecare.web.request_id.RequestIdMiddleware",
    # Then proxy headers only from NEEDLECARE_TRUSTED_PROXIES (needlecare/web/proxy.py).
    "needlecare.web.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the second step (needlecare/accounts/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    # The page's language: the switcher's choice, a patient's preference, the browser's.
    "needlecare.web.language.LanguageMiddleware",
    # Patient data is never cached (needlecare/web/middleware_no_store.py).
    "needlecare.web.middleware_no_store.NoStoreMiddleware",
    "needlecare.web.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: an ended session leaves a note on the sign-in page.
    "needlecare.accounts.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the policy built once (needlecare/web/csp.py).
    "needlecare.web.csp.ConstantPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Bad bodies get a clear 413/400 before any check reads them; inside CSP and X-Frame-Options
    # so those pages carry the security headers too (needlecare/web/middleware_limits.py).
    "needlecare.web.middleware_limits.RequestLimitsMiddleware",
    "needlecare.accounts.middleware.DenyByDefaultMiddleware",
    # Axes goes last so it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "needlecare.urls"
# Django's, skipping the template of an empty error list (needlecare/web/form_renderer.py).
FORM_RENDERER = "needlecare.web.form_renderer.FormRenderer"
WSGI_APPLICATION = "needlecare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
# Persistent connections on both databases (each server thread keeps its own), checked before
# reuse so a restarted database is survived. On SQLite a new connection per request cost more
# than the page: its pragmas, and a WAL checkpoint each time the last one closed.
CONN_MAX_AGE = int(os.environ.get("NEEDLECARE_CONN_MAX_AGE", "60"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
        )
    }
    # Solid-state storage: random reads cost about what sequential ones do. With the default
    # (4.0) PostgreSQL read a practice group's four weeks of appointments through the start-time
    # index and threw 99% away (79 ms at 10 million rows); at 1.1 it uses the clinic and
    # therapist indexes (7 ms). docs/benchmarks.md, "A practice group at scale".
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
else:
    # The database is readable by the service's user only (see also the umask in cli.py).
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "needlecare.sqlite3"),
            "OPTIONS": {
                # Writers take the lock when the transaction begins, so check-then-write
                # sequences are serialised instead of failing halfway with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA busy_timeout=20000;"
                ),
            },
            "TEST": {"NAME": os.environ.get("NEEDLECARE_TEST_SQLITE") or None},
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after-login"
LOGOUT_REDIRECT_URL = "home"
# Wrong second-step codes are limited per account in the shared cache (accounts.two_factor),
# like wrong passwords; django-otp's own per-device back-off would add a second, silent one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "needlecare"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # NIST 800-63B: length and a check against common and personal passwords, no composition
    # rules. Registration, change and reset all go through validate_password.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Axes records every failed sign-in (kept 90 days) but never locks an account: one stranger
# could then lock out another. Sign-in is throttled instead (needlecare/accounts/signin.py):
# per account and address, per address (password spraying) and per account from browsers that
# never signed in to it, answering 429 with Retry-After.
AXES_LOCK_OUT_AT_FAILURE = False
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 24 * 90  # hours: failed sign-in records are kept 90 days
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
FAILED_SIGNIN_RETENTION_DAYS = 90

# Sessions: staff are signed out after 30 minutes idle, patients after 60, everyone after
# 12 hours (needlecare/accounts/sessions.py keeps the times in the session).
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_SECONDS_STAFF = 30 * 60
SESSION_IDLE_SECONDS_PATIENT = 60 * 60
SESSION_MAX_SECONDS = 12 * 60 * 60
SESSION_IDLE_WARNING_SECONDS = 2 * 60

# Rate limits live in the cache, shared by every server process: the database cache by
# default; its table is created by a migration, so `migrate` is enough on a fresh machine.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "needlecare_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Each process's own copy of the public pages' fixed parts, keyed on the clinics' change
    # count (needlecare/clinics/public.py): nothing in it needs sharing or can go stale.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "needlecare-pages",
        "OPTIONS": {"MAX_ENTRIES": 1_000},
    },
}

# --- Time and language ----------------------------------------------------------------------

LANGUAGE_CODE = "en"
# Patients' pages, messages and letters; staff pages stay English (needlecare/web/language.py).
LANGUAGES = [("en", "English"), ("es", "Español"), ("pt-br", "Português (Brasil)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Stored files (letters, clearance uploads, FHIR bulk exports): the file system under MEDIA_ROOT
# unless NEEDLECARE_STORAGE_URL names an S3-compatible object store (needlecare/common/
# storage_url.py; credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
from needlecare.common.storage_url import default_storage_of  # noqa: E402 - beside its one use

STORAGES = {
    "default": default_storage_of(os.environ.get("NEEDLECARE_STORAGE_URL", "")),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# Stored files (letters, clearances, consent PDFs) are the service user's alone.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Request bodies: at most 6 MB in all (a 5 MB clearance letter and its form), 2 MB of it
# fields or JSON; more answers 413 (needlecare/web/middleware_limits.py). Uploads over 2 MB
# stream to a temporary file instead of memory.
NEEDLECARE_MAX_REQUEST_BODY = int(os.environ.get("NEEDLECARE_MAX_REQUEST_BODY", 6 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Outside production, WhiteNoise serves straight from the apps' static folders, so
# `needlecare serve` works without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Security -------------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("NEEDLECARE_SSL_REDIRECT", "1") == "1"
    # A load balancer's health check may speak plain HTTP: answer it rather than redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

# The policy is on in every mode, so a page that breaks under it breaks in development too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it was written for (web/request_id.py; "-" outside one).
    "filters": {"request_id": {"()": "needlecare.web.request_id.RequestIdFilter"}},
    "formatters": {
        "console": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "console",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("NEEDLECARE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Axes logs every sign-in at INFO; failures and lockouts still come through.
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# --- Messages -------------------------------------------------------------------------------

# The outbox sends email through the server NEEDLECARE_EMAIL_URL names:
# smtp://user:password@host:port?tls=1 (STARTTLS) or ?ssl=1; unset, email is printed (and
# `check --deploy` refuses production). Text messages: NEEDLECARE_SMS_URL, "console:" (default)
# or "file:/path/to/messages.jsonl".
NEEDLECARE_EMAIL_URL = os.environ.get("NEEDLECARE_EMAIL_URL", "").strip()
if NEEDLECARE_EMAIL_URL:
    _mail = urlsplit(NEEDLECARE_EMAIL_URL)
    _options = dict(parse_qsl(_mail.query))
    if _mail.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured("NEEDLECARE_EMAIL_URL must start with smtp:// or smtps://")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _options.get("tls") == "1"
    EMAIL_USE_SSL = _mail.scheme == "smtps" or _options.get("ssl") == "1"
    EMAIL_TIMEOUT = int(_options.get("timeout", "20"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("NEEDLECARE_EMAIL_FROM", "needlecare <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NEEDLECARE_SMS_URL = os.environ.get("NEEDLECARE_SMS_URL", "console:").strip()
# Links in messages point here (the address patients reach the site at).
NEEDLECARE_BASE_URL = os.environ.get("NEEDLECARE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
