"""Developer settings: `make run` uses these. Safe defaults for a first run on one machine."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY", default="local-development-only-not-secret-6f1c2d9e8b7a4c3d2e1f0a9b8c7d6e5f"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
