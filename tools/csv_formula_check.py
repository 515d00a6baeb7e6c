"""Open every CSV export in a real spreadsheet and count the cells it runs as formulas.

The unit tests read the exports with Python's csv module; this reads them with LibreOffice Calc,
headless, the way a user in a comma locale and one in a semicolon locale would open them, with
the import options that run the most: "Evaluate formulas" on, "Trim spaces" on, "Quoted field
as text" off, "Detect special numbers" on. It

1. installs Debian's `libreoffice-calc-nogui` with apt-get if neither `soffice` nor
   `libreoffice` is on PATH (as root, or through sudo; `--no-install` refuses instead);
2. creates a throwaway SQLite database in a temporary directory, migrates it and fills it with
   one public commitment per payload below, the payload in every text field of the commitment,
   its announcement, funding line, citations and source;
3. downloads every export (/export/<dataset>.csv) with Django's test client;
4. converts each file to flat ODF (.fods) with `soffice --convert-to`, once per separator: comma
   (English, 1033), semicolon (German, 1031) and tab, through the CSV filter's option string
   (`field separator, text delimiter, charset, first line, column formats, language, quoted
   field as text, detect special numbers, -, -, trim spaces, -, evaluate formulas`);
5. counts the cells that hold a formula (`table:formula` in the converted file) and prints a
   table of them per file and separator; and checks that, read with commas, every cell of a
   number column is a number.

A canary file of plain formulas goes through every conversion too: if LibreOffice does not
evaluate it, the check is broken and fails. The script exits 1 when any export cell was run as
a formula, a number cell was not read as a number or the canary was not run, else 0. Run it
with `make csv-check`, or:

    .venv/bin/python tools/csv_formula_check.py [--no-install] [--keep] [--no-neutralise]

`--keep` leaves the temporary directory (CSV files, converted files) for inspection;
`--no-neutralise` writes text cells without the formula rule, to see the check fail.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What a hostile editor, a pasted document or an imported capture could put in a text field.
PAYLOADS = [
    "=1+1", " =1+1", "  =1+1", "\u00a0=1+1", "\u200b=1+1", "\u200d=1+1", "\u2060=1+1",
    "\ufeff=1+1", "\u3000=1+1", "\t=1+1", "\uff1d1+1", "\u2212 1+1", "\uff0b1+1", "+1+1",
    "-1+1", "@SUM(1,1)", "\uff20SUM(1,1)", "x;=1+1", "x; =1+1", 'x;"=1+1"', "x;\u00a0=1+1",
    '"";=1+1', "x,=1+1", "x\t=1+1", "x\n=1+1", "x\r\n=1+1", '"=1+1"', '""=1+1""',
    '=HYPERLINK("http://example.invalid","x")', "=1+1;=2+2", "-2",
]  # fmt: skip
MODES = {  # separator name: the CSV filter's option string
    "comma": "44,34,76,1,,1033,false,true,false,false,true,0,true",
    "semicolon": "59,34,76,1,,1031,false,true,false,false,true,0,true",
    "tab": "9,34,76,1,,1033,false,true,false,false,true,0,true",
}
FILTER = "Text - txt - csv (StarCalc)"
# Unneutralised formulas, some only a ";" or tab reader splits out: each mode must run one.
CANARY = '=1+1,x\r\n"=2+2",x\r\n1,"x;=3+3"\r\n1,"x\t=4+4"\r\n'
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    return subprocess.run(command, **options)  # noqa: S603 (our own command lines)


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def install_libreoffice() -> float:
    """apt-get install libreoffice-calc-nogui; the seconds it took."""
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("LibreOffice is missing: installing Debian's libreoffice-calc-nogui", flush=True)
    started = time.perf_counter()
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run([*sudo, "apt-get", "update", "-qq"], check=True, env=environment)
    run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
         "libreoffice-calc-nogui"],
        check=True, env=environment, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host is allowed
    call_command("migrate", verbosity=0, interactive=False)


def fill() -> None:
    """One public commitment per payload; the payload in every text field on its record."""
    import datetime
    from decimal import Decimal

    from commitments.models import Status
    from tests.commitments.factories import (
        AnnouncementFactory,
        CitationFactory,
        CommitmentFactory,
        FundingLineFactory,
    )
    from tests.sources.factories import SourceDocumentFactory

    for i, payload in enumerate(PAYLOADS):
        source = SourceDocumentFactory(
            title=payload, publisher=payload, department=payload, uin=payload[:30],
            answered_by=payload, url=f"{payload}#{i}", text=f"Text {i}. {payload} End.",
        )  # fmt: skip
        commitment = CommitmentFactory(slug=f"payload-{i}", title=payload, pledge_text=payload)
        cited = {"commitment": commitment, "source": source, "quote": payload, "locator": payload}
        CitationFactory(**cited)
        happening = AnnouncementFactory(
            commitment=commitment, date=datetime.date(2025, 1, 1), new_status=Status.ANNOUNCED,
            new_deadline=datetime.date(2025, 6, 1), deadline_wording=payload, summary=payload,
            note=payload,
        )  # fmt: skip
        CitationFactory(announcement=happening, **cited)
        line = FundingLineFactory(
            commitment=commitment, amount=Decimal("1500.50") + i, recipient=payload,
            purpose=payload, period=payload[:50], note=payload,
        )  # fmt: skip
        CitationFactory(funding_line=line, **cited)


def download(outdir: Path) -> list[Path]:
    from django.test import Client

    from commitments.exports import DATASETS

    client, files = Client(), []
    for name in DATASETS:
        response = client.get(f"/export/{name}.csv")
        if response.status_code != 200:
            sys.exit(f"/export/{name}.csv: HTTP {response.status_code}")
        path = outdir / f"{name}.csv"
        path.write_bytes(b"".join(response.streaming_content))
        files.append(path)
    return files


def disable_neutraliser() -> None:
    """Text cells quoted as usual but never neutralised (to see the check fail)."""
    from commitments import exports

    def quoted(value) -> str:
        text = str(value)
        return '"' + text.replace('"', '""') + '"' if text else ""

    exports.FORMATTERS["text"] = exports.FORMATTERS["url"] = quoted


def convert(soffice: str, files: list[Path], options: str, outdir: Path, profile: Path) -> None:
    """Every file opened with the CSV filter `options` and saved as .fods in `outdir`, in one
    LibreOffice run with a profile of its own (so a running instance is never reused)."""
    outdir.mkdir()
    run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         f"--infilter={FILTER}:{options}", "--convert-to", "fods", "--outdir", str(outdir),
         *map(str, files)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600,
    )  # fmt: skip
    for path in files:
        if not (outdir / f"{path.stem}.fods").exists():
            sys.exit(f"LibreOffice did not convert {path.name} ({options})")


def cells(path: Path):
    """(row, column, formula or None, value type, text) for each non-empty cell of a .fods,
    counting cells LibreOffice wrote once as repeated."""
    root = ET.parse(path).getroot()  # noqa: S314 (LibreOffice's own output of our own data)
    r = 0
    for row in root.iter(f"{TABLE}table-row"):
        rows = int(row.get(f"{TABLE}number-rows-repeated", "1"))
        found, c = [], 0
        for cell in row:
            if cell.tag not in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                continue
            repeated = int(cell.get(f"{TABLE}number-columns-repeated", "1"))
            text = " ".join("".join(p.itertext()) for p in cell)
            formula, kind = cell.get(f"{TABLE}formula"), cell.get(f"{OFFICE}value-type")
            if formula or kind or text:
                found += [(c + i, formula, kind, text) for i in range(1, repeated + 1)]
            c += repeated
        for _ in range(rows if found else 1):
            r += 1
            yield from ((r, *item) for item in found)


def numbers_misread(outdir: Path, files: list[Path]) -> tuple[int, list[str]]:
    """Read with commas, every number column's cells must be numbers: (how many number cells
    there were, the ones that were not)."""
    from commitments.exports import DATASETS

    count, misread = 0, []
    for path in files:
        kinds = [column.kind for column in DATASETS[path.stem].columns]
        for r, c, _, kind, text in cells(outdir / f"{path.stem}.fods"):
            if r > 1 and kinds[c - 1] in ("number", "integer"):
                count += 1
                if kind != "float":
                    misread.append(f"{path.name} row {r} col {c}: {text!r} read as {kind}")
    return count, misread


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-install", action="store_true", help="fail if LibreOffice is missing")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--no-neutralise", action="store_true", help="see the check fail")
    args = parser.parse_args()

    started = time.perf_counter()
    soffice = find_soffice()
    if soffice is None:
        if args.no_install:
            sys.exit("LibreOffice (soffice) is missing; run without --no-install to install it")
        print(f"  installed in {install_libreoffice():.1f} s")
        soffice = find_soffice()
        if soffice is None:
            sys.exit("soffice is still missing after the install")
    checking = time.perf_counter()
    version = run([soffice, "--version"], capture_output=True, text=True, timeout=120)
    print(f"LibreOffice: {version.stdout.strip()}")

    workdir = Path(tempfile.mkdtemp(prefix="csv-formula-check-"))
    try:
        setup_django(workdir)
        fill()
        if args.no_neutralise:
            disable_neutraliser()
            print("Neutraliser DISABLED (--no-neutralise): the check should fail")
        exported = workdir / "csv"
        exported.mkdir()
        files = download(exported)
        (exported / "canary.csv").write_text(CANARY, encoding="utf-8")
        counts: dict[str, dict[str, tuple[int, int]]] = {}
        examples: list[str] = []
        for mode, options in MODES.items():
            outdir = workdir / mode
            convert(soffice, [*files, exported / "canary.csv"], options, outdir, workdir / "lo")
            for path in [*files, exported / "canary.csv"]:
                found = list(cells(outdir / f"{path.stem}.fods"))
                ran = [cell for cell in found if cell[2]]
                counts.setdefault(path.stem, {})[mode] = (len(ran), len(found))
                if path.stem != "canary":
                    examples += [f"{path.name} ({mode}) row {r} col {c}: {formula} -> {text!r}"
                                 for r, c, formula, _, text in ran[:3]]  # fmt: skip
        failed = report(counts, examples)
        numbers, misread = numbers_misread(workdir / "comma", files)
        print(f"Number cells read as numbers (comma): {numbers - len(misread)} of {numbers}")
        for line in misread[:12]:
            print("  " + line)
        failed = failed or bool(misread) or not numbers
        print(f"Checked in {time.perf_counter() - checking:.1f} s "
              f"({time.perf_counter() - started:.1f} s in all)")  # fmt: skip
        return 1 if failed else 0
    finally:
        if args.keep:
            print(f"Files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(counts: dict[str, dict[str, tuple[int, int]]], examples: list[str]) -> bool:
    """Print the table; whether the check failed."""
    width = max(map(len, counts)) + 4
    print(f"\n{'file':<{width}}" + "".join(f"{mode:>20}" for mode in MODES))
    for stem, by_mode in counts.items():
        name = f"{stem}.csv"
        print(f"{name:<{width}}" + "".join(
            f"{f'{ran} of {total} cells':>20}" for ran, total in by_mode.values()
        ))  # fmt: skip
    print("(cells LibreOffice ran as formulas, of the non-empty cells it read)\n")
    evaluated = sum(ran for stem, m in counts.items() if stem != "canary" for ran, _ in m.values())
    dead = [mode for mode, (ran, _) in counts["canary"].items() if ran == 0]
    for line in examples[:12]:
        print("  " + line)
    if dead:
        print(
            f"FAIL: LibreOffice ran no formula of the canary in {', '.join(dead)} mode: the "
            "filter options no longer evaluate formulas, so this check proves nothing"
        )
    if evaluated:
        print(f"FAIL: {evaluated} export cells were run as formulas")
    if not dead and not evaluated:
        print("OK: no export cell was run as a formula")
    return bool(dead or evaluated)


if __name__ == "__main__":
    sys.exit(main())
