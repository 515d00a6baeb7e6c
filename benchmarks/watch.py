"""Benchmark: how fast watch_parliament stores written answers, and how little a second run does.

A local server (tests/parliament_server.py, in a process of its own, as the real API is on
another machine) replays N answered questions (default 5,000) in the
Written Questions API's JSON shape, 50 a page; the watcher runs twice against a fresh
database: the first run stores every answer, the second finds nothing new (the list shows
every answer unchanged, so none is fetched again). Run it with `make bench`, or:

    .venv/bin/python benchmarks/watch.py [--count 5000] [--database-url URL]

Goals (issue 13): at least 100 questions/s on the first run, on PostgreSQL; the second run
under a tenth of the first's time.
"""

import argparse
import datetime
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._postgres import create_database  # noqa: E402
from benchmarks._results import record  # noqa: E402
from tests.parliament_server import ParliamentServer, Reply  # noqa: E402

LIST = "/api/writtenquestions/questions"
ANSWER = (
    "<p>On 16 June the Government accepted all 12 recommendations made to Government in "
    "Baroness Casey&rsquo;s National Audit. Question {n}.</p><ul><li>the audit</li>"
    "<li>local inquiries</li></ul>"
)


def value(n: int) -> dict:
    tabled = datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 300)
    return {
        "id": 100000 + n, "askingMember": None, "house": "Lords" if n % 7 == 0 else "Commons",
        "dateTabled": f"{tabled.isoformat()}T00:00:00",
        "uin": f"HL{n}" if n % 7 == 0 else str(200000 + n),
        "questionText": f"To ask the Secretary of State for the Home Department, question {n}.",
        "answeringBodyName": "Home Office", "isWithdrawn": False, "groupedQuestions": [],
        "answerIsHolding": False, "answerIsCorrection": False,
        "answeringMember": {"name": "Jess Phillips"},
        "dateAnswered": f"{(tabled + datetime.timedelta(days=7)).isoformat()}T00:00:00",
        "answerText": ANSWER.format(n=n), "dateAnswerCorrected": None,
        "heading": f"Child Sexual Exploitation {n}",
    }  # fmt: skip


def serve(count: int) -> ParliamentServer:
    server = ParliamentServer().start()
    for skip in range(0, count, 50):
        page = [{"value": value(n)} for n in range(skip, min(skip + 50, count))]
        server.reply(
            f"{LIST}?skip={skip}", forever=Reply({"totalResults": count, "results": page})
        )
    for n in range(count):
        server.reply(f"{LIST}/{100000 + n}", forever=Reply({"value": value(n)}))
    return server


def serve_apart(count: int, address, stop) -> None:
    """The replay server in its own process, as the real API is on its own machine: its work
    is not counted against the watcher's."""
    server = serve(count)
    address.put(server.url)
    stop.wait()
    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        if url.startswith("postgres"):
            create_database(url)
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        os.environ["TRACKER_COMMAND"] = "1"  # runs a command, as manage.py would
        os.environ["DEBUG"] = "false"

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from parliament.client import Client
        from parliament.watch import watch
        from sources.models import SourceDocument, WatchTerm

        call_command("migrate", verbosity=0)
        if SourceDocument.objects.filter(citations__isnull=False).exists():
            sys.exit("the benchmark database holds cited sources: point it at an empty one")
        SourceDocument.history.all().delete()
        SourceDocument.objects.all().delete()
        WatchTerm.objects.all().delete()
        WatchTerm.objects.create(term="child sexual exploitation")

        address, stop = multiprocessing.Queue(), multiprocessing.Event()
        apart = multiprocessing.Process(target=serve_apart, args=(args.count, address, stop))
        apart.start()
        client = Client(address.get(timeout=60), max_pages=args.count // 50 + 2)
        since = datetime.date(2025, 1, 1)
        started = time.perf_counter()
        first = watch(client, since=since)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = watch(client, since=since)
        second_seconds = time.perf_counter() - started
        stop.set()
        apart.join()

        created, unchanged = first.count("created"), second.count("unchanged")
        if created != args.count or unchanged != args.count:
            sys.exit(f"expected {args.count} created then unchanged: {created}, {unchanged}")
        rate, ratio = args.count / first_seconds, second_seconds / first_seconds
        print(f"watch_parliament benchmark: {args.count} questions, {connection.vendor}")
        print(f"  first run (created)      {rate:8.0f} questions/s  ({first_seconds:.2f} s)")
        print(f"  second run (unchanged)   {args.count / second_seconds:8.0f} questions/s  "
              f"({second_seconds:.2f} s, {ratio:.3f} of the first)")  # fmt: skip
        where = connection.vendor
        met = record("watch", f"first run questions/s ({where})", rate, 100, "questions/s",
                     at_least=True)  # fmt: skip
        print(f"  goal: at least 100 questions/s: {'met' if met else 'NOT met'}")
        met = record("watch", f"second run / first run ({where})", ratio, 0.1, "x", at_least=False)
        print(f"  goal: second run under a tenth of the first: {'met' if met else 'NOT met'}")
        SourceDocument.history.all().delete()
        SourceDocument.objects.all().delete()


if __name__ == "__main__":
    main()
