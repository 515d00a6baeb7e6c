import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from parliament.bills import watch_bills
from parliament.client import Client
from parliament.watch import FAILED, Outcome, watch
from sources.parsing import printable


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since wants a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Fetch the written answers matching each active watch term (Sources › Watch terms) from "
        "Parliament's Written Questions API and store each as a source, once; then fetch the "
        "stages of every bill linked to a commitment from the Bills API. Each term asks for "
        "answers since its last complete run (30 days back the first time). Prints one line per "
        "question or bill (created / unchanged / updated / withdrawn / refused / failed); exits "
        "1 if anything failed or was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=_date, help="Ask every term for answers from this date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Fetch and report, then roll back."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print a JSON array of outcomes on stdout."
        )

    def handle(self, *args, since, dry_run, json: bool, **options):
        bar = None
        if not json and sys.stderr.isatty():
            bar = tqdm(desc="questions", unit="q", file=sys.stderr)

        def progress(outcome: Outcome) -> None:
            if bar is not None:
                bar.update(1)

        client = Client()
        report = watch(client, since=since, dry_run=dry_run, progress=progress)
        report.outcomes += watch_bills(client, dry_run=dry_run, progress=progress)
        if bar is not None:
            bar.close()
        if json:
            self.stdout.write(_dumps([outcome.as_json() for outcome in report.outcomes]))
        else:
            for outcome in report.outcomes:
                described = f"source #{outcome.source.pk}" if outcome.source else ""
                line = f"{outcome.status:<10} {outcome.url} {described}".rstrip()
                if outcome.reason:
                    line += f": {outcome.reason}"
                style = self.style.ERROR if outcome.status in (FAILED, "refused") else str
                self.stdout.write(style(printable(line)))
        counts: dict[str, int] = {}
        for outcome in report.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "nothing new"
        self.stderr.write(f"{summary}{' (dry run: nothing saved)' if dry_run else ''}")
        if report.failed:
            raise SystemExit(1)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
