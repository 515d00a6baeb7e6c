"""Store parsed captures as SourceDocuments: the one write path for the command and the admin.

Each document is imported in its own transaction, so a refused document saves nothing and
does not stop the others. A document is matched to a stored one by its URL or, when it has
none, by the hash of its text:

- same text as stored: "unchanged", nothing is written;
- a different text for a stored URL: "refused", unless `update=True`, when the text and the
  parsed fields are replaced (the old version stays in the record's history), provided every
  citation of the source still finds its quote in the new text; otherwise "refused", with
  the citations that would break listed in `failing_citations`;
- otherwise: "created".
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SourceDocument, SourceKind, describe_broken
from .parsing import MAX_BYTES, REPORTED_FIELDS, ParseResult, parse, printable

CREATED, UNCHANGED, UPDATED, REFUSED = "created", "unchanged", "updated", "refused"

# Parsed values copied onto the record. Fields the parser reports missing are left alone on an
# update, so an editor's correction of, say, a missing date is kept.
STORED_FIELDS = (
    *(name for name in REPORTED_FIELDS if name not in ("is_excerpt", "sha256")),
    "question_text",
    "answer_text",
)


@dataclass
class ImportOutcome:
    """What happened to one file; `as_json()` is the `--json` record."""

    file: str
    status: str
    reason: str = ""
    parsed: ParseResult | None = None
    source: SourceDocument | None = None
    failing_citations: list[dict] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return list(self.parsed.missing) if self.parsed and not self.parsed.refused else []

    def as_json(self) -> dict:
        fields = self.parsed.fields() if self.parsed and not self.parsed.refused else {}
        if self.source is not None and self.source.imported_at:
            fields["imported_at"] = self.source.imported_at.isoformat()
        return {
            "file": self.file,
            "status": self.status,
            "reason": self.reason or None,
            "missing": self.missing,
            "fields": fields,
            "notes": list(self.parsed.notes) if self.parsed else [],
            "source_id": self.source.pk if self.source is not None else None,
            "failing_citations": self.failing_citations,
        }

    def line(self) -> str:
        """One human-readable line."""
        if self.status == REFUSED:
            return f"refused    {self.file}: {self.reason}"
        source = self.source
        facts = [source.get_kind_display()]
        if source.department:
            facts.append(source.department)
        if source.published_on:
            facts.append(source.published_on.isoformat())
        described = f'source #{source.pk} "{source.title}" ({", ".join(facts)})'
        text = f"{self.status:<10} {self.file} -> {described}"
        if self.reason:
            text += f"; {self.reason}"
        if self.missing:
            text += f"; missing: {', '.join(self.missing)}"
        return text


def import_document(
    data: bytes | str, *, name: str, update: bool = False, dry_run: bool = False
) -> ImportOutcome:
    """Parse and store one capture in its own transaction. Never raises for bad input."""
    parsed = parse(data, filename=Path(name).name)
    if parsed.refused:
        return ImportOutcome(name, REFUSED, parsed.reason, parsed)
    try:
        with transaction.atomic():
            outcome = _store(parsed, name=name, update=update)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        return ImportOutcome(name, REFUSED, _validation_message(error), parsed)
    except IntegrityError as error:
        reason = (
            f"the database refused it ({error}); if another import stored this URL at the same "
            "moment, try again"
        )
        return ImportOutcome(name, REFUSED, reason, parsed)
    return outcome


_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> str:
    """Why a file of this mode cannot be imported; "" for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    kind = next((label for test, label in _NOT_REGULAR if test(mode)), "a special file")
    return f"not a regular file: it is {kind}; only plain .txt files are imported"


def import_file(path: Path, *, update: bool = False, dry_run: bool = False) -> ImportOutcome:
    """Read and import one file. The name is reported and stored with control characters
    escaped (see `printable`); anything but a regular file is refused without being read."""
    name = printable(str(path))
    if path.suffix.lower() != ".txt":
        return ImportOutcome(name, REFUSED, "not a .txt file")
    try:
        # A FIFO is never opened (opening one waits for a writer, forever) nor a device (opening
        # one can act on it). The file is opened non-blocking and checked again once open, in
        # case it was replaced in between; O_NONBLOCK does not change reading a regular file.
        reason = _not_regular(os.stat(path).st_mode)
        if not reason:
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
            with open(os.open(path, flags), "rb") as handle:
                reason = _not_regular(os.fstat(handle.fileno()).st_mode)
                data = b"" if reason else handle.read(MAX_BYTES + 1)
    except OSError as error:
        return ImportOutcome(name, REFUSED, f"cannot read the file: {error.strerror or error}")
    if reason:
        return ImportOutcome(name, REFUSED, reason)
    return import_document(data, name=name, update=update, dry_run=dry_run)


