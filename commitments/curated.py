"""Load the curated dataset (fixtures/curated.toml) into the database.

All or nothing: the whole load runs in one transaction, every object is validated with
`full_clean()`, every citation's quote is checked against its source, and any failure rolls
everything back. Loading is idempotent: objects are matched on natural keys and saved only when
a field differs, so a second load changes nothing (not even history).
"""

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction

from sources.models import SourceDocument

from .models import Announcement, Citation, Commitment, CommitmentLink, FundingLine

SOURCE_FIELDS = {
    "kind", "title", "url", "publisher", "department", "provenance", "published_on", "uin",
    "asked_on", "answered_on", "asked_by", "answered_by", "is_excerpt", "notes",
}  # fmt: skip
COMMITMENT_FIELDS = {
    "title", "pledge_text", "summary", "theme", "lead_department", "references",
}  # fmt: skip
ANNOUNCEMENT_FIELDS = {"summary", "new_status", "new_deadline", "deadline_wording", "note"}
FUNDING_FIELDS = {"recipient", "period", "note"}


class CuratedDataError(Exception):
    """The dataset is inconsistent; nothing was saved."""


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)

    def record(self, model: type[models.Model], outcome: str) -> None:
        self.counts[(model._meta.verbose_name_plural, outcome)] += 1

    @property
    def changed(self) -> int:
        return sum(n for (_, outcome), n in self.counts.items() if outcome != "unchanged")

    def lines(self) -> list[str]:
        names = sorted({name for name, _ in self.counts})
        return [
            f"{name}: "
            + ", ".join(
                f"{self.counts[(name, outcome)]} {outcome}"
                for outcome in ("created", "updated", "unchanged")
                if self.counts[(name, outcome)]
            )
            for name in names
        ]


def _take(entry: dict, allowed: set[str], where: str) -> dict:
    unknown = set(entry) - allowed
    if unknown:
        raise CuratedDataError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return entry


