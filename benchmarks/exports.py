"""Benchmark: every CSV export over HTTP, against PostgreSQL's own COPY.

Goal (issue 16): on PostgreSQL, each CSV (commitments, announcements, funding, sources,
citations) at 100,000 rows or more streams at least 200,000 rows/s over HTTP, the worker's
memory flat.

Fills a PostgreSQL database with a synthetic dataset: 100,000 public commitments, each with a
cited pledge and one cited status-setting announcement (dated 2025-01-01); 100,000 sources of
2-4 sentences; 100,000 funding lines (two for each of half the commitments), each cited, a
tenth of them part of, or another figure for, the line before; a tenth undated; so 300,000
citations, every quote verbatim from its source. Some texts hold £, é, quotes, commas and
formula-like starts such as "=1+1" or "-5". It serves them with gunicorn (production settings,
2 sync workers, --timeout 120) on loopback and, for each dataset, measures three times:

- HTTP: wall clock from sending GET /export/<name>.csv to the last byte of the body (read off
  the socket into memory; checked afterwards: 200, a UTF-8 byte-order mark, the declared header
  and exactly the expected number of CSV rows, else the script fails);
- COPY of the formatted query: `COPY (<sql>) TO STDOUT WITH CSV HEADER` through psycopg2 into
  memory, where <sql> is the very SELECT the export runs (the dataset's `sql`, whose cells are
  already written as the CSV has them), its parameters bound;
- COPY of the bare columns: the same rows' own columns straight from the dataset's table
  (`COPY (SELECT <the table's columns the export reads> FROM <table>) TO STDOUT WITH CSV`),
  no joins, no formatting: the physical limit;
- the gunicorn workers' peak memory (VmHWM in /proc/<pid>/status), before and after all the
  exports.

It prints, per dataset, rows, the medians, rows/s and both ratios, and records each goal in
benchmarks/results.json. Run it with `make bench`, or:

    .venv/bin/python benchmarks/exports.py [--database-url URL] [--quick] [--regenerate]
        [--runs N] [--only NAME ...] [--profile ROWS]

The database (default postgres://postgres@127.0.0.1:5432/tracker_bench_exports, or
BENCH_EXPORTS_DATABASE_URL) is created if missing and migrated; the data is generated only when
the database does not already hold the expected counts (`--regenerate` empties and refills
it). `--quick` uses 10,000 of each, in a database whose name ends in `_quick`. `--profile ROWS`
also runs each measured dataset's Python row writer (the SQLite path) in this process under
cProfile for that many rows and prints the top costs. Serving is as in benchmarks/site.py
(whose helpers this reuses), with PUBLIC_PAGE_CACHE_SECONDS=0.
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
from benchmarks._results import note, record  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench_exports"
PROBE = "/healthz/"
BATCH = 5000
WORKERS = 2
ROWS_PER_SECOND = 200_000  # the goal, over HTTP, for each dataset
ON_RECORD = datetime.date(2025, 1, 1)  # every commitment's one status-setting announcement
# Texts that exercise the CSV writer: non-ASCII, quoting, and formula-like starts.
ODD_PURPOSES = [
    "=1+1", "-5", "+44 helpline", "@risk children", "Café outreach in Brontë ward",
    "£5m top-up for councils", 'training, "phase 2"',
]  # fmt: skip
RECIPIENTS = [
    "", "", "local authorities", "police forces", "Barnardo’s", "Régie des écoles",
    "NSPCC, Childline", "-5", "=SUM(A1:A2)",
]  # fmt: skip
DATASET_NAMES = ("commitments", "announcements", "funding", "sources", "citations")


@dataclass(frozen=True)
class Size:
    rows: int  # commitments, announcements, funding lines and sources each

    @property
    def counts(self) -> dict[str, int]:
        return {
            "commitments": self.rows,
            "announcements": self.rows,
            "sources": self.rows,
            "funding": self.rows,
            "citations": 3 * self.rows,  # a pledge's, an announcement's, a funding line's
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
    n_rows = size.rows

    with transaction.atomic():
        # site.py's sources (its Size holds two per commitment), short: 2-4 sentences each.
        objects, quotable = site_bench.make_sources(site_bench.Size(n_rows // 2), w, (2, 4))
        sources = SourceDocument.objects.bulk_create(objects, batch_size=BATCH)
        del objects

        def cite(commitment, **claim) -> Citation:
            n = rng.randrange(len(sources))
            return Citation(
                commitment=commitment, source=sources[n], quote=rng.choice(quotable[n]),
                locator=f"paragraph {rng.randint(1, 9)}", version=1, **claim,
            )  # fmt: skip

        commitments = []
        for n in range(n_rows):
            title = w.words(4, 10).capitalize()
            commitments.append(
                Commitment(
                    slug=f"c{n:06d}-" + "-".join(title.lower().split()[:4]),
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
                commitment=commitments[n // 2],  # two lines each for half the commitments
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
        # the line just before it (the same commitment's), with the same amount or another.
        linked = {n for n in range(n_rows) if n % 10 == 9}
        alone = [n for n in range(n_rows) if n not in linked]
        base = FundingLine.objects.bulk_create([line(n) for n in alone], batch_size=BATCH)
        by_n = dict(zip(alone, base, strict=True))
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
        # bulk_create sends no signals: work out the cached publication rule and state once.
        Commitment.objects.all().refresh_record_cache()


def counts() -> dict[str, int]:
    from commitments.models import Announcement, Citation, Commitment, FundingLine
    from sources.models import SourceDocument

    return {
        "commitments": Commitment.objects.count(),
        "announcements": Announcement.objects.count(),
        "sources": SourceDocument.objects.count(),
        "funding": FundingLine.objects.count(),
        "citations": Citation.objects.count(),
    }


def prepare_data(size: Size, regenerate: bool) -> str:
    """Make the database hold the dataset; return what was done, for the report."""
    from django.db import connection

    if not regenerate and counts() == size.counts:
        return "dataset already in the database"
    started = time.perf_counter()
    site_bench.empty_database()
    print(f"generating the dataset ({size.rows:,} rows of each table)...", flush=True)
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


def export_request(name: str):
    from django.test import RequestFactory
    from django.utils import timezone

    request = RequestFactory().get(
        f"/export/{name}.csv", SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https"
    )
    request.as_of = request.today = timezone.localdate()  # as AsOfMiddleware sets them
    return request


def export_arguments(name: str):
    """The dataset, and what the view hands it: the page's rows, the date, the site's origin."""
    from commitments.exports import DATASETS, make_filterset

    dataset = DATASETS[name]
    request = export_request(name)
    filterset = make_filterset(dataset, request)
    if not filterset.is_valid():
        sys.exit(f"the {name} export's filters are invalid: {filterset.form.errors}")
    return dataset, (filterset.qs, request.as_of, f"{request.scheme}://{request.get_host()}")


def export_sql(name: str) -> str:
    """The SQL, parameters bound, that the app's export runs on PostgreSQL: the dataset's
    `sql` (a SELECT whose cells are already written), as the view builds it."""
    from django.db import connection

    dataset, arguments = export_arguments(name)
    sql, params = dataset.sql(*arguments)
    with connection.cursor() as cursor:
        return cursor.cursor.mogrify(sql, params).decode()


def bare_sql(name: str) -> str:
    """A SELECT of the dataset's table's own columns that the export reads (a column declared
    as F("field") of the table itself, and the key): the same values, unjoined, unformatted."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import connection
    from django.db.models import F

    dataset, (queryset, on, _site) = export_arguments(name)
    model = dataset.select(queryset, on).model
    names = ["pk"] + [
        c.expression.name
        for c in dataset.columns
        if isinstance(c.expression, F) and "__" not in c.expression.name
    ]
    columns = []
    for field_name in names:
        try:
            field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
        except FieldDoesNotExist:  # an annotation of the page's query, not a column
            continue
        if field.concrete and field.column not in columns:
            columns.append(field.column)
    quote = connection.ops.quote_name
    return f"SELECT {', '.join(map(quote, columns))} FROM {quote(model._meta.db_table)}"  # noqa: S608


