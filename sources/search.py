"""Full-text search of stored source texts (see commitments.search for the whole rule).

On PostgreSQL every searchable table has a stored `search_document` tsvector column with a GIN
index (migrations 0003, PostgreSQL only), which `StoredDocument()` reads; the query uses
PostgreSQL's websearch syntax and results are ranked with ts_rank. Elsewhere every word must
appear, case-insensitively, in one of the same fields.
"""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Expression, FloatField, Q, QuerySet, Value

from .models import SourceDocument

CONFIG = "english"


def full_text() -> bool:
    """True when the database is PostgreSQL, whose full-text search is used."""
    return connection.vendor == "postgresql"


class StoredDocument(Expression):
    """The `search_document` column of the query's own table (PostgreSQL only).

    The column is not a model field, so this resolves it against whatever alias the table has
    in the query being compiled (its name at the top level, U0 inside a subquery)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name('search_document')}", []


def query_for(q: str) -> SearchQuery:
    return SearchQuery(q, search_type="websearch", config=CONFIG)


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


def matching_sources(q: str) -> QuerySet:
    """Sources whose title or text matches `q` (for use in a subquery)."""
    if full_text():
        return SourceDocument.objects.annotate(found=StoredDocument()).filter(found=query_for(q))
    return SourceDocument.objects.filter(all_terms(["title", "text"], q))


def search_sources(queryset: QuerySet, q: str) -> QuerySet:
    """Sources whose title or stored text matches `q`, annotated with `rank` (higher first).

    A query with no words (only operators such as "-" or a lone quote) matches nothing."""
    if not search_terms(q):
        return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
    matches = queryset.filter(pk__in=matching_sources(q).values("pk"))
    if full_text():
        return matches.annotate(rank=SearchRank(StoredDocument(), query_for(q)))
    return matches.annotate(rank=Value(0.0, output_field=FloatField()))
