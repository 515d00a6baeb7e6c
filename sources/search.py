"""Full-text search of stored source texts (see commitments.search for the whole rule).

On PostgreSQL, `source_vector()` is the indexed document (a GIN expression index created by
migration 0003, on PostgreSQL only); elsewhere every word must appear in the title or text.
"""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import FloatField, Q, QuerySet, Value

CONFIG = "english"


def full_text() -> bool:
    """True when the database is PostgreSQL, whose full-text search is used."""
    return connection.vendor == "postgresql"


def source_vector() -> SearchVector:
    return SearchVector("title", "text", config=CONFIG)


def search_terms(q: str) -> list[str]:
    return [term for term in q.split() if term.strip('"-')][:10]


def all_terms(fields: list[str], q: str) -> Q:
    """Every word of `q` in at least one of `fields` (the plain fallback)."""
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{f}__icontains": t.strip('"')}) for f in fields))
            for t in search_terms(q)
        ),
        Q(),
    )


def search_sources(queryset: QuerySet, q: str) -> QuerySet:
    """Sources whose title or stored text matches `q`, annotated with `rank`."""
    if full_text():
        query = SearchQuery(q, search_type="websearch", config=CONFIG)
        return queryset.annotate(
            document=source_vector(), rank=SearchRank(source_vector(), query)
        ).filter(document=query)
    if not search_terms(q):
        return queryset.none()
    return queryset.filter(all_terms(["title", "text"], q)).annotate(
        rank=Value(0.0, output_field=FloatField())
    )
