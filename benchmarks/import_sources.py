"""Benchmark: how many captures per second `import_sources` stores.

Generates N synthetic captures (default 1,000) in the four layouts the parser reads, in the
proportions an editor's folder would have them, then times three runs of the command against
a fresh database: the first import (every file created), a second import (every file
unchanged) and a parse-only pass (no database). Run it with `make bench`, or:

    .venv/bin/python benchmarks/import_sources.py [--count 1000] [--database-url URL]

The database is a temporary SQLite file unless --database-url (or BENCH_DATABASE_URL) names
one; a PostgreSQL database named there is created if missing and emptied before the run.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._postgres import create_database  # noqa: E402
from benchmarks._results import record  # noqa: E402

WORDS = [
    "the", "government", "will", "deliver", "support", "for", "victims", "and", "survivors",
    "of", "child", "sexual", "exploitation", "through", "local", "inquiries", "police",
    "forces", "taskforce", "funding", "data", "collection", "ethnicity", "national", "audit",
    "recommendations", "mandatory", "reporting", "duty", "legislation",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
NAMES = ["Jess Phillips", "Diana Johnson", "Yvette Cooper", "Shabana Mahmood"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def long_date(day: datetime.date) -> str:
    return f"{ordinal(day.day)} {MONTHS[day.month - 1]} {day.year}"


def paragraph(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = rng.choices(WORDS, k=rng.randint(12, 30))
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def written_answer(rng: random.Random, n: int) -> str:
    asked = datetime.date(2024, 7, 1) + datetime.timedelta(days=rng.randint(0, 700))
    answered = asked + datetime.timedelta(days=rng.randint(1, 21))
    name = rng.choice(NAMES)
    body = "\n\n".join(paragraph(rng, rng.randint(2, 5)) for _ in range(rng.randint(2, 6)))
    url = f"https://www.parallelparliament.co.uk/question/{100000 + n}/offences-against-children\n"
    return (
        (url if n % 5 else "")
        + "Offences against Children\n\n"
        + f"(asked on {long_date(asked)}) - View Source\n\n"
        + "Question to the Home Office:\n\n"
        + f"To ask the Secretary of State for the Home Department, {paragraph(rng, 1)}\n\n\n"
        + f"Answered by\n{name} Portrait\n{name}\nParliamentary Under-Secretary (Home Office)\n"
        + f"This question was answered on {long_date(answered)}\n\n"
        + body
        + "\n\nReticulating Splines\n"
    )


def statement(rng: random.Random, n: int) -> str:
    day = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 500))
    name = rng.choice(NAMES)
    body = "\n\n".join(paragraph(rng, rng.randint(3, 6)) for _ in range(rng.randint(3, 8)))
    return (
        f"https://www.parallelparliament.co.uk/debate/{day.isoformat()}/commons/"
        f"commons-chamber/statement-{n}/ministerial-extracts\n"
        f"Statement number {n}\n\n(Limited Text - Ministerial Extracts only)\n\n"
        f"Read Full debate\n{WEEKDAYS[day.weekday()]} {long_date(day)}\n\n"
        f"Commons Chamber\nRead Hansard Text Watch Debate\n"
        f"{name} Portrait The Minister ({name})\n- View Speech - Hansard - - - Excerpts\n\n"
        f"With permission, I will make a statement on this. {body}\n"
    )


def news(rng: random.Random, n: int) -> str:
    body = "\n".join(paragraph(rng, rng.randint(1, 3)) for _ in range(rng.randint(6, 20)))
    return f"https://news.example.org/story/{n}\nNews story number {n} about the plan\n{body}\n"


def generate(folder: Path, count: int, seed: int = 1) -> int:
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    total = 0
    for n in range(count):
        pick = n % 10
        text = statement(rng, n) if pick == 0 else news(rng, n) if pick == 1 else None
        text = text or written_answer(rng, n)
        data = text.encode()
        total += len(data)
        (folder / f"{n:05d}.txt").write_bytes(data)
    return total


def prepare_database(url: str | None, workdir: Path) -> str:
    if not url:
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        create_database(url)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        os.environ["DATABASE_URL"] = prepare_database(args.database_url, workdir)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        os.environ["TRACKER_COMMAND"] = "1"  # runs a command, as manage.py would
        os.environ["DEBUG"] = "false"  # no query log kept in memory

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from sources.models import SourceDocument
        from sources.parsing import parse

        call_command("migrate", verbosity=0)
        SourceDocument.history.all().delete()
        SourceDocument.objects.filter(citations__isnull=True).delete()
        if SourceDocument.objects.exists():
            sys.exit("the benchmark database holds cited sources: point it at an empty one")

        folder = workdir / "captures"
        folder.mkdir()
        size = generate(folder, args.count)
        files = sorted(folder.iterdir())

        started = time.perf_counter()
        for path in files:
            result = parse(path.read_bytes(), filename=path.name)
            if result.refused:
                sys.exit(f"generated capture refused: {path.name}: {result.reason}")
        parse_seconds = time.perf_counter() - started

        def timed() -> float:
            with open(os.devnull, "w") as sink:
                started = time.perf_counter()
                call_command("import_sources", str(folder), stdout=sink, stderr=sink)
                return time.perf_counter() - started

        create_seconds = timed()
        stored = SourceDocument.objects.count()
        unchanged_seconds = timed()
        if stored != args.count or SourceDocument.objects.count() != args.count:
            sys.exit(f"expected {args.count} sources, found {stored}")

        print(
            f"import_sources benchmark: {args.count} generated captures, {size / 1e6:.1f} MB, "
            f"{connection.vendor}"
        )
        for label, seconds in [
            ("parse only (no database)", parse_seconds),
            ("first import (created)", create_seconds),
            ("second import (unchanged)", unchanged_seconds),
        ]:
            print(f"  {label:<28} {args.count / seconds:8.0f} documents/s  ({seconds:.2f} s)")
        goal = record("import_sources", f"first import documents/s ({connection.vendor})",
                      args.count / create_seconds, 100, "documents/s", at_least=True)  # fmt: skip
        print(f"  goal: at least 100 documents/s on first import: {'met' if goal else 'NOT met'}")
        SourceDocument.history.all().delete()
        SourceDocument.objects.all().delete()


if __name__ == "__main__":
    main()
