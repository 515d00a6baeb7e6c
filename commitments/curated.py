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
from django.utils import timezone

from sources.importing import untitled_label
from sources.models import SourceDocument
from sources.parsing import parse

from .models import Announcement, Bill, Citation, Commitment, CommitmentLink, FundingLine

SOURCE_FIELDS = {
    "kind", "title", "url", "publisher", "department", "provenance", "published_on", "uin",
    "asked_on", "answered_on", "asked_by", "answered_by", "is_excerpt", "notes",
}  # fmt: skip
# Fields the parser reads from a capture (the rest of ParseResult.values is bookkeeping).
CAPTURE_FIELDS = SOURCE_FIELDS | {"question_text", "answer_text"}
COMMITMENT_FIELDS = {
    "title", "pledge_text", "summary", "theme", "lead_department", "references", "searched_on",
}  # fmt: skip
ANNOUNCEMENT_FIELDS = {
    "summary", "new_status", "new_deadline", "deadline_wording", "note", "new_firmness",
    "claimed_status",
}  # fmt: skip
FUNDING_FIELDS = {"recipient", "period", "note", "may_overlap"}


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
                for outcome in ("created", "updated", "unchanged", "removed")
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
        self.funding: dict[str, FundingLine] = {}
        self.funding_refs: list[tuple[FundingLine, dict, str]] = []
        self.seen: dict[type[models.Model], set] = {}

    def sync(self, model, lookup: dict, values: dict, where: str):
        """Create or update one object, saving only when something differs."""
        obj = self._sync(model, lookup, values, where)
        self.seen.setdefault(model, set()).add(obj.pk)
        return obj

    def _sync(self, model, lookup: dict, values: dict, where: str):
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
        self.remove_stale_citations(data)
        for entry in data.get("sources", []):
            self.load_source(dict(entry))
        for entry in data.get("commitments", []):
            self.load_commitment(entry)
            self.load_timeline(entry)
        for funding, refs, where in self.funding_refs:
            targets = {}
            for name, key in refs.items():
                if key is not None and key not in self.funding:
                    raise CuratedDataError(f"{where}: {name} {key!r} is not a funding key")
                targets[name] = self.funding[key] if key is not None else None
            changed = {k: v for k, v in targets.items() if getattr(funding, k) != v}
            if changed:  # references are set after every line exists; count no second pass
                for name, value in changed.items():
                    setattr(funding, name, value)
                try:
                    funding.full_clean()
                    funding.save()
                except ValidationError as error:
                    raise CuratedDataError(f"{where}: {'; '.join(error.messages)}") from error
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
        for entry in data.get("bills", []):
            self.load_bill(_take(dict(entry), {"parliament_id", "title", "commitments"}, "bill"))
        self.remove_stale()
        return self.report

    def remove_stale_citations(self, data: dict) -> None:
        """Before any source's text is replaced: remove the citations an earlier edition loaded
        whose (source, quote) the file no longer holds, so a corrected passage can replace the
        one they quoted. Only rows nobody but the loader wrote; a commitment's last pledge
        citation waits for remove_stale(), when its new ones exist."""
        urls = {entry.get("key"): entry.get("url") for entry in data.get("sources", [])}
        quoted = set()
        for commitment in data.get("commitments", []):
            claims = [commitment, *commitment.get("announcements", []),
                      *commitment.get("funding", [])]  # fmt: skip
            for claim in claims:
                for citation in claim.get("pledge_citations", claim.get("citations", [])):
                    quoted.add((urls.get(citation.get("source")), citation.get("quote")))
        slugs = [commitment.get("slug") for commitment in data.get("commitments", [])]
        named = {url for url in urls.values() if url}
        touched = Citation.history.filter(history_user__isnull=False).values("id")
        rows = Citation.objects.filter(commitment__slug__in=slugs).exclude(pk__in=touched)
        for citation in rows.select_related("source"):
            known = citation.source.url in named  # a capture's address may come from its text
            if known and (citation.source.url, citation.quote) not in quoted:
                if Citation.unpublishing_message(citation.commitment_id, leaving={citation.pk}):
                    continue
                citation.delete()
                self.report.record(Citation, "removed")

    def remove_stale(self) -> None:
        """Remove what an earlier edition of the file loaded and this one no longer holds (an
        event whose date or kind was corrected, a citation replaced): the rows of the file's
        commitments that this load did not see, provided nobody but the loader ever wrote them
        (no user in their history: an editor's or reviewer's work is never removed)."""
        ours = [c.pk for c in self.commitments.values()]
        for model in (Citation, Announcement, FundingLine, CommitmentLink):
            rows = (
                model.objects.filter(from_commitment__in=ours)
                if model is CommitmentLink
                else model.objects.filter(commitment__in=ours)
            )
            stale = rows.exclude(pk__in=self.seen.get(model, set()))
            touched = model.history.filter(history_user__isnull=False).values("id")
            for obj in stale.exclude(pk__in=touched):
                if model is Citation and not Citation.objects.filter(pk=obj.pk).exists():
                    continue  # gone with its announcement or funding line
                obj.delete()
                self.report.record(model, "removed")

    def load_bill(self, entry: dict) -> None:
        """A bill that carries commitments, named by Parliament's id. Its title is the curated
        one until watch_parliament brings Parliament's (then kept); its stages come only from
        Parliament's Bills API."""
        where = f"bill {entry.get('parliament_id')}"
        bill = Bill.objects.filter(parliament_id=entry["parliament_id"]).first()
        if bill is None:
            bill = self.sync(Bill, {"parliament_id": entry["parliament_id"]},
                             {"title": entry["title"]}, where)  # fmt: skip
        else:
            self.report.record(Bill, "unchanged")
        wanted = {self.commitment(slug, where).pk for slug in entry["commitments"]}
        if set(bill.commitments.values_list("pk", flat=True)) != wanted:
            bill.commitments.set(wanted)

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
        """A capture (`file`, read by the importer's parser) or a quoted excerpt (`text`).

        For a capture, the parser's values stand; the entry may only fill fields the capture
        does not give (a seed's URL, say), and a value that contradicts the capture is an
        error. An excerpt's text is the passage quoted from the page, so it must be flagged.
        """
        key, file, text = entry.pop("key", None), entry.pop("file", None), entry.pop("text", None)
        where = f"source {key!r}"
        if not key or bool(file) == bool(text):
            raise CuratedDataError(
                f"{where}: every source needs a key and either a file or a text"
            )
        if key in self.sources:
            raise CuratedDataError(f"{where}: key used twice")
        values = _take(entry, SOURCE_FIELDS, where)
        if file:
            values = self.capture_values(self.base_dir / file, values, where)
        else:
            if not values.get("is_excerpt"):
                raise CuratedDataError(f"{where}: a source given as text must be an excerpt")
            values["text"] = text.strip("\n")
        for name in ("department", "publisher", "uin", "asked_by", "answered_by", "notes"):
            values.setdefault(name, "")
        for name in ("published_on", "asked_on", "answered_on"):
            values.setdefault(name, values.get("answered_on") if name == "published_on" else None)
        values.setdefault("is_excerpt", False)
        values.setdefault("provenance", "primary")
        url = values.pop("url", "")
        if not url:
            raise CuratedDataError(f"{where}: every curated source needs its URL")
        existing = SourceDocument.objects.filter(url=url).only("sha256").first()
        if existing is None or existing.sha256 != SourceDocument.compute_sha256(values["text"]):
            values["imported_at"] = timezone.now()
        self.sources[key] = self.sync(SourceDocument, {"url": url}, values, where)

    def capture_values(self, path: Path, curated: dict, where: str) -> dict:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CuratedDataError(f"{where}: cannot read {path}: {error}") from error
        parsed = parse(data, filename=path.name)
        if parsed.refused:
            raise CuratedDataError(f"{where}: the importer refuses {path.name}: {parsed.reason}")
        values = {
            k: v for k, v in parsed.values.items() if k in CAPTURE_FIELDS and v not in ("", None)
        }
        for name, value in curated.items():
            read = values.get(name)
            if name == "is_excerpt":
                values[name] = bool(read) or bool(value)
            elif name == "notes":
                values[name] = value
            elif read not in (None, "") and read != value:
                raise CuratedDataError(
                    f"{where}: {name} is {value!r} here but the capture says {read!r}"
                )
            else:
                values[name] = value
        notes = " ".join(parsed.notes)
        if notes:
            values["notes"] = f"{values.get('notes', '')} {notes}".strip()
        values.setdefault("title", untitled_label(values))
        values["text"] = parsed.text
        values["imported_from"] = path.name
        return values

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
        values.setdefault("searched_on", None)
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
            for name in (
                "summary",
                "new_status",
                "deadline_wording",
                "note",
                "new_firmness",
                "claimed_status",
            ):
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
            key = line.pop("key", None)
            refs = {name: line.pop(name, None) for name in ("parent", "same_money_as")}
            values = _take(line, FUNDING_FIELDS, here)
            for name in FUNDING_FIELDS - {"may_overlap"}:
                values.setdefault(name, "")
            values.setdefault("may_overlap", False)
            funding = self.sync(FundingLine, lookup, {**values, "stated_on": stated_on}, here)
            if key is not None:
                if key in self.funding:
                    raise CuratedDataError(f"{here}: funding key {key!r} used twice")
                self.funding[key] = funding
            self.funding_refs.append((funding, refs, here))
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
