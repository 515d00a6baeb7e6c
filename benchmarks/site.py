"""Benchmark: how fast the public site answers under gunicorn, on a large dataset.

Fills a PostgreSQL database with a synthetic dataset (10,000 commitments, each with a pledge
citation; 100,000 announcements, each with one citation; 20,000 sources of 1-4 KB of English
text; 3,000 funding lines), serves it with gunicorn (production settings, 2 sync workers) on
loopback and measures, for a trivial view, the commitments list, one commitment's page (ten
announcements) and the two searches:

- requests per second: 4 client threads for 5 s, one new connection per request, after a
  warm-up; each figure is also given as a ratio to the trivial view's rate in the same run;
- latency: one client, up to 200 requests one after another (at most 30 s per page): p50, p95.

Goals (from the issue): list and detail at least half the trivial view's rate; search p50
under 30 ms. Any answer other than 200 is an error: it is reported and the script exits 1.
Run it with `make bench`, or:

    .venv/bin/python benchmarks/site.py [--database-url URL] [--quick] [--regenerate]

The database (default postgres://postgres@127.0.0.1:5432/tracker_bench_site, or
BENCH_SITE_DATABASE_URL) is created if missing and migrated; the data is generated only when
the database does not already hold the expected counts (`--regenerate` empties and refills
it). `--quick` uses a tenth of the data, in a database whose name ends in `_quick`.
`--queries` also prints, per page, the SQL queries one request runs and the slowest of them.

gunicorn runs config.settings.production through benchmarks/site_settings.py, which only moves
STATIC_ROOT to a temporary folder (the manifest storage needs `collectstatic`); the client
sends `X-Forwarded-Proto: https`, as the TLS proxy in front of gunicorn would.
"""

import argparse
import datetime
import hashlib
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._postgres import create_database  # noqa: E402
from benchmarks._results import note, record  # noqa: E402
from ops.serving import HEADERS, Gunicorn, free_port, get  # noqa: E402, F401 (exports.py too)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench_site"
SETTINGS = "benchmarks.site_settings"  # config.settings.production, static files collected
SEARCH_WORD = "Beaconport"  # a made-up town: in a small fraction of the generated text
BATCH = 5000
FIRST_DAY = datetime.date(2024, 1, 1)
LAST_DAY = datetime.date(2026, 10, 31)
PAST_DATE = datetime.date(2025, 6, 30)  # the past as_of date measured
# Goals (issue 16), on PostgreSQL with 2 gunicorn workers.
UNCACHED_RATIO = 0.15  # list and detail, uncached, x the trivial view's req/s
CACHED_RATIO = 0.8  # list and detail, cached
SEARCH_P50_MS = 20  # commitment search, uncached
CACHED_SECONDS = 600

# Domain words first, then everyday English; earlier words are drawn more often (Zipf-like).
_VOCABULARY = """
the government will of and to in for a that on by with police victims survivors child
children sexual exploitation abuse grooming gangs local authorities national inquiry audit
review funding support services safeguarding taskforce data ethnicity recommendations
mandatory reporting duty legislation bill minister department home office justice education
health councils forces investigations offenders prosecution courts sentencing crown
prosecution service commissioner independent panel evidence findings report published
announced delivered progress deadline spring summer autumn winter year months weeks plan
programme package million pounds allocated spent budget training officers social workers
schools teachers nurses charities helpline counselling compensation scheme records
information sharing agencies partnership framework guidance statutory consultation response
parliament commons lords statement question answer debate committee chair secretary state
should would could may must also has have been was were are is be this these those which
their its our new further early later within before after during across every each all more
than between under over about into from at as it not no only most many some other such when
where how why what who first second third last next public private community families
parents young people adults women girls boys staff leaders teams work working worked steps
measures action actions change changes changed issue issues problem problems case cases
number numbers level levels area areas region regions town towns city cities country time
"""
WORDS = _VOCABULARY.split()
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
MINISTERS = ["Jess Phillips", "Diana Johnson", "Yvette Cooper", "Shabana Mahmood", "Alex Davies"]
PUBLISHERS = [
    "GOV.UK",
    "Parallel Parliament",
    "Hansard",
    "BBC News",
    "The Guardian",
    "Local Gazette",
]
WORDINGS = ["by the end of the year", "by spring", "within six months", "by Easter", "this summer"]
KIND_MIX = [  # (kind, share, provenance, publisher index)
    ("written_answer", 0.5, "primary_mirror", 1),
    ("written_statement", 0.1, "primary", 2),
    ("press_release", 0.15, "primary", 0),
    ("government_publication", 0.1, "primary", 0),
    ("news_report", 0.15, "secondary", 3),
]


