import json
import re

from django.core.management.base import BaseCommand, CommandError

from sources.importing import REFUSED, ImportOutcome, collect_paths, import_file
from sources.parsing import printable


class Command(BaseCommand):
    help = (
        "Import plain-text captures of public documents (.txt files, or directories of them) "
        "as sources. Each file is read by the same parser as the admin's import page and saved "
        "in its own transaction; a refused file saves nothing. Prints one line per file "
        "(created / unchanged / updated / refused, and why); exits 1 if any file was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt files or directories")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Replace the stored text of a URL already stored when the text differs. The old "
            "text stays in the record's history and every citation of the source is re-checked.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Parse and report what would happen, then roll back: nothing is saved.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print a JSON array (one object per file) on stdout instead of the lines.",
        )

    def handle(self, *args, paths, update, dry_run, json: bool, **options):
        outcomes: list[ImportOutcome] = []
        for path in collect_paths(paths):
            if isinstance(path, str):
                outcome = ImportOutcome(printable(path), REFUSED, "no such file or directory")
            else:
                outcome = import_file(path, update=update, dry_run=dry_run)
            outcomes.append(outcome)
            if not json:
                style = self.style.ERROR if outcome.status == REFUSED else (lambda text: text)
                # File names, reasons and titles come from outside: no escape code reaches
                # the terminal.
                self.stdout.write(style(printable(outcome.line())))
        if not outcomes:
            raise CommandError("no .txt files found in: " + ", ".join(map(printable, paths)))
        if json:
            self.stdout.write(_dumps([outcome.as_json() for outcome in outcomes]))
        counts = {}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        self.stderr.write(f"{summary}{' (dry run: nothing saved)' if dry_run else ''}")
        if counts.get(REFUSED):
            raise SystemExit(1)


def _dumps(data) -> str:
    """JSON with every character that is not printable escaped (\\u001b, \\u202e...), so that
    the output is safe on a terminal and still decodes to the same values. (json.dumps escapes
    only the characters below U+0020; a raw line break in its output is layout.)"""
    return _UNPRINTABLE.sub(_json_escape, json.dumps(data, ensure_ascii=False, indent=2))


_UNPRINTABLE = re.compile(r"[^\n -~]")  # what is not plain ASCII is checked one by one


def _json_escape(match: re.Match) -> str:
    char = match.group()
    if char.isprintable():
        return char
    code = ord(char)
    if code > 0xFFFF:  # JSON writes it as a UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