class _Loader:
    def __init__(self, base_dir: Path):
        self.base_dir = base_dir
        self.report = LoadReport()
        self.sources: dict[str, SourceDocument] = {}
        self.commitments: dict[str, Commitment] = {}

    def sync(self, model, lookup: dict, values: dict, where: str):
        """Create or update one object, saving only when something differs."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj, outcome = model(**lookup, **values), "created"
        else:
            changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if not changed:
                self.report.record(model, "unchanged")
                return obj
            for name, value in changed.items():
                setattr(obj, name, value)
            outcome = "updated"
        try:
            obj.full_clean()
            obj.save()
        except ValidationError as error:
            raise CuratedDataError(f"{where}: {'; '.join(error.messages)}") from error
        self.report.record(model, outcome)
        return obj

    def load(self, data: dict) -> LoadReport:
        for entry in data.get("sources", []):
            self.load_source(dict(entry))
        for entry in data.get("commitments", []):
            self.load_commitment(entry)
            self.load_timeline(entry)
        for entry in data.get("links", []):
            where = f"link {entry}"
            self.sync(
                CommitmentLink,
                {
                    "from_commitment": self.commitment(entry["from"], where),
                    "kind": entry["kind"],
                    "to_commitment": self.commitment(entry["to"], where),
                },
                {"note": entry.get("note", "")},
                where,
            )
        return self.report

    def commitment(self, slug: str, where: str) -> Commitment:
        try:
            return self.commitments[slug]
        except KeyError:
            raise CuratedDataError(f"{where}: no commitment with slug {slug!r}") from None

    def source(self, key: str, where: str) -> SourceDocument:
        try:
            return self.sources[key]
        except KeyError:
            raise CuratedDataError(f"{where}: no source with key {key!r}") from None

    def load_source(self, entry: dict) -> None:
        key, file = entry.pop("key", None), entry.pop("file", None)
        where = f"source {key!r}"
        if not key or not file:
            raise CuratedDataError(f"{where}: every source needs a key and a file")
        if key in self.sources:
            raise CuratedDataError(f"{where}: key used twice")
        path = self.base_dir / file
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CuratedDataError(f"{where}: cannot read {path}: {error}") from error
        values = _take(entry, SOURCE_FIELDS, where)
        url = values.pop("url")
        self.sources[key] = self.sync(
            SourceDocument, {"url": url}, {**values, "text": text}, where
        )

    def load_commitment(self, entry: dict) -> None:
        slug = entry["slug"]
        where = f"commitment {slug!r}"
        if slug in self.commitments:
            raise CuratedDataError(f"{where}: slug used twice")
        values = {
            k: v
            for k, v in entry.items()
            if k not in {"slug", "parent", "pledge_citations", "announcements", "funding"}
        }
        values = _take(values, COMMITMENT_FIELDS, where)
        values.setdefault("summary", "")
        values.setdefault("references", "")
        parent = entry.get("parent")  # a parent must come before its children in the file
        values["parent"] = self.commitment(parent, where) if parent else None
        self.commitments[slug] = self.sync(Commitment, {"slug": slug}, values, where)

    def load_timeline(self, entry: dict) -> None:
        commitment = self.commitments[entry["slug"]]
        where = f"commitment {commitment.slug!r}"
        self.load_citations(commitment, entry.get("pledge_citations", []), f"{where} pledge")
        seen = set()
        for event in entry.get("announcements", []):
            event = dict(event)
            key = (event.pop("date"), event.pop("kind"))
            here = f"{where} announcement {key[0]} {key[1]}"
            if key in seen:
                raise CuratedDataError(f"{here}: two announcements share date and kind")
            seen.add(key)
            citations = event.pop("citations", [])
            values = _take(event, ANNOUNCEMENT_FIELDS, here)
            for name in ("summary", "new_status", "deadline_wording", "note"):
                values.setdefault(name, "")
            values.setdefault("new_deadline", None)
            announcement = self.sync(
                Announcement,
                {"commitment": commitment, "date": key[0], "kind": key[1]},
                values,
                here,
            )
            self.load_citations(commitment, citations, here, announcement=announcement)
        for line in entry.get("funding", []):
            line = dict(line)
            lookup = {
                "commitment": commitment,
                "stage": line.pop("stage"),
                "amount": Decimal(line.pop("amount")),
                "purpose": line.pop("purpose", ""),
            }
            here = f"{where} funding £{lookup['amount']} {lookup['stage']}"
            citations = line.pop("citations", [])
            stated_on = line.pop("stated_on", None)
            values = _take(line, FUNDING_FIELDS, here)
            for name in FUNDING_FIELDS:
                values.setdefault(name, "")
            funding = self.sync(FundingLine, lookup, {**values, "stated_on": stated_on}, here)
            self.load_citations(commitment, citations, here, funding_line=funding)

    def load_citations(self, commitment, citations, where, announcement=None, funding_line=None):
        if not citations:
            raise CuratedDataError(f"{where}: every claim needs at least one citation")
        for citation in citations:
            citation = dict(citation)
            source = self.source(citation.pop("source"), where)
            quote = citation.pop("quote")
            self.sync(
                Citation,
                {
                    "commitment": commitment,
                    "announcement": announcement,
                    "funding_line": funding_line,
                    "source": source,
                    "quote": quote,
                },
                {"locator": citation.pop("locator", "")},
                f"{where} citation “{quote[:60]}”",
            )
            if citation:
                raise CuratedDataError(f"{where}: unknown citation field(s) {sorted(citation)}")


def load_curated(path: Path) -> LoadReport:
    """Load the dataset at `path`; raise CuratedDataError (saving nothing) if it is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CuratedDataError(f"cannot read {path}: {error}") from error
    with transaction.atomic():
        report = _Loader(path.parent).load(data)
        failing = Citation.objects.failing()
        if failing:
            raise CuratedDataError(
                "citations that no longer verify: " + ", ".join(f"#{c.pk}" for c in failing)
            )
    return report
