"""Settings for the test suite (pytest-django). DATABASE_URL picks SQLite or PostgreSQL."""

import atexit
import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, TEMPLATES

DEBUG = False
SECRET_KEY = "test-only-not-secret-0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TEMPLATES[0]["OPTIONS"]["debug"] = True
# Serve static files straight from the finders: no collectstatic needed for browser tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Whole-page caching is tested on its own (tests/commitments/test_cache.py); elsewhere every
# request renders.
PUBLIC_PAGE_CACHE_SECONDS = 0
# No log line per request (tests/test_security.py turns it on where it tests it): pytest keeps
# and formats every record, which cost the suite about a tenth of its time.
LOGGING["loggers"]["tracker.request"] = {"level": "WARNING"}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared in-memory database: threads in the concurrency tests then
    # queue on the write lock as a real deployment's requests do (base settings), where the
    # in-memory database's table locks would fail them at once.
    # One file per test process, removed when it ends (nothing to reuse, as with memory).
    TEST_SQLITE_FILE = Path(tempfile.gettempdir()) / f"tracker-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_SQLITE_FILE)}

    @atexit.register
    def _remove_test_database():
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{TEST_SQLITE_FILE}{suffix}").unlink(missing_ok=True)