def profile(name: str, rows: int) -> None:
    """Run the dataset's first `rows` CSV rows through the Python writer (the SQLite path) in
    this process under cProfile; print the top."""
    from commitments.exports import stream

    dataset, arguments = export_arguments(name)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    produced = sum(1 for _ in itertools.islice(stream(dataset, dataset.rows(*arguments)), rows))
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"\n{name}: in-process profile, {produced:,} chunks in {elapsed:.2f} s; top 12:")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
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


def http_export(port: int, path: str) -> tuple[float, bytes]:
    """GET the export: (seconds from request to last byte, decoded body); exits unless 200."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
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
        sys.exit(f"{path}: {status.decode(errors='replace')}\n{body[:2000]!r}")
    if b"transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    return elapsed, body


def copy_export(sql: str, header: bool = True) -> tuple[float, bytes]:
    """COPY the query to STDOUT as CSV: (seconds, bytes)."""
    from django.db import connection

    sink = io.BytesIO()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.cursor.copy_expert(
            f"COPY ({sql}) TO STDOUT WITH CSV{' HEADER' if header else ''}", sink
        )
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


@dataclass
class Measured:
    name: str
    rows: int
    http: list[float]
    query_copy: list[float]
    bare_copy: list[float]
    megabytes: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / statistics.median(self.http)

    def ratio(self, copies: list[float]) -> float:
        return statistics.median(self.http) / statistics.median(copies)


def measure(name: str, port: int, runs: int, expected: int) -> Measured:
    from commitments.exports import DATASETS

    path, header = f"/export/{name}.csv", DATASETS[name].header
    sql, bare = export_sql(name), bare_sql(name)
    measured = Measured(name, expected, [], [], [], 0.0)
    for _ in range(runs):
        seconds, data = copy_export(sql)
        measured.query_copy.append(seconds)
        if (rows := count_csv(data.decode())) != expected:
            sys.exit(f"{name}: COPY of the query gave {rows:,} rows, expected {expected:,}")
        seconds, data = copy_export(bare, header=False)
        measured.bare_copy.append(seconds)
        if (rows := data.count(b"\n")) < expected:  # bare text cells may hold line breaks
            sys.exit(
                f"{name}: COPY of the bare columns gave {rows:,} lines, expected {expected:,}"
            )
        seconds, body = http_export(port, path)
        measured.http.append(seconds)
        measured.megabytes = len(body) / 1e6
        if not body.startswith("\ufeff".encode()):
            sys.exit(f"{path} does not start with a UTF-8 byte-order mark")
        if (rows := count_csv(body.decode("utf-8-sig"), header)) != expected:
            sys.exit(f"{path} gave {rows:,} rows, expected {expected:,}")
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_EXPORTS_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument("--quick", action="store_true", help="10,000 rows of each, to try it")
    parser.add_argument("--regenerate", action="store_true", help="empty and refill the data")
    parser.add_argument("--runs", type=int, default=3, help="exports of each kind")
    parser.add_argument("--only", nargs="+", choices=DATASET_NAMES, default=DATASET_NAMES)
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

        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        prepared = prepare_data(size, args.regenerate)
        server = connection.cursor().connection.server_version

        results = []
        gunicorn = site_bench.Gunicorn(env, WORKERS, Path(tmp) / "gunicorn.log", PROBE)
        gunicorn.command += ["--timeout", "120"]
        with gunicorn:
            master = gunicorn.process.pid
            workers = children(master)
            if len(workers) != WORKERS:
                gunicorn.fail(f"expected {WORKERS} gunicorn workers, found {workers}")
            before = {pid: memory(pid) for pid in workers}
            for name in args.only:
                results.append(measure(name, gunicorn.port, args.runs, size.counts[name]))
            if children(master) != workers:
                gunicorn.fail(f"a gunicorn worker was replaced during the exports: {workers}")
            after = {pid: memory(pid) for pid in workers}
        connection.close()

        print(
            f"\nexports benchmark: {size.rows:,} rows of each table ({prepared}); PostgreSQL "
            f"{server // 10000}.{server % 10000}; gunicorn {WORKERS} sync workers; "
            f"{args.runs} runs each, medians"
        )
        print(
            f"  {'dataset':<14}{'rows':>9}{'MB':>7}{'HTTP s':>8}{'rows/s':>10}"
            f"{'COPY query s':>14}{'HTTP/query':>12}{'COPY bare s':>13}{'HTTP/bare':>11}"
        )
        for m in results:
            http, query, bare = (statistics.median(t) for t in (m.http, m.query_copy, m.bare_copy))
            print(
                f"  {m.name:<14}{m.rows:>9,}{m.megabytes:>7.1f}{http:>8.2f}"
                f"{m.rows_per_second:>10,.0f}{query:>14.2f}{m.ratio(m.query_copy):>11.2f}x"
                f"{bare:>13.2f}{m.ratio(m.bare_copy):>10.2f}x"
            )
            record(
                "exports", f"{m.name} CSV over HTTP", m.rows_per_second, ROWS_PER_SECOND,
                "rows/s", at_least=True,
            )  # fmt: skip
            figures = {
                "rows": m.rows, "http_s": http, "rows_per_s": m.rows_per_second,
                "copy_query_s": query, "http_to_copy_query": m.ratio(m.query_copy),
                "copy_bare_s": bare, "http_to_copy_bare": m.ratio(m.bare_copy),
            }  # fmt: skip
            note("exports", m.name, {key: round(value, 3) for key, value in figures.items()})
        peaks = {
            pid: (before[pid]["VmHWM"], after[pid]["VmHWM"], after[pid]["VmRSS"])
            for pid in workers
        }
        for pid, (peak_before, peak_after, rss) in peaks.items():
            print(
                f"  worker {pid} memory: peak (VmHWM) {peak_before:.0f} MB before, "
                f"{peak_after:.0f} MB after (+{peak_after - peak_before:.0f} MB); "
                f"RSS now {rss:.0f} MB"
            )
        growth = max(peak_after - peak_before for peak_before, peak_after, _ in peaks.values())
        note("exports", "worker memory", {str(pid): p for pid, p in peaks.items()})
        record("exports", "worker peak memory growth over the exports", growth, 50, "MB",
               at_least=False)  # fmt: skip
        for m in results:
            met = m.rows_per_second >= ROWS_PER_SECOND
            print(f"  goal: {m.name} >= {ROWS_PER_SECOND:,} rows/s: {'met' if met else 'NOT met'}")

        if args.profile:
            for name in args.only:
                profile(name, args.profile)
            connection.close()


if __name__ == "__main__":
    main()
