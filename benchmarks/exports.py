"""Benchmark: the funding CSV export over HTTP, against PostgreSQL's own COPY of the same query.

Goal (from the issue): on PostgreSQL with 100,000 funding lines, GET /export/funding.csv takes
no more than twice as long as `COPY (the same query) TO STDOUT WITH CSV`.

Fills a PostgreSQL database with a synthetic dataset (2,000 public commitments, each with a
cited pledge and one cited status-setting announcement dated 2025-01-01; 300 sources; 100,000
funding lines, each with one citation quoting its source verbatim; a tenth of them part of, or
another figure for, another line; a tenth undated; some texts with £, é, quotes, commas and
formula-like starts such as "=1+1" or "-5"), serves it with gunicorn (production settings, one
sync worker, --timeout 120) on loopback, and in the same run measures, three times each:

- HTTP: wall clock from sending the request to the last byte of the body (HTTP/1.1, chunked,
  read off the socket into memory; decoded and checked afterwards: 200, the declared header
  and exactly one CSV row per funding line, else the script fails);
- COPY: `COPY (<sql>) TO STDOUT WITH CSV HEADER` through psycopg2's copy_expert into memory,
  where <sql> is the very SELECT the app's export runs on PostgreSQL (the funding dataset's
  `sql`, whose cells are already written as the CSV has them), parameters bound by mogrify;
- the gunicorn worker's peak memory (VmHWM in /proc/<pid>/status), before and after the
  exports.

It prints rows, the HTTP and COPY times (best and median), rows/s, the HTTP/COPY ratio and
whether the goal is met (on the medians). Run it with `make bench`, or:

    .venv/bin/python benchmarks/exports.py [--database-url URL] [--quick] [--regenerate]
        [--runs N] [--profile ROWS]

The database (default postgres://postgres@127.0.0.1:5432/tracker_bench_exports, or
BENCH_EXPORTS_DATABASE_URL) is created if missing and migrated; the data is generated only when
the database does not already hold the expected counts (`--regenerate` empties and refills
it). `--quick` uses 10,000 funding lines, in a database whose name ends in `_quick`.
`--profile ROWS` also runs the export's row generation in this process under cProfile for that
many rows and prints the top costs. Serving is as in benchmarks/site.py (whose helpers this
reuses), with PUBLIC_PAGE_CACHE_SECONDS=0.
"""

import argparse
import cProfile
import csv
import datetime
import io
import itertools
import os
import pstats
import random
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import site as site_bench  # noqa: E402
from benchmarks._postgres import create_database  # noqa: E402
from benchmarks._results import record  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench_exports"
PATH = "/export/funding.csv"
PROBE = "/healthz/"
BATCH = 5000
ON_RECORD = datetime.date(2025, 1, 1)  # every commitment's one status-setting announcement
LINES_PER_COMMITMENT = 50
# Texts that exercise the CSV writer: non-ASCII, quoting, and formula-like starts.
ODD_PURPOSES = [
    "=1+1", "-5", "+44 helpline", "@risk children", "Café outreach in Brontë ward",
    "£5m top-up for councils", 'training, "phase 2"',
]  # fmt: skip
RECIPIENTS = [
    "", "", "local authorities", "police forces", "Barnardo’s", "Régie des écoles",
    "NSPCC, Childline", "-5", "=SUM(A1:A2)",
]  # fmt: skip


@dataclass(frozen=True)
class Size:
    funding_lines: int
    sources: int = 300

    @property
    def commitments(self) -> int:
        return self.funding_lines // LINES_PER_COMMITMENT

    @property
    def counts(self) -> dict[str, int]:
        return {
            "commitments": self.commitments,
            "announcements": self.commitments,
            "sources": self.sources,
            "funding_lines": self.funding_lines,
            "citations": 2 * self.commitments + self.funding_lines,
        }


# --- Synthetic data ----------------------------------------------------------------------


