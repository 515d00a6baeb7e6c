"""Load test: the site under wrk, as production runs it, on loopback.

Serves the curated dataset from PostgreSQL with gunicorn (production settings, 2 sync workers,
the page cache on) and drives it with wrk at 32 connections:

- the mix, 60 s: cached pages (home, list, commitments, sources, funding, methodology), the list
  with a random cache-busting parameter (`?utm_source=<random>`), searches, and the commitments
  and funding CSV exports, each request drawn at random (benchmarks/loadtest.lua);
- then, 15 s each, the cached list alone and the list with a random `utm_source` alone: their
  ratio (a query string nobody's page reads must not cost a render).

Goals (issue 17): 0 errors (socket errors or answers other than 2xx/3xx) and 0 timeouts in the
mix; `?utm_source=<random>` at least 0.8x the cached rate. Figures go to
benchmarks/results.json; exits 1 if a goal is not met. Run it with `make loadtest`, or:

    .venv/bin/python benchmarks/loadtest.py [--database-url URL] [--duration S] [--connections N]

The database (default postgres://postgres@127.0.0.1:5432/tracker_loadtest, or
LOADTEST_DATABASE_URL) is created if missing, migrated and loaded with the curated dataset.
wrk comes from Debian's package (`make loadtest` installs it if missing).
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._postgres import create_database  # noqa: E402
from benchmarks._results import record  # noqa: E402
from ops.serving import Gunicorn, get  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_loadtest"
UTM_RATIO = 0.8
MANAGE = [sys.executable, str(ROOT / "manage.py")]
SCRIPT = Path(__file__).with_name("loadtest.lua")


def manage(env: dict, *args: str) -> None:
    subprocess.run([*MANAGE, *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def wrk(port: int, seconds: float, connections: int, *, paths: list[str], random_utm: bool):
    """Run wrk; (requests/s, socket errors, timeouts, non-2xx/3xx answers, requests)."""
    env = {
        **os.environ,
        "LOADTEST_PATHS": "\n".join(paths),
        "LOADTEST_RANDOM_UTM": "1" if random_utm else "",
    }
    command = [
        shutil.which("wrk") or "wrk", "--threads", "2", "--connections", str(connections),
        "--duration", f"{seconds:g}s", "--timeout", "10s", "--latency",
        "--script", str(SCRIPT), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = timeouts = 0
    if found := re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        connect, read, write, timeouts = (int(n) for n in found.groups())
        errors += connect + read + write
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, errors, timeouts, int(bad.group(1)) if bad else 0, requests, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the mix")
    parser.add_argument("--ratio-duration", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make loadtest` installs it (Debian package wrk)")
    create_database(args.database_url)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(Path(tmp) / "static"),
            "PUBLIC_PAGE_CACHE_SECONDS": "600",
            "LOG_LEVEL": "WARNING",  # no line per request: wrk's own count is the record
        }
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_curated", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        with Gunicorn(env, args.workers, Path(tmp) / "gunicorn.log", "/healthz/") as server:
            status, body = get(server.port, "/commitments/")
            slugs = sorted(set(re.findall(r'href="/commitments/([a-z0-9-]+)/"', body.decode())))
            if status != 200 or not slugs:
                sys.exit(f"the list answered {status} with {len(slugs)} commitments")
            cached = [
                "/", "/commitments/", "/sources/", "/funding/", "/methodology/",
                "/changes/", "/corrections/", *[f"/commitments/{s}/" for s in slugs[:10]],
            ]  # fmt: skip
            mix = [
                *cached,
                "/commitments/?utm_source=RANDOM", "/commitments/?utm_source=RANDOM",
                "/commitments/?q=inquiry", "/commitments/?q=audit&status=delivered",
                "/sources/?q=grooming", "/export/commitments.csv", "/export/funding.csv",
            ]  # fmt: skip
            for path in mix:  # warm the caches (and check each page answers)
                if (status := get(server.port, path.replace("RANDOM", "warm"))[0]) != 200:
                    sys.exit(f"{path} answered {status}")
            print(f"load test: curated dataset ({len(slugs)} commitments); gunicorn "
                  f"{args.workers} workers; wrk {args.connections} connections")  # fmt: skip
            rate, errors, timeouts, bad, requests, out = wrk(
                server.port, args.duration, args.connections, paths=mix, random_utm=True
            )
            print(
                f"  mix, {args.duration:g} s: {requests:,} requests, {rate:,.1f} req/s; "
                f"socket errors {errors}, timeouts {timeouts}, answers not 2xx/3xx {bad}"
            )
            latency = re.search(r"99%\s+(\S+)", out)
            if latency:
                print(f"  mix latency p99: {latency.group(1)}")
            cached_rate = wrk(
                server.port, args.ratio_duration, args.connections,
                paths=["/commitments/"], random_utm=False,
            )[0]  # fmt: skip
            utm_rate = wrk(
                server.port, args.ratio_duration, args.connections,
                paths=["/commitments/?utm_source=RANDOM"], random_utm=True,
            )[0]  # fmt: skip
            ratio = utm_rate / cached_rate
            print(f"  /commitments/ cached {cached_rate:,.1f} req/s; with a random "
                  f"utm_source {utm_rate:,.1f} req/s ({ratio:.2f}x)")  # fmt: skip
    goals = [
        ("mix: errors (socket, not 2xx/3xx)", errors + bad, 0, "errors", False),
        ("mix: timeouts", timeouts, 0, "timeouts", False),
        ("utm_source=<random> / cached list", ratio, UTM_RATIO, "x", True),
    ]
    results = [
        record("loadtest", goal, figure, target, unit, at_least=at_least)
        for goal, figure, target, unit, at_least in goals
    ]
    for met, line in zip(
        results,
        ["0 errors", "0 timeouts", f"random utm_source >= {UTM_RATIO}x the cached rate"],
        strict=True,
    ):
        print(f"  goal: {line}: {'met' if met else 'NOT met'}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