def collect_paths(paths: list[str]) -> list[Path | str]:
    """Expand directories to the .txt files in them (sorted); unknown paths are kept as str.

    Expansion keeps regular files only (`is_file()` follows symbolic links and is false for a
    FIFO, a device or a socket); a path given by name is kept whatever it is, and
    `import_file` refuses it if it is not a regular file.
    """
    out: list[Path | str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() == ".txt" and p.is_file())
            )
        elif path.exists():
            out.append(path)
        else:
            out.append(raw)
    return out


def _store(parsed: ParseResult, *, name: str, update: bool) -> ImportOutcome:
    values = parsed.values
    url = values.get("url") or ""
    existing = None
    if url:
        queryset = SourceDocument.objects.filter(url=url)
        existing = (queryset.select_for_update() if update else queryset).first()
    else:
        existing = SourceDocument.objects.filter(sha256=parsed.sha256).order_by("pk").first()

    if existing is not None and existing.sha256 == parsed.sha256:
        return ImportOutcome(name, UNCHANGED, "", parsed, existing)
    if existing is not None and not update:
        return ImportOutcome(
            name,
            REFUSED,
            f"source #{existing.pk} already stores a different text for this URL; "
            'import it with --update (in the admin, tick "Replace the stored text") to replace '
            "it; the old text stays in its history",
            parsed,
        )

    now = timezone.now()
    old_sha = existing.sha256 if existing is not None else ""
    source = existing or SourceDocument()
    for field_name in STORED_FIELDS:
        value = values.get(field_name)
        if value in (None, "") and existing is not None:
            continue  # not in the capture: keep what is stored
        setattr(source, field_name, value if value is not None else _blank(field_name))
    if not source.title:
        source.title = untitled_label(values)
    source.text = parsed.text
    source.is_excerpt = bool(values.get("is_excerpt"))
    source.imported_at = now
    source.imported_from = printable(Path(name).name)[:300]
    if existing is None:
        source.captured_at = now
    if parsed.notes:
        note = f"Imported from {source.imported_from} on {now:%Y-%m-%d}: " + " ".join(parsed.notes)
        source.notes = f"{source.notes}\n\n{note}".strip() if source.notes else note
    # The database enforces the constraints (URL unique, text not empty, answered not before
    # asked); the parser has checked them already, so only the fields are validated here,
    # except the date order, which an update can break by keeping an editor's date.
    source.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
    if source.asked_on and source.answered_on and source.answered_on < source.asked_on:
        raise ValidationError(
            f"the stored question was asked on {source.asked_on.isoformat()}, after the answer "
            f"date {source.answered_on.isoformat()} this text gives"
        )
    if existing is not None and (broken := source.citations_broken_by(source.text)):
        # Citations quote the stored text: a new text that drops a quote is refused, and the
        # citations to correct first are listed (SourceDocument.save() refuses it too).
        return ImportOutcome(name, REFUSED, describe_broken(broken), parsed, existing, broken)
    source.save()

    if existing is None:
        return ImportOutcome(name, CREATED, "", parsed, source)
    reason = f"replaced text sha256 {old_sha[:12]}, which stays in the record's history"
    return ImportOutcome(name, UPDATED, reason, parsed, source)


def _blank(field_name: str):
    return None if SourceDocument._meta.get_field(field_name).null else ""


def untitled_label(values: dict) -> str:
    """A plain label for a capture with no heading; the missing title is reported."""
    kind = SourceKind(values["kind"]).label
    parts = [f"{kind} {values['uin']}" if values.get("uin") else kind]
    if values.get("department"):
        parts.append(f"({values['department']})")
    return " ".join(parts) + " - no title in the capture"


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
