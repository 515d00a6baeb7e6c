"""Settings shared by every environment. Values that differ come from environment variables."""

from pathlib import Path

import environ

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "concurrency",
    "sources",
    "commitments",
    "parliament",
    "desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "commitments.asof.AsOfMiddleware",
    "commitments.errors.WriteConflictMiddleware",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Optimistic locking (django-concurrency): a stale edit is refused, never silently applied.
CONCURRENCY_HANDLER409 = "concurrency.views.conflict"
CONCURRENCY_ENABLED = True
