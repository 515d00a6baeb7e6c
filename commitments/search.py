"""Full-text search of commitments: PostgreSQL's where the database is PostgreSQL.

A query (websearch syntax: words, "a phrase", -excluded, or) is matched against three stored,
GIN-indexed documents (migrations 0003, PostgreSQL only): a commitment's title, pledge and
summary; an announcement's summary and note; a source's title and stored text. A commitment
matches when its own text, one of its announcements (on record by the date shown) or a source
it cites matches; results are ranked by how well its own text matches. Each match is a
`pk IN (...)` subquery that PostgreSQL answers from its index. On SQLite, every word must appear
(case-insensitively) in one of the same fields.
"""

from django.contrib.postgres.search import SearchRank
from django.db.models import FloatField, Q, QuerySet, Value

from sources.search import (
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
    matches = queryset.filter(
        Q(pk__in=own.values("pk"))
        | Q(pk__in=told.values("commitment_id"))
        | Q(pk__in=cited.values("commitment_id"))
    )
    if full_text():
        return matches.annotate(rank=SearchRank(StoredDocument(), query))
    return matches.annotate(rank=Value(0.0, output_field=FloatField()))
