"""Query budgets: every public page, API answer and feed makes the same number of queries
whether it shows 10 rows or 1,000 (issue 11). A page that queried once per row would fail."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Commitment
from sources.models import SourceDocument
from tests.commitments.factories import bulk_published

pytestmark = pytest.mark.django_db

# The queries each address may make, for 10 rows as for 1,000 (the first run printed them).
# Where a page shows a state today, one of them asks whether any event is dated after today
# (CommitmentQuerySet.as_of): if none is, the state is read from the rows.
BUDGETS = {
    "/funding/": 5,
    "/sources/": 5,
    "/sources/{source}/": 4,
    "/api/commitments/": 6,
    "/api/commitments/{slug}/": 8,
    "/api/sources/": 6,
    "/api/sources/{source}/": 4,
    "/feeds/updates.atom": 5,
    "/feeds/commitments/{slug}.atom": 6,
}


def grow(n: int, prefix: str) -> tuple[str, int]:
    """`n` more public commitments with cited events and money, all citing one new source, and
    `n` more sources; returns one new commitment's slug and that shared source's id."""
    commitments = bulk_published(n, deadline=datetime.date(2025, 3, 1), money=True, prefix=prefix)
    SourceDocument.objects.bulk_create(
        SourceDocument(kind="other", title=f"{prefix} source {i}", text=f"Text {i}.", version=1)
        for i in range(n)
    )
    source = commitments[0].citations.values_list("source_id", flat=True).first()
    return commitments[0].slug, source


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("pattern", list(BUDGETS))
def test_query_count_is_the_same_for_10_and_1000_rows(client, pattern):
    slug, source = grow(10, "small")
    small = queries(client, pattern.format(slug=slug, source=source))
    slug, source = grow(990, "large")
    assert Commitment.objects.public(datetime.date.today()).count() == 1000
    large = queries(client, pattern.format(slug=slug, source=source))
    assert (small, large) == (BUDGETS[pattern],) * 2, pattern
