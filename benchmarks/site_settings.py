"""Production settings for benchmarks/site.py, with one change: STATIC_ROOT.

The production storage (WhiteNoise's manifest storage) needs `collectstatic` before any page
renders. The benchmark collects into a temporary folder named by BENCH_STATIC_ROOT instead of
the project's staticfiles/, so it leaves nothing behind. Everything else is production's.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import env

STATIC_ROOT = env.path("BENCH_STATIC_ROOT")