def generate(size: Size, seed: int = 1) -> None:
    """Fill the (empty) database with the synthetic dataset, in one transaction."""
    from django.db import transaction

    from commitments.models import (
        Announcement,
        Citation,
        Commitment,
        Department,
        FundingLine,
        FundingStage,
        Theme,
    )
    from sources.models import SourceDocument

    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    w = site_bench.Writer(rng)
    themes, departments = list(Theme.values), list(Department.values)

    with transaction.atomic():
        # site.py's sources: two per "commitment" of its Size, each with quotable sentences.
        objects, quotable = site_bench.make_sources(site_bench.Size(size.sources // 2), w)
        sources = SourceDocument.objects.bulk_create(objects, batch_size=BATCH)
        del objects

        def cite(commitment, **claim) -> Citation:
            n = rng.randrange(len(sources))
            return Citation(
                commitment=commitment, source=sources[n], quote=rng.choice(quotable[n]),
                locator=f"paragraph {rng.randint(1, 9)}", version=1, **claim,
            )  # fmt: skip

        commitments = []
        for n in range(size.commitments):
            title = w.words(4, 10).capitalize()
            commitments.append(
                Commitment(
                    slug=f"c{n:05d}-" + "-".join(title.lower().split()[:4]),
                    title=title,
                    pledge_text=w.sentence(),
                    theme=themes[n % len(themes)],
                    lead_department=departments[n % len(departments)],
                    version=1,
                )
            )
        commitments = Commitment.objects.bulk_create(commitments, batch_size=BATCH)
        announcements = Announcement.objects.bulk_create(
            [
                Announcement(
                    commitment=c,
                    date=ON_RECORD,
                    kind="first_announced",
                    new_status="announced",
                    summary=w.sentence(),
                    version=1,
                )
                for c in commitments
            ],
            batch_size=BATCH,
        )

        def line(n: int, **links) -> FundingLine:
            odd = n % 97 == 0
            return FundingLine(
                commitment=commitments[n // LINES_PER_COMMITMENT],
                amount=Decimal(rng.randint(1, 400) * 25000)
                if n % 7
                else Decimal(rng.randint(100, 99999)) / 4,
                stage=rng.choice(FundingStage.values),
                stated_on=w.day(datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
                if n % 10
                else None,
                purpose=rng.choice(ODD_PURPOSES) if odd else w.words(3, 8),
                recipient=rng.choice(RECIPIENTS),
                period=rng.choice(["", "2024-25", "2025-26", "2026-27"]),
                note=w.sentence(6, 14) + ' See "annex", p. 2.' if n % 13 == 0 else "",
                version=1,
                **links,
            )

        # Nine lines in ten stand alone; each tenth is part of, or another source's figure for,
        # the line just before it (same commitment), with the same amount or another.
        linked = {n for n in range(size.funding_lines) if n % 10 == 9}
        base = FundingLine.objects.bulk_create(
            [line(n) for n in range(size.funding_lines) if n not in linked], batch_size=BATCH
        )
        by_n = dict(
            zip((n for n in range(size.funding_lines) if n not in linked), base, strict=True)
        )
        others = []
        for n in sorted(linked):
            other = by_n[n - 1]
            new = line(n, **{"parent" if n % 20 == 9 else "same_money_as": other})
            if rng.random() < 0.5:
                new.amount = other.amount
            others.append(new)
        lines = base + FundingLine.objects.bulk_create(others, batch_size=BATCH)

        citations = [cite(c) for c in commitments]
        citations += [cite(a.commitment, announcement=a) for a in announcements]
        citations += [cite(f.commitment, funding_line=f) for f in lines]
        Citation.objects.bulk_create(citations, batch_size=BATCH)
        # bulk_create sends no signals: work out the cached publication rule once.
        Commitment.objects.all().refresh_record_cache()


def counts() -> dict[str, int]:
    from commitments.models import Announcement, Citation, Commitment, FundingLine
    from sources.models import SourceDocument

    return {
        "commitments": Commitment.objects.count(),
        "announcements": Announcement.objects.count(),
        "sources": SourceDocument.objects.count(),
        "funding_lines": FundingLine.objects.count(),
        "citations": Citation.objects.count(),
    }


def prepare_data(size: Size, regenerate: bool) -> str:
    """Make the database hold the dataset; return what was done, for the report."""
    from django.db import connection

    if not regenerate and counts() == size.counts:
        return "dataset already in the database"
    started = time.perf_counter()
    site_bench.empty_database()
    print(f"generating the dataset ({size.funding_lines:,} funding lines)...", flush=True)
    generate(size)
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    if (found := counts()) != size.counts:
        sys.exit(f"generated {found}, expected {size.counts}")
    return (
        f"dataset generated in {loaded - started:.0f} s "
        f"(+ {time.perf_counter() - loaded:.0f} s VACUUM ANALYZE)"
    )


# --- The app's export, in this process ----------------------------------------------------


def export_request():
    from django.test import RequestFactory
    from django.utils import timezone

    request = RequestFactory().get(PATH, SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    request.as_of = request.today = timezone.localdate()  # as AsOfMiddleware sets them
    return request


def export_arguments(request, filterset) -> tuple:
    """What the view hands the dataset: the page's rows, the date and the site's origin."""
    return filterset.qs, request.as_of, f"{request.scheme}://{request.get_host()}"


def export_rows(request):
    """The funding dataset, its filterset as the view builds it, and its row generator."""
    from commitments.exports import CHUNK, DATASETS, make_filterset

    dataset = DATASETS["funding"]
    filterset = make_filterset(dataset, request)
    if not filterset.is_valid():
        sys.exit(f"the export's filters are invalid: {filterset.form.errors}")
    rows = dataset.rows(*export_arguments(request, filterset))
    return dataset, rows.iterator(chunk_size=CHUNK)


def export_sql() -> str:
    """The SQL, parameters bound, that the app's funding export runs on PostgreSQL: the
    dataset's `sql` (a SELECT whose cells are already written), as the view builds it."""
    from django.db import connection

    from commitments.exports import DATASETS, make_filterset

    dataset = DATASETS["funding"]
    request = export_request()
    filterset = make_filterset(dataset, request)
    if not filterset.is_valid():
        sys.exit(f"the export's filters are invalid: {filterset.form.errors}")
    sql, params = dataset.sql(*export_arguments(request, filterset))
    with connection.cursor() as cursor:
        return cursor.cursor.mogrify(sql, params).decode()


def profile(rows: int) -> None:
    """Run the export's first `rows` CSV rows in this process under cProfile; print the top."""
    from commitments.exports import stream

    dataset, generator = export_rows(export_request())
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    produced = sum(1 for _ in itertools.islice(stream(dataset, generator), rows + 1)) - 1
    profiler.disable()
    elapsed = time.perf_counter() - started
    generator.close()
    print(
        f"\nin-process profile: {produced:,} rows in {elapsed:.2f} s under cProfile "
        f"({produced / elapsed:,.0f} rows/s); top 15 by own time:"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    lines = out.getvalue().splitlines()
    start = next(i for i, text in enumerate(lines) if text.lstrip().startswith("ncalls"))
    print("\n".join("  " + text for text in lines[start:] if text.strip()))


# --- Measuring ---------------------------------------------------------------------------


def count_csv(text: str, header: list[str] | None = None) -> int:
    """Data rows in `text`, after its header; exits when a `header` is given and differs."""
    reader = csv.reader(io.StringIO(text, newline=""))
    found = next(reader, None)
    if header is not None and found != header:
        sys.exit(f"unexpected CSV header: {found}")
    return sum(1 for _ in reader)


def dechunk(raw: bytes) -> bytes:
    """The body of an HTTP/1.1 chunked transfer."""
    view, parts, pos = memoryview(raw), [], 0
    while True:
        end = raw.index(b"\r\n", pos)
        length = int(raw[pos:end].split(b";")[0], 16)
        if length == 0:
            return b"".join(parts)
        parts.append(view[end + 2 : end + 2 + length])
        pos = end + 2 + length + 2


def http_export(port: int) -> tuple[float, bytes]:
    """GET the export: (seconds from request to last byte, decoded body); exits unless 200."""
    request = (
        f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in site_bench.HEADERS.items())
        + "\r\n"
    ).encode()
    parts = []
    with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
        started = time.perf_counter()
        sock.sendall(request)
        while data := sock.recv(1 << 20):  # Connection: close: the body ends at EOF
            parts.append(data)
        elapsed = time.perf_counter() - started
    raw = b"".join(parts)
    head, _, body = raw.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0]
    if b" 200 " not in status:
        sys.exit(f"{PATH}: {status.decode(errors='replace')}\n{body[:2000]!r}")
    if b"transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    return elapsed, body


def copy_export(sql: str) -> tuple[float, bytes]:
    """COPY the query to STDOUT as CSV: (seconds, bytes)."""
    from django.db import connection

    sink = io.BytesIO()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH CSV HEADER", sink)
        elapsed = time.perf_counter() - started
    return elapsed, sink.getvalue()


def children(pid: int) -> list[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(child) for child in task.read_text().split())
    return sorted(found)


def memory(pid: int) -> dict[str, float]:
    """VmHWM (peak) and VmRSS of `pid`, in MB."""
    fields = {}
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = text.partition(":")
        if name in ("VmHWM", "VmRSS"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_EXPORTS_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument("--quick", action="store_true", help="10,000 funding lines, to try it")
    parser.add_argument("--regenerate", action="store_true", help="empty and refill the data")
    parser.add_argument("--runs", type=int, default=3, help="exports of each kind")
    parser.add_argument("--profile", type=int, default=0, metavar="ROWS", help="profile rows")
    args = parser.parse_args()

    size = Size(10_000 if args.quick else 100_000)
    url = args.database_url
    if not url.startswith("postgres"):
        sys.exit("this benchmark needs a PostgreSQL --database-url")
    if args.quick:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_quick"))
    create_database(url)

    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": site_bench.SETTINGS,
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": "bench-not-secret-" + "3b8e1f0c7a2d9e6b5c4a3f2e1d0c9b8a7f6e5d4c",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": url,
            "BENCH_STATIC_ROOT": str(Path(tmp) / "static"),
            "PUBLIC_PAGE_CACHE_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        # This process fills the database (long statements); gunicorn, started with `env`,
        # keeps the web's statement timeout.
        os.environ["TRACKER_COMMAND"] = "1"

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from commitments.exports import DATASETS

        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        prepared = prepare_data(size, args.regenerate)
        header = DATASETS["funding"].header
        sql = export_sql()
        server = connection.cursor().connection.server_version

        http_times, copy_times, http_bytes, copy_bytes = [], [], 0, 0
        gunicorn = site_bench.Gunicorn(env, 1, Path(tmp) / "gunicorn.log", PROBE)
        gunicorn.command += ["--timeout", "120"]
        with gunicorn:
            master = gunicorn.process.pid
            workers = children(master)
            if len(workers) != 1:
                gunicorn.fail(f"expected one gunicorn worker, found {workers}")
            before = memory(workers[0])
            for _ in range(args.runs):
                seconds, data = copy_export(sql)
                copy_times.append(seconds)
                copy_bytes = len(data)
                if (rows := count_csv(data.decode())) != size.funding_lines:
                    sys.exit(f"COPY gave {rows:,} rows, expected {size.funding_lines:,}")
                seconds, body = http_export(gunicorn.port)
                http_times.append(seconds)
                http_bytes = len(body)
                if not body.startswith("\ufeff".encode()):
                    sys.exit(f"{PATH} does not start with a UTF-8 byte-order mark")
                if (rows := count_csv(body.decode("utf-8-sig"), header)) != size.funding_lines:
                    gunicorn.fail(f"{PATH} gave {rows:,} rows, expected {size.funding_lines:,}")
            if children(master) != workers:
                gunicorn.fail(f"the gunicorn worker was replaced during the exports: {workers}")
            after = memory(workers[0])
        connection.close()

        http_best, http_median = min(http_times), statistics.median(http_times)
        copy_best, copy_median = min(copy_times), statistics.median(copy_times)
        ratio = http_median / copy_median
        print(
            f"\nexports benchmark: {size.funding_lines:,} funding lines of "
            f"{size.commitments:,} commitments ({prepared}); PostgreSQL "
            f"{server // 10000}.{server % 10000}; gunicorn 1 sync worker; {args.runs} runs each"
        )
        print(f"  rows exported        {size.funding_lines:,} (+ header), checked with csv")
        print(
            f"  HTTP {PATH}  best {http_best:.2f} s, median {http_median:.2f} s "
            f"({size.funding_lines / http_median:,.0f} rows/s median, "
            f"{size.funding_lines / http_best:,.0f} best; {http_bytes / 1e6:.1f} MB)"
        )
        print(
            f"  COPY (same query)    best {copy_best:.2f} s, median {copy_median:.2f} s "
            f"({size.funding_lines / copy_median:,.0f} rows/s median; {copy_bytes / 1e6:.1f} MB)"
        )
        print(
            f"  HTTP / COPY          {ratio:.2f} x on medians ({http_best / copy_best:.2f} x "
            "on bests)"
        )
        print(
            f"  worker memory        peak (VmHWM) {before['VmHWM']:.0f} MB before, "
            f"{after['VmHWM']:.0f} MB after (+{after['VmHWM'] - before['VmHWM']:.0f} MB); "
            f"RSS now {after['VmRSS']:.0f} MB"
        )
        met = record(
            "exports", "funding CSV HTTP / COPY of its query", ratio, 2, "x", at_least=False
        )
        print(f"  goal: HTTP <= 2 x COPY: {'met' if met else 'NOT met'}")

        if args.profile:
            profile(args.profile)
            connection.close()


if __name__ == "__main__":
    main()
