"""Settings shared by every environment. Values that differ come from environment variables."""

import datetime
from email.utils import getaddresses
from pathlib import Path

import environ
import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; the process environment always wins.
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
# Where the Django admin lives; set a non-default path in production.
ADMIN_URL = env.str("ADMIN_URL", default="admin/")

# Parliament's public APIs (watch_parliament); tests point them at a local server.
PARLIAMENT_QUESTIONS_API = env.str(
    "PARLIAMENT_QUESTIONS_API", default="https://questions-statements-api.parliament.uk"
)
PARLIAMENT_BILLS_API = env.str("PARLIAMENT_BILLS_API", default="https://bills-api.parliament.uk")
PARLIAMENT_USER_AGENT = env.str(
    "PARLIAMENT_USER_AGENT",
    default="grooming-gangs-commitments-tracker/1.0 (public accountability tracker; "
    "watch_parliament)",
)

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
STATEMENT_TIMEOUT_MS = env.int("STATEMENT_TIMEOUT_MS", default=5000)  # PostgreSQL only, below
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: this site's queries are short, and compiling one cost about 0.9 s
    # whenever the planner over-estimated it (tables not yet analysed, as in every test).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # No parallel query either, unless asked: starting its workers cost the commitment search
    # 4-10 ms (EXPLAIN ANALYZE on 10,000 commitments), and two app-server workers on two cores
    # leave no idle core for them.
    parallel = env.int("PG_MAX_PARALLEL_WORKERS_PER_GATHER", default=0)
    DATABASES["default"]["OPTIONS"]["options"] += f" -c max_parallel_workers_per_gather={parallel}"
    # A pathological request cannot hold a worker: in the web processes every statement is
    # cancelled after STATEMENT_TIMEOUT_MS (the page answers 503, commitments.errors). Commands
    # (migrations, imports, the Parliament watch) set TRACKER_COMMAND in manage.py and run
    # without it.
    if STATEMENT_TIMEOUT_MS and not env.bool("TRACKER_COMMAND", default=False):
        timeout = f" -c statement_timeout={STATEMENT_TIMEOUT_MS}"
        DATABASES["default"]["OPTIONS"]["options"] += timeout
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: each request's transaction takes the write lock when it begins,
    # so simultaneous saves queue (for up to 20 s) instead of failing with "database is locked"
    # half-way, and the admin's version check sees the earlier save (sources.conflicts).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "accounts.apps.TrackerAdminConfig",  # django.contrib.admin, with accounts.site as admin.site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_guid",
    "accounts",
    "ops",
    "simple_history",
    "concurrency",
    "sources",
    "commitments",
    "parliament",
    "desk",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",  # the request id, on every log line
    "accounts.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "accounts.headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "commitments.asof.AsOfMiddleware",
    "commitments.errors.WriteConflictMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Public pages are cached whole, keyed by the data's version (commitments.cache). The default
# is a per-process memory cache; CACHE_URL may name a shared one (e.g. redis://...).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://public-pages")}
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commitments.asof.as_of",
            ],
        },
    },
    {  # templates/jinja2/*.jinja only, rendered by name with using="jinja2" (config/jinja2.py)
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by WhiteNoise (/favicon.ico, which browsers and feed readers
# ask for whatever the page links).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# -- sign-in ---------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out user or address first
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes, in the database, so every app server sees it): after AXES_FAILURE_LIMIT
# wrong passwords for one username, or from one address, that username or address is refused
# for AXES_COOLOFF_MINUTES; each failure is logged and listed in the admin (Access attempts).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = True
AXES_SENSITIVE_PARAMETERS = []  # log lines name the username and the address (never a password)


def client_address(proxies: int) -> dict:
    """How django-axes finds the client's address behind `proxies` proxies, each of which
    appends the address it saw to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for): the
    entry `proxies` from the right, since anything to its left the client may have written.
    With no proxy, REMOTE_ADDR alone (the header is then only the client's own words)."""
    if not proxies:
        return {
            "AXES_IPWARE_PROXY_COUNT": None,
            "AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",),
        }
    return {
        "AXES_IPWARE_PROXY_COUNT": proxies - 1,  # ipware counts the proxies after the client
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        # Not strict: a header with more entries than proxies (the client wrote some) still
        # gives the one the proxies vouch for; strict ipware would fall back to REMOTE_ADDR,
        # the proxy's own address, and one attacker would lock out every editor.
        "IPWARE_STRICT": False,
    }


# TRUSTED_PROXY_COUNT: the proxies in front of the app servers (production: the TLS proxy, 1).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
vars().update(client_address(TRUSTED_PROXY_COUNT))
# Two-factor sign-in (django-otp, TOTP apps and recovery codes: accounts): required of
# superusers and Reviewers when TWO_FACTOR_REQUIRED (production's default), optional otherwise.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Grooming-gangs tracker")
# Only staff have sessions (the public site keeps none). A session ends after
# STAFF_IDLE_MINUTES without a request: every request moves its expiry on.
SESSION_COOKIE_AGE = 60 * env.int("STAFF_IDLE_MINUTES", default=30)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# -- headers -------------------------------------------------------------------------------
# The public site runs no script and loads nothing from elsewhere; the admin only its own
# scripts and styles (accounts.headers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],  # the admin's related-object pop-ups
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# -- errors and logs -----------------------------------------------------------------------
# ADMINS: "Name <address>, ..." (mail on every server error, through EMAIL_URL).
ADMINS = getaddresses([env.str("ADMINS", default="")])
ADMINS = [(name, address) for name, address in ADMINS if address]
SERVER_EMAIL = env.str("SERVER_EMAIL", default="tracker@localhost")
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, ... (django-environ)
# Every log line carries the request's id (X-Request-ID from the proxy, or a new one, sent
# back in the response): one JSON object per line with LOG_FORMAT=json (production).
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "RETURN_HEADER": True, "VALIDATE_GUID": False}
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(correlation_id)s %(message)s",
            "rename_fields": {"correlation_id": "request_id", "levelname": "level"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins"], "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},  # failures
        "django_guid": {"level": "WARNING"},  # not a line per request saying it made an id
    },
}
# Optional error tracking: Sentry's official SDK when SENTRY_DSN is set (no personal data).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# Optimistic locking (django-concurrency): a stale edit is refused, never silently applied.
CONCURRENCY_HANDLER409 = "concurrency.views.conflict"
CONCURRENCY_ENABLED = True
