"""Bring new written answers and written ministerial statements in from Parliament: each one
matching a watch term is stored as a SourceDocument (primary provenance, its official URL),
once.

- A question seen again with the same answer changes nothing.
- A corrected answer, or the substantive answer to a question stored with a holding answer,
  replaces the stored text (the old one stays in the record's history), unless a citation of
  the source would no longer find its quote: then nothing is written and the citations are
  listed (as the importer's `--update` does).
- A withdrawn question is not stored.
- A question already stored from a capture (same official URL, or the same UIN asked on the
  same day) is the same source: never a duplicate.

Each question is written in its own transaction: a failure part-way keeps what was complete,
and a term's `checked_through` date only moves once all its questions were read, so the next
run resumes from there.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from sources.importing import CREATED, REFUSED, UNCHANGED, UPDATED
from sources.models import Provenance, SourceDocument, SourceKind, WatchTerm
from sources.text import normalise

from .client import QUESTIONS, STATEMENTS, Answer, Client, ParliamentError, Statement

WITHDRAWN, FAILED = "withdrawn", "failed"

# Sent when an answer is stored new or replaced (in the same transaction): the editors' desk
# puts it in its inbox. Arguments: `source`, `why` ("a new answer", "a corrected answer"...),
# and `created` (True for a new source).
answer_arrived = Signal()
FIRST_LOOK_DAYS = 30  # how far back a term never checked looks
FETCHERS = 4  # questions fetched at once, while the main thread writes


@dataclass
class Outcome:
    """What happened to one question."""

    status: str
    url: str
    reason: str = ""
    source: SourceDocument | None = None
    failing_citations: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "url": self.url,
            "reason": self.reason or None,
            "source_id": self.source.pk if self.source is not None else None,
            "failing_citations": self.failing_citations,
        }


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(o.status in (FAILED, REFUSED) for o in self.outcomes)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def source_text(answer: Answer) -> str:
    """The text stored for an answer: heading, question, answer, each with who and when."""
    asked = f"Question for {answer.answering_body or 'the Government'}, UIN {answer.uin}, "
    asked += f"tabled on {answer.asked_on:%-d %B %Y}"
    asked += f" by {answer.asked_by}" if answer.asked_by else ""
    asked += f" (House of {answer.house}):" if answer.house in ("Commons", "Lords") else ":"
    kind = "Holding answer" if answer.is_holding else "Answer"
    given = f"{kind} given on {answer.answered_on:%-d %B %Y}"
    given += f" by {answer.answered_by}:" if answer.answered_by else ":"
    if answer.is_correction and answer.corrected_on:
        given = f"Corrected answer, {answer.corrected_on:%-d %B %Y}. {given}"
    parts = [answer.heading, asked, answer.question_text, given, answer.answer_text]
    return "\n\n".join(part for part in parts if part)


def _fields(answer: Answer, api_url: str) -> dict:
    return {
        "kind": SourceKind.WRITTEN_ANSWER,
        "title": answer.heading or f"Written question {answer.uin}",
        "publisher": "UK Parliament",
        "department": answer.answering_body,
        "provenance": Provenance.PRIMARY,
        "uin": answer.uin,
        "asked_on": answer.asked_on,
        "answered_on": answer.answered_on,
        "published_on": answer.answered_on,
        "asked_by": answer.asked_by,
        "answered_by": answer.answered_by,
        "question_text": answer.question_text,
        "answer_text": answer.answer_text,
        "is_holding_answer": answer.is_holding,
        "answer_corrected_on": answer.corrected_on,
        "imported_from": api_url[:300],
    }


def stored_as(answer: Answer) -> SourceDocument | None:
    """The source that already holds this question: by its official URL, else by its UIN and
    the day it was tabled (a capture from another site)."""
    return _first(SourceDocument.objects.filter(url=answer.url)) or _first(
        SourceDocument.objects.filter(
            kind=SourceKind.WRITTEN_ANSWER, uin=answer.uin, asked_on=answer.asked_on
        )
    )


def _first(sources) -> SourceDocument | None:
    """One of `sources`, locked. Unordered: an ORDER BY pk would have the planner walk the
    primary key instead of the index that finds the row."""
    found = list(sources.select_for_update().order_by()[:1])
    return found[0] if found else None


def store(answer: Answer, api_url: str) -> Outcome:
    """Store one answered question (see the module's rules), in its own transaction."""
    if answer.is_withdrawn:
        return Outcome(WITHDRAWN, answer.url, "the question was withdrawn")
    if not answer.is_answered:
        return Outcome(UNCHANGED, answer.url, "not answered yet")
    with transaction.atomic():
        existing = stored_as(answer)
        if existing is not None and _same_answer(existing, answer):
            return Outcome(UNCHANGED, answer.url, "", existing)
        text = source_text(answer)
        if existing is None:
            source = SourceDocument(url=answer.url, text=text, captured_at=timezone.now())
            for name, value in _fields(answer, api_url).items():
                setattr(source, name, value)
            source.full_clean(validate_constraints=False)  # the database checks them
            source.save()
            note = "a holding answer" if answer.is_holding else ""
            answer_arrived.send(
                SourceDocument, source=source, why=note or "a new answer", created=True
            )
            return Outcome(CREATED, answer.url, note, source)
        broken = existing.citations_broken_by(text)
        if broken:
            return Outcome(
                REFUSED,
                answer.url,
                f"the new answer would break {len(broken)} citation(s) of source "
                f"#{existing.pk}; the stored text is kept",
                existing,
                broken,
            )
        why = "a corrected answer" if answer.is_correction else "the substantive answer"
        if not existing.is_holding_answer and not answer.is_correction:
            why = "a changed answer"
        for name, value in _fields(answer, api_url).items():
            setattr(existing, name, value)
        existing.text, existing.captured_at = text, timezone.now()
        existing._change_reason = f"Parliament published {why}"
        existing.full_clean(validate_constraints=False)  # the database checks them
        existing.save()
        answer_arrived.send(SourceDocument, source=existing, why=why)
        return Outcome(UPDATED, answer.url, why, existing)


def store_statement(statement: Statement, api_url: str) -> Outcome:
    """Store one written ministerial statement, once; a changed text replaces the stored one
    unless a citation would lose its quote (as for answers)."""
    with transaction.atomic():
        existing = _first(SourceDocument.objects.filter(url=statement.url)) or _first(
            SourceDocument.objects.filter(
                kind=SourceKind.WRITTEN_STATEMENT,
                uin=statement.uin,
                published_on=statement.made_on,
            )
        )
        body = statement.text
        if existing is not None and normalise(body) in normalise(existing.text):
            return Outcome(UNCHANGED, statement.url, "", existing)
        made = f"Written statement {statement.uin}, made on {statement.made_on:%-d %B %Y}"
        made += f" by {statement.made_by}" if statement.made_by else ""
        made += f", {statement.role}" if statement.role else ""
        text = "\n\n".join(part for part in (statement.title, made + ":", body) if part)
        fields = {
            "kind": SourceKind.WRITTEN_STATEMENT,
            "title": statement.title or f"Written statement {statement.uin}",
            "publisher": "UK Parliament",
            "department": statement.answering_body,
            "provenance": Provenance.PRIMARY,
            "uin": statement.uin,
            "published_on": statement.made_on,
            "answered_by": statement.made_by,
            "imported_from": api_url[:300],
        }
        if existing is None:
            source = SourceDocument(url=statement.url, text=text, captured_at=timezone.now())
            for name, value in fields.items():
                setattr(source, name, value)
            source.full_clean(validate_constraints=False)  # the database checks them
            source.save()
            answer_arrived.send(
                SourceDocument, source=source, why="a new written statement", created=True
            )
            return Outcome(CREATED, statement.url, "", source)
        broken = existing.citations_broken_by(text)
        if broken:
            reason = f"the new text would break {len(broken)} citation(s) of source #{existing.pk}"
            return Outcome(REFUSED, statement.url, reason, existing, broken)
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.text, existing.captured_at = text, timezone.now()
        existing._change_reason = "Parliament published a changed statement"
        existing.full_clean(validate_constraints=False)  # the database checks them
        existing.save()
        answer_arrived.send(SourceDocument, source=existing, why="a changed written statement")
        return Outcome(UPDATED, statement.url, "a changed statement", existing)


def _same_answer(source: SourceDocument, answer: Answer) -> bool:
    if source.is_holding_answer != answer.is_holding:
        return False
    stored = normalise(source.answer_text or source.text)
    return bool(stored) and normalise(answer.answer_text) in stored


def watch(
    client: Client,
    *,
    since: datetime.date | None = None,
    dry_run: bool = False,
    progress: Callable[[Outcome], None] | None = None,
) -> Report:
    """Fetch and store what is new for every active watch term."""
    report, seen = Report(), set()
    today = timezone.localdate()
    for term in WatchTerm.objects.filter(active=True):
        start = since or term.checked_through or today - datetime.timedelta(FIRST_LOOK_DAYS)
        complete = True
        for kind, listing in (
            ("question", client.answered_since),
            ("statement", client.statements_since),
        ):
            try:
                found = list(listing(term.term, start))
            except ParliamentError as error:
                report.outcomes.append(Outcome(FAILED, error.url, error.problem))
                complete = False
                continue
            stored = _already_stored(client, kind, [item_id for item_id, _ in found])
            unchanged, fresh = [], []
            for item_id, summary in found:
                if (kind, item_id) in seen:
                    continue
                seen.add((kind, item_id))
                known = stored.get(item_id)
                if known is not None and _unchanged_since(known, summary):
                    unchanged.append(Outcome(UNCHANGED, known.url, "", known))  # not fetched
                else:
                    fresh.append(item_id)
            # A few threads fetch, in the order listed, while this one writes.
            with ThreadPoolExecutor(max_workers=FETCHERS) as pool:
                items = pool.map(partial(_fetch, client, kind), fresh)
                saved = (
                    _save(client, kind, item_id, item, dry_run)
                    for item_id, item in zip(fresh, items, strict=True)
                )
                for outcome in itertools.chain(unchanged, saved):
                    complete &= outcome.status not in (FAILED, REFUSED)
                    report.outcomes.append(outcome)
                    if progress:
                        progress(outcome)
        if complete and not dry_run:
            WatchTerm.objects.filter(pk=term.pk).update(checked_through=today)
    return report


def _api_url(client: Client, kind: str, item_id: int) -> str:
    return f"{client.base_url}{QUESTIONS if kind == 'question' else STATEMENTS}/{item_id}"


def _already_stored(client: Client, kind: str, ids: list[int]) -> dict[int, SourceDocument]:
    """The sources stored from these API ids by earlier runs, by id (one query)."""
    urls = {_api_url(client, kind, item_id)[:300]: item_id for item_id in ids}
    found = SourceDocument.objects.filter(imported_from__in=urls).only(
        "pk", "url", "imported_from", "answered_on", "published_on", "is_holding_answer",
        "answer_corrected_on",
    )  # fmt: skip
    return {urls[source.imported_from]: source for source in found}


def _unchanged_since(source: SourceDocument, summary: dict) -> bool:
    """Whether the list's summary shows nothing new since `source` was stored: the same
    answer date, holding flag and correction date. A statement is fetched again only when its
    date moved."""

    def day(name):
        raw = summary.get(name)
        try:
            return datetime.datetime.fromisoformat(raw).date() if raw else None
        except (TypeError, ValueError):
            return "unreadable"

    if "dateMade" in summary:
        return day("dateMade") == source.published_on
    return (
        day("dateAnswered") == source.answered_on
        and bool(summary.get("answerIsHolding")) == source.is_holding_answer
        and day("dateAnswerCorrected") == source.answer_corrected_on
    )


def _fetch(client: Client, kind: str, item_id: int):
    """The item, or the ParliamentError that stopped it (raised in a worker thread)."""
    try:
        return (client.answer if kind == "question" else client.statement)(item_id)
    except ParliamentError as error:
        return error


def _save(client: Client, kind: str, item_id: int, item, dry_run: bool) -> Outcome:
    if isinstance(item, ParliamentError):
        return Outcome(FAILED, item.url, item.problem)
    save = store if kind == "question" else store_statement
    try:
        with transaction.atomic():
            outcome = save(item, _api_url(client, kind, item_id))
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        return Outcome(FAILED, item.url, "; ".join(error.messages))
    except IntegrityError as error:  # a constraint the database enforces
        return Outcome(FAILED, item.url, f"the database refused it: {error}")
    return outcome
