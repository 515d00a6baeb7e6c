"""Full-text search: PostgreSQL's where the database is PostgreSQL, a plain match elsewhere.

On PostgreSQL a query (websearch syntax: words, "a phrase", -excluded, or) is matched against
three documents, each with a GIN expression index (migration 0003, PostgreSQL only):
a commitment's title, pledge and summary; an announcement's summary and note; a source's title
and stored text. A commitment matches when any of its own text, its announcements or the
sources it cites match, and results are ranked by how well its own text matches. On SQLite,
every word must appear (case-insensitively) in one of the same fields.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import FloatField, Q, QuerySet, Value

from sources.search import CONFIG, all_terms, full_text, search_terms, source_vector


def commitment_vector() -> SearchVector:
    return SearchVector("title", "pledge_text", "summary", config=CONFIG)


def announcement_vector() -> SearchVector:
    return SearchVector("summary", "note", config=CONFIG)


def search_commitments(queryset: QuerySet, q: str, *, on=None) -> QuerySet:
    """Commitments matching `q`, annotated with `rank` (higher is better)."""
    from sources.models import SourceDocument

    from .models import Announcement, Citation

    announcements = Announcement.objects.evidenced()
    if on is not None:
        announcements = announcements.filter(date__lte=on)
    if full_text():
        query = SearchQuery(q, search_type="websearch", config=CONFIG)
        via_announcements = (
            announcements.annotate(document=announcement_vector())
            .filter(document=query)
            .values("commitment_id")
        )
        sources = SourceDocument.objects.annotate(document=source_vector()).filter(document=query)
        via_sources = Citation.objects.filter(source__in=sources).values("commitment_id")
        return queryset.annotate(
            document=commitment_vector(), rank=SearchRank(commitment_vector(), query)
        ).filter(Q(document=query) | Q(pk__in=via_announcements) | Q(pk__in=via_sources))
    if not search_terms(q):
        return queryset.none()
    own = all_terms(["title", "pledge_text", "summary"], q)
    via_announcements = announcements.filter(all_terms(["summary", "note"], q)).values(
        "commitment_id"
    )
    via_sources = Citation.objects.filter(
        source__in=SourceDocument.objects.filter(all_terms(["title", "text"], q))
    ).values("commitment_id")
    return queryset.filter(own | Q(pk__in=via_announcements) | Q(pk__in=via_sources)).annotate(
        rank=Value(0.0, output_field=FloatField())
    )
