"""Full-text search of commitments: PostgreSQL's where the database is PostgreSQL.

A query (websearch syntax: words, "a phrase", -excluded, or) is matched against three stored,
GIN-indexed documents (migrations 0003, PostgreSQL only): a commitment's title, pledge and
summary; an announcement's summary and note; a source's title and stored text. A commitment
matches when its own text, one of its announcements (on record by the date shown) or a source
it cites matches; results are ranked by how well its own text matches. Each match is a
subquery that PostgreSQL answers from its index, the three in one `pk IN (... UNION ALL ...)`.
On SQLite, every word must appear (case-insensitively) in one of the same fields.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db.models import FloatField, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat

from sources.search import (
    CONFIG,
    StoredDocument,
    all_terms,
    full_text,
    matching_sources,
    query_for,
    search_terms,
)

from .models import Announcement, Citation, Commitment


def search_commitments(queryset: QuerySet, q: str, *, on=None) -> QuerySet:
    """Commitments matching `q`, annotated with `rank` (higher is better)."""
    if not search_terms(q):  # only operators ("-", a lone quote): nothing to look for
        return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
    announcements = Announcement.objects.evidenced()
    if on is not None:
        announcements = announcements.filter(date__lte=on)
    commitments = Commitment.objects.all()
    if full_text():
        query = query_for(q)
        own = commitments.annotate(found=StoredDocument()).filter(found=query)
        told = announcements.annotate(found=StoredDocument()).filter(found=query)
    else:
        own = commitments.filter(all_terms(["title", "pledge_text", "summary"], q))
        told = announcements.filter(all_terms(["summary", "note"], q))
    cited = Citation.objects.filter(source__in=matching_sources(q).values("pk"))
    # One subquery, the union of the three (UNION ALL: `IN` needs no duplicates removed),
    # answered once, rather than three that the database tries on every commitment.
    found = (
        own.order_by().values("pk")
        .union(told.order_by().values("commitment_id"), cited.order_by().values("commitment_id"),
               all=True)
    )  # fmt: skip
    matches = queryset.filter(pk__in=found)
    if full_text():
        return matches.annotate(rank=SearchRank(StoredDocument(), query))
    return matches.annotate(rank=Value(0.0, output_field=FloatField()))


# What ts_headline puts around a matched word: private-use characters, which no stored text
# holds, so the headline can be cut into pieces and every piece escaped by the template.
START, STOP = "\ue000", "\ue001"


def headlines(pks: list[int], q: str, *, on) -> dict[int, list[tuple[str, bool]]]:
    """PostgreSQL: for each commitment of `pks`, the words around where `q` matched its own
    text (title, pledge, summary) or its events' summaries on record by `on`, as (piece,
    matched) pieces, marked by ts_headline with the same stemming as the search; [] where only
    a source it cites matched. One query."""
    told = (
        Announcement.objects.evidenced()
        .filter(commitment=OuterRef("pk"), date__lte=on)
        .order_by()
        .values("commitment")
        .annotate(words=StringAgg("summary", " … ", order_by=("date", "pk")))
        .values("words")
    )
    text = Concat(
        "title", Value(". "), "pledge_text", Value(" … "), "summary", Value(" … "),
        Coalesce(Subquery(told), Value(""), output_field=TextField()), output_field=TextField(),
    )  # fmt: skip
    marked = SearchHeadline(
        text, query_for(q), config=CONFIG, start_sel=START, stop_sel=STOP,
        max_words=30, min_words=12, max_fragments=1, fragment_delimiter=" … ",
    )  # fmt: skip
    rows = Commitment.objects.filter(pk__in=pks).annotate(headline=marked)
    return {pk: pieces(headline) for pk, headline in rows.values_list("pk", "headline")}


def pieces(headline: str) -> list[tuple[str, bool]]:
    """A headline cut at its marks into (piece, matched) pieces; [] when nothing is marked."""
    if START not in (headline or ""):
        return []
    found = [("…", False)]
    for part in headline.split(START):
        matched, _, rest = part.rpartition(STOP)
        if matched:
            found.append((matched, True))
        if rest:
            found.append((rest, False))
    found.append(("…", False))
    return found