@dataclass(frozen=True)
class Size:
    commitments: int

    @property
    def announcements(self) -> int:
        return self.commitments * 10

    @property
    def sources(self) -> int:
        return self.commitments * 2

    @property
    def funding_lines(self) -> int:
        return self.commitments * 3 // 10

    @property
    def packages(self) -> int:
        """Commitments that other commitments are part of (their parent)."""
        return max(self.commitments // 100, 1)

    @property
    def citations(self) -> int:
        return self.commitments + self.announcements + self.funding_lines


# --- Synthetic data ----------------------------------------------------------------------


class Writer:
    """Sentences of weighted random words, with the search word in a given share of them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cum_weights = []
        total = 0.0
        for rank in range(len(WORDS)):
            total += 1 / (rank + 5)
            self.cum_weights.append(total)

    def sentence(self, low: int = 10, high: int = 28, marked: bool = False) -> str:
        words = self.rng.choices(
            WORDS, cum_weights=self.cum_weights, k=self.rng.randint(low, high)
        )
        if marked:
            words.insert(self.rng.randrange(1, len(words)), f"in {SEARCH_WORD}")
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def words(self, low: int, high: int) -> str:
        k = self.rng.randint(low, high)
        return " ".join(self.rng.choices(WORDS[20:], cum_weights=self.cum_weights[20:], k=k))

    def day(self, first: datetime.date = FIRST_DAY, last: datetime.date = LAST_DAY):
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))


def long_date(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def make_sources(size: Size, w: Writer, length: tuple[int, int] = (9, 26)):
    """The sources (each of `length` sentences, fewest and most), and for each one the
    sentences a citation may quote."""
    from django.utils import timezone

    from sources.models import SourceDocument

    rng = w.rng
    kinds = [kind for kind, share, *_ in KIND_MIX for _ in range(int(share * 20))]
    mix = {kind: (provenance, publisher) for kind, _, provenance, publisher in KIND_MIX}
    now = timezone.now()
    objects, quotable = [], []
    for n in range(size.sources):
        kind = kinds[n % len(kinds)]
        provenance, publisher = mix[kind]
        marked = n % 200 == 7  # 0.5% of the sources mention the search word
        sentences = [w.sentence() for _ in range(rng.randint(*length))]
        if marked:
            sentences[rng.randrange(len(sentences))] = w.sentence(marked=True)
        paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
        title = w.words(4, 9).capitalize() + (f" in {SEARCH_WORD}" if marked else "")
        published = w.day()
        fields = {}
        if kind == "written_answer":
            asked = published - datetime.timedelta(days=rng.randint(1, 21))
            minister = rng.choice(MINISTERS)
            question = f"To ask the Secretary of State for the Home Department, {sentences[0]}"
            answer = "\n\n".join(paragraphs)
            paragraphs = [
                f"{title}\n(asked on {long_date(asked)})",
                question,
                f"Answered by {minister} on {long_date(published)}",
                answer,
            ]
            fields = {
                "uin": str(100000 + n),
                "asked_on": asked,
                "answered_on": published,
                "answered_by": minister,
                "question_text": question,
                "answer_text": answer,
            }
        text = "\n\n".join(paragraphs) + "\n"
        objects.append(
            SourceDocument(
                kind=kind,
                title=title,
                url=f"https://example.org/{kind.replace('_', '-')}/{n}" if n % 50 else "",
                publisher=PUBLISHERS[publisher]
                if kind != "news_report"
                else rng.choice(PUBLISHERS[3:]),
                department="Home Office" if n % 3 else "Ministry of Justice",
                provenance=provenance,
                published_on=published,
                text=text,
                is_excerpt=n % 17 == 0,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                captured_at=now,
                version=1,
                **fields,
            )
        )
        quotable.append(sentences)
    return objects, quotable


def announcement_counts(size: Size, rng: random.Random) -> list[int]:
    """Announcements per commitment: between 1 and 19, ten on average, exactly in total."""
    counts = [10] * size.commitments
    for _ in range(size.commitments):
        a, b = rng.randrange(size.commitments), rng.randrange(size.commitments)
        move = rng.randint(0, 6)
        if counts[a] - move >= 1 and counts[b] + move <= 19:
            counts[a] -= move
            counts[b] += move
    return counts


def timeline(w: Writer, count: int) -> list[dict]:
    """`count` announcement field sets for one commitment, in date order, all consistent."""
    rng = w.rng
    dates = sorted(w.day() for _ in range(count))
    events, status, deadline = [], None, None
    for day in dates:
        event = {"date": day, "kind": "progress", "new_status": "", "note": ""}
        roll = rng.random()
        if status is None:
            event.update(kind="first_announced", new_status="announced")
        elif status in ("delivered", "dropped", "superseded"):
            event["kind"] = rng.choice(["reaffirmed", "progress"])
        elif roll < 0.08:
            event["kind"] = "deadline_revised" if deadline else "deadline_set"
            deadline = day + datetime.timedelta(days=rng.randint(60, 540))
            event.update(
                new_deadline=deadline,
                deadline_wording=rng.choice(WORDINGS),
            )
        elif roll < 0.40:
            new = rng.choice(
                ["in_progress", "in_progress", "in_progress", "stalled", "partly_delivered",
                 "delivered", "announced"]
            )  # fmt: skip
            kind = {"delivered": "delivered", "partly_delivered": "delivered"}.get(new)
            event.update(kind=kind or ("delayed" if new == "stalled" else "progress"))
            event["new_status"] = new
        elif roll < 0.41:
            event.update(kind="dropped", new_status="dropped")
        else:
            event["kind"] = rng.choice(["progress", "progress", "reaffirmed"])
        if event["new_status"]:
            status = event["new_status"]
        if rng.random() < 0.05:
            event["note"] = w.sentence(6, 14)
        events.append(event)
    return events


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
    w = Writer(rng)
    themes, departments = list(Theme.values), list(Department.values)

    def cite(commitment, sources, quotable, **claim) -> Citation:
        n = rng.randrange(len(sources))
        return Citation(
            commitment=commitment,
            source=sources[n],
            quote=rng.choice(quotable[n]),
            locator=f"paragraph {rng.randint(1, 9)}",
            version=1,
            **claim,
        )

    with transaction.atomic():
        objects, quotable = make_sources(size, w)
        sources = SourceDocument.objects.bulk_create(objects, batch_size=BATCH)
        del objects

        commitments = []
        for n in range(size.commitments):
            marked = n % 50 == 11  # 2% of the commitments mention the search word
            title = w.words(4, 10).capitalize() + (f" in {SEARCH_WORD}" if marked else "")
            commitments.append(
                Commitment(
                    slug=f"c{n:05d}-" + "-".join(title.lower().split()[:4]),
                    title=title,
                    pledge_text=" ".join(w.sentence() for _ in range(rng.randint(1, 3))),
                    summary=w.sentence() if n % 4 else "",
                    theme=themes[n % len(themes)],
                    lead_department=departments[n % len(departments)],
                    references=f"IICSA recommendation {n % 20 + 1}" if n % 7 == 0 else "",
                    version=1,
                )
            )
        packages = Commitment.objects.bulk_create(commitments[: size.packages])
        for commitment in commitments[size.packages :]:
            if rng.random() < 0.1:
                commitment.parent = rng.choice(packages)
        commitments = packages + Commitment.objects.bulk_create(
            commitments[size.packages :], batch_size=BATCH
        )

        announcements = []
        for commitment, count in zip(commitments, announcement_counts(size, rng), strict=True):
            for event in timeline(w, count):
                marked = rng.random() < 0.01  # 1% of the announcements mention the search word
                announcements.append(
                    Announcement(
                        commitment=commitment,
                        summary=w.sentence(marked=marked) + (" " + w.sentence() if marked else ""),
                        version=1,
                        **event,
                    )
                )
        announcements = Announcement.objects.bulk_create(announcements, batch_size=BATCH)

        funding = [
            FundingLine(
                commitment=rng.choice(commitments),
                amount=Decimal(rng.randint(1, 400) * 25000),
                stage=rng.choice(FundingStage.values),
                stated_on=w.day() if n % 10 else None,
                purpose=w.words(3, 8),
                period=rng.choice(["", "2024-25", "2025-26", "2026-27"]),
                version=1,
            )
            for n in range(size.funding_lines)
        ]
        funding = FundingLine.objects.bulk_create(funding, batch_size=BATCH)

        citations = [cite(c, sources, quotable) for c in commitments]
        citations += [cite(a.commitment, sources, quotable, announcement=a) for a in announcements]
        citations += [cite(f.commitment, sources, quotable, funding_line=f) for f in funding]
        Citation.objects.bulk_create(citations, batch_size=BATCH)
        # bulk_create sends no signals: work out the cached publication rule once, as
        # the app's signals would have.
        Commitment.objects.all().refresh_record_cache()


# --- Database ----------------------------------------------------------------------------


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


def expected_counts(size: Size) -> dict[str, int]:
    names = ["commitments", "announcements", "sources", "funding_lines", "citations"]
    return {name: getattr(size, name) for name in names}


def empty_database() -> None:
    """Truncate every table of the commitments and sources apps, history included."""
    from django.apps import apps
    from django.db import connection

    tables = [
        model._meta.db_table
        for label in ("commitments", "sources")
        for model in apps.get_app_config(label).get_models()
    ]
    quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


def prepare_data(size: Size, regenerate: bool) -> str:
    """Make the database hold the dataset; return what was done, for the report."""
    from django.db import connection

    if not regenerate and counts() == expected_counts(size):
        return "dataset already in the database"
    started = time.perf_counter()
    empty_database()
    print(f"generating the dataset ({size.commitments:,} commitments)...", flush=True)
    generate(size)
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    found = counts()
    if found != expected_counts(size):
        sys.exit(f"generated {found}, expected {expected_counts(size)}")
    return (
        f"dataset generated in {loaded - started:.0f} s "
        f"(+ {time.perf_counter() - loaded:.0f} s VACUUM ANALYZE)"
    )


# --- Serving -----------------------------------------------------------------------------


# --- Measuring ---------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    path: str
    rps: float = 0.0
    done: int = 0
    errors: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    failure: str = ""

    def percentile(self, p: int) -> float | None:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else None
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


def load(port: int, path: str, seconds: float, clients: int) -> tuple[float, int, dict]:
    """`clients` threads GET `path` for `seconds`: (requests/s of 200s, 200s, other statuses)."""
    results: list[list[int]] = [[] for _ in range(clients)]

    def client(statuses: list[int]) -> None:
        while time.perf_counter() < deadline:
            statuses.append(get(port, path)[0])

    started = time.perf_counter()
    deadline = started + seconds
    threads = [threading.Thread(target=client, args=(r,)) for r in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    statuses = [status for r in results for status in r]
    ok = statuses.count(200)
    errors: dict[int, int] = {}
    for status in statuses:
        if status != 200:
            errors[status] = errors.get(status, 0) + 1
    return ok / elapsed, ok, errors


def latency(port: int, page: Page, requests: int, max_seconds: float) -> None:
    """One client, one request after another: fills page.latencies (ms)."""
    deadline = time.perf_counter() + max_seconds
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = get(port, page.path)
        if status != 200:
            page.errors[status] = page.errors.get(status, 0) + 1
            continue
        page.latencies.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline:
            break


def pick_detail_slug() -> str:
    """A typical commitment's slug: in no package, not a package, ten announcements."""
    from django.db.models import Count, Exists, OuterRef

    from commitments.models import Commitment

    slugs = list(
        Commitment.objects.filter(parent__isnull=True)
        .exclude(Exists(Commitment.objects.filter(parent=OuterRef("pk"))))
        .annotate(n=Count("announcements"))
        .filter(n=10)
        .order_by("pk")
        .values_list("slug", flat=True)
    )
    if not slugs:
        sys.exit("no commitment with ten announcements in the database")
    return slugs[len(slugs) // 2]


def measure(port: int, pages: list[Page], args) -> None:
    """Each page's rate under load, then its latency one request after another."""
    for page in pages:
        status, _ = get(port, page.path)
        if status != 200:
            page.failure = f"HTTP {status}" if status else "no answer"
            continue
        load(port, page.path, 1.0, args.clients)  # warm-up (and, cached, fills the cache)
        page.rps, page.done, page.errors = load(port, page.path, args.duration, args.clients)
        latency(port, page, args.requests, args.max_seconds)
        if page.errors:
            page.failure = ", ".join(f"{n} x HTTP {s}" for s, n in page.errors.items())


def report(mode: str, seconds: str, pages: list[Page]) -> float:
    """Print the table of one run; return the trivial view's rate (0 if it failed)."""
    trivial = pages[0].rps if not pages[0].failure else 0.0
    print(f"\n  {mode} (PUBLIC_PAGE_CACHE_SECONDS={seconds}):")
    print(f"  {'page':<19} {'req/s':>8} {'x trivial':>10} {'p50 ms':>8} {'p95 ms':>8}  URL")
    for page in pages:
        ratio = f"{page.rps / trivial:.3f}" if trivial else "n/a"
        p50, p95 = page.percentile(50), page.percentile(95)
        figures = (
            f"{page.rps:8.1f} {ratio:>10} {p50 or 0:8.1f} {p95 or 0:8.1f}"
            if page.latencies
            else f"{'-':>8} {'-':>10} {'-':>8} {'-':>8}"
        )
        print(f"  {page.label:<19} {figures}  {page.path}")
        if page.failure:
            print(f"    ERROR: {page.failure}")
    print("  goals:")
    return trivial


def verdict(ok: bool | None) -> str:
    return "unknown (page failed)" if ok is None else "met" if ok else "NOT met"


def goal(name: str, page: Page, trivial: float, target: float) -> None:
    ratio = page.rps / trivial if trivial and not page.failure else None
    met = record("site", name, ratio, target, "x", at_least=True)
    print(f"    {page.label} >= {target} x trivial view's req/s: {verdict(met)}")


def figure(name: str, page: Page, trivial: float) -> None:
    """A figure the issue asks to report, with no goal of its own (kept in results.json)."""
    note("site", name, {"req/s": round(page.rps, 1), "x trivial": round(page.rps / trivial, 3)
                        if trivial else None, "p50 ms": page.percentile(50)})  # fmt: skip


def shorten(sql: str, head: int = 150, tail: int = 350) -> str:
    return sql if len(sql) <= head + tail else f"{sql[:head]} ... {sql[-tail:]}"


def show_queries(pages: list[Page]) -> None:
    """Run each page once in this process and print its queries' count and the slowest."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    print("\nSQL per request (in-process, one request each after one warm-up):")
    for page in pages:
        client.get(page.path)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(page.path)
            total = (time.perf_counter() - started) * 1000
        queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        sql_ms = sum(ms for ms, _ in queries)
        print(
            f"  {page.label}: HTTP {response.status_code}, {total:.0f} ms, "
            f"{len(queries)} queries, {sql_ms:.0f} ms in SQL"
        )
        if not queries:
            continue
        shapes: dict[str, int] = {}
        for _, sql in queries:
            shape = re.sub(r"\b\d+\b|'[^']*'", "?", sql)
            shapes[shape] = shapes.get(shape, 0) + 1
        repeated, shape = max((n, shape) for shape, n in shapes.items())
        if repeated > 1:
            print(f"    one query run {repeated} times: {shorten(shape)}")
        ms, slowest = max(queries)
        print(f"    slowest ({ms:.0f} ms): {shorten(slowest)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_SITE_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, to try it")
    parser.add_argument("--regenerate", action="store_true", help="empty and refill the data")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per page")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="per sequential run")
    parser.add_argument("--search-word", default=SEARCH_WORD.lower())
    parser.add_argument("--trivial-path", default="/healthz/", help="the baseline view")
    parser.add_argument("--queries", action="store_true", help="print each page's SQL queries")
    args = parser.parse_args()

    size = Size(1000 if args.quick else 10000)
    url = args.database_url
    if not url.startswith("postgres"):
        sys.exit("this benchmark needs a PostgreSQL --database-url")
    if args.quick:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_quick"))
    create_database(url)

    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": "bench-not-secret-" + "7d1e9c4b2a8f6e3d5c0b9a8f7e6d5c4b3a2f1e0d",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": url,
            "BENCH_STATIC_ROOT": str(Path(tmp) / "static"),
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
        q = args.search_word
        detail = f"/commitments/{pick_detail_slug()}/"
        past = PAST_DATE.isoformat()
        uncached = [
            Page("trivial view", args.trivial_path),
            Page("list", "/commitments/"),
            Page("list, past as_of", f"/commitments/?as_of={past}"),
            Page("detail", detail),
            Page("detail, past as_of", f"{detail}?as_of={past}"),
            Page("search commitments", f"/commitments/?q={q}"),
            Page("search sources", f"/sources/?q={q}"),
            Page("home", "/"),
            Page("funding", "/funding/"),
        ]
        cached = [Page("trivial view", args.trivial_path), Page("list", "/commitments/"),
                  Page("detail", detail)]  # fmt: skip
        server = connection.cursor().connection.server_version
        connection.close()  # gunicorn's workers open their own

        c = expected_counts(size)
        print(
            f"\nsite benchmark: {c['commitments']:,} commitments, {c['announcements']:,} "
            f"announcements, {c['sources']:,} sources, {c['citations']:,} citations "
            f"({prepared}); PostgreSQL {server // 10000}.{server % 10000}; gunicorn "
            f"{args.workers} workers; {args.clients} clients x {args.duration:g} s per page"
        )
        runs = [("uncached", "0", uncached), ("cached", str(CACHED_SECONDS), cached)]
        for mode, seconds, pages in runs:
            served = {**env, "PUBLIC_PAGE_CACHE_SECONDS": seconds}
            log = Path(tmp) / f"gunicorn-{mode}.log"
            with Gunicorn(served, args.workers, log, pages[0].path) as gunicorn:
                measure(gunicorn.port, pages, args)
            trivial = report(mode, seconds, pages)
            if mode == "uncached":
                for page in pages[1:5]:
                    goal(f"uncached {page.label} req/s / trivial view's", page, trivial,
                         UNCACHED_RATIO)  # fmt: skip
                p50 = pages[5].percentile(50) if not pages[5].failure else None
                met = record("site", "uncached search commitments p50", p50, SEARCH_P50_MS,
                             "ms", at_least=False)  # fmt: skip
                print(f"    search commitments p50 <= {SEARCH_P50_MS} ms: {verdict(met)}")
                for page in (pages[6], *pages[7:]):
                    figure(f"uncached {page.label}", page, trivial)
            else:
                for page in pages[1:3]:
                    goal(
                        f"cached {page.label} req/s / trivial view's", page, trivial, CACHED_RATIO
                    )
            failed = [page for page in pages if page.failure]
            if failed:
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                if any(word in tail for word in ("[ERROR]", "[CRITICAL]", "Traceback")):
                    print(f"\ngunicorn's error log (end):\n{tail}")
                sys.exit("FAILED: " + "; ".join(f"{p.path}: {p.failure}" for p in failed))
        pages = uncached
        if args.queries:
            os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
            show_queries(pages)


if __name__ == "__main__":
    main()
