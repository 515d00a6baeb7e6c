"""Which commitments a newly arrived source is probably about.

Each commitment's document is its title, pledge, summary and references and the summaries of
its events; a source's is its heading, question and answer. Both are reduced to terms (on
PostgreSQL by its English full-text analyser, `to_tsvector('english', …)`, so "inquiries" and
"inquiry" meet; elsewhere by a plain analyser: lower-case words, common words left out), and
commitments are ranked by BM25 over the terms they share with the source: a term counts for
more the fewer commitments use it. The shared terms are shown as the reason for a suggestion.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.db import connection

from commitments.models import Announcement, Commitment
from sources.models import SourceDocument

K1, B = 1.2, 0.75
COMMON = frozenset(
    """a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more
    most my no nor not now of off on once only or other our ours out over own same she should
    so some such than that the their theirs them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your yours ask asked asking secretary state department minister ministers
    government answer answered question questions hon member members house steps whether
    taking taken make made her his year years""".split()  # noqa: SIM905 (a readable list)
)


@dataclass(frozen=True)
class Suggestion:
    commitment: Commitment
    score: float
    words: tuple[str, ...]  # the shared terms, the rarest first


def _plain(text: str) -> set[str]:
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
    return {w for w in words if len(w) > 2 and w not in COMMON and not w.isdigit()}


def analyse(texts: list[str]) -> list[set[str]]:
    """Each text's set of terms."""
    if connection.vendor != "postgresql" or not texts:
        return [_plain(text) for text in texts]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector('english', t)) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n) ORDER BY n",
            [[" ".join(sorted(COMMON)), *texts]],
        )
        common, *terms = [set(row[0]) for row in cursor.fetchall()]
    return [{t for t in found if t not in common and not t.isdigit()} for found in terms]


def source_document(source: SourceDocument) -> str:
    return "\n".join([source.title, source.question_text, source.answer_text or source.text])


def commitment_documents(*, leaving_out: SourceDocument | None = None) -> dict[int, str]:
    """Each commitment's document; `leaving_out` drops the events that cite that source (to
    judge suggestions as if the source had just arrived)."""
    events = Announcement.objects.order_by("date", "pk")
    if leaving_out is not None:
        events = events.exclude(citations__source=leaving_out)
    told: dict[int, list[str]] = {}
    for commitment_id, summary in events.values_list("commitment_id", "summary"):
        told.setdefault(commitment_id, []).append(summary)
    return {
        c.pk: "\n".join([c.title, c.pledge_text, c.summary, c.references, *told.get(c.pk, [])])
        for c in Commitment.objects.all()
    }


@dataclass
class Corpus:
    """Every commitment's terms, analysed once, to rank many sources against."""

    terms: dict[int, set[str]]
    frequency: Counter
    average: float

    @classmethod
    def build(cls, *, leaving_out: SourceDocument | None = None) -> Corpus:
        documents = commitment_documents(leaving_out=leaving_out)
        terms = dict(zip(documents, analyse(list(documents.values())), strict=True))
        frequency = Counter(term for found in terms.values() for term in found)
        average = sum(len(found) for found in terms.values()) / max(len(terms), 1)
        return cls(terms, frequency, average)

    def idf(self, term: str) -> float:
        size, n = len(self.terms), self.frequency[term]
        return math.log(1 + (size - n + 0.5) / (n + 0.5))

    def suggest(self, source: SourceDocument, limit: int = 3) -> list[Suggestion]:
        """The `limit` commitments the source most probably concerns, best first. A bill's
        record (parliament.bills) concerns the commitments the bill carries: those."""
        carried = Commitment.objects.filter(bills__source=source).order_by("title", "pk")
        if carried := list(carried[:limit]):
            return [Suggestion(c, math.inf, ("the bill carries it",)) for c in carried]
        (query,) = analyse([source_document(source)])
        scored = []
        for pk, terms in self.terms.items():
            shared = query & terms
            if not shared:
                continue
            norm = K1 * (1 - B + B * len(terms) / self.average)
            score = sum(self.idf(term) * (K1 + 1) / (1 + norm) for term in shared)
            words = tuple(sorted(shared, key=lambda term: (-self.idf(term), term))[:6])
            scored.append((score, pk, words))
        scored.sort(key=lambda row: (-row[0], row[1]))
        best = scored[:limit]
        commitments = Commitment.objects.in_bulk([pk for _, pk, _ in best])
        return [Suggestion(commitments[pk], score, words) for score, pk, words in best]


def suggest(
    source: SourceDocument, limit: int = 3, *, leaving_out: SourceDocument | None = None
) -> list[Suggestion]:
    """The `limit` commitments the source most probably concerns, best first."""
    return Corpus.build(leaving_out=leaving_out).suggest(source, limit)
