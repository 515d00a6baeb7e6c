"""Production settings: fail closed. No default secret key, no debug, HTTPS only."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, LOGGING, STORAGES, client_address, env

DEBUG = False
# No default: without SECRET_KEY the process refuses to start (ImproperlyConfigured).
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# DATABASE_URL is required here (no SQLite fallback); the connection is base's, with its
# PostgreSQL options (no JIT, no parallel query, the web statement timeout) kept.
env.str("DATABASE_URL")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sign-in: a second factor for superusers and Reviewers; the TLS proxy adds the client's
# address to X-Forwarded-For (set TRUSTED_PROXY_COUNT to the number of proxies in front).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
vars().update(client_address(TRUSTED_PROXY_COUNT))
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")
# Where `collectstatic` writes (and WhiteNoise serves from).
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
