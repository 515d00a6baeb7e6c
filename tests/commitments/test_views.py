"""The public pages a researcher loads: what they show, what they hide, and their query cost."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from commitments.models import AnnouncementKind, Bill, BillStage, Status
from tests.commitments.factories import (
    AnnouncementFactory,
    CitationFactory,
    CommitmentFactory,
    FundingLineFactory,
    bulk_published,
    event,
    published_commitment,
)
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db
D = datetime.date


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join("".join(parser.parts).split())


@pytest.fixture
def audit():
    commitment = published_commitment(title="Casey audit", slug="casey-audit")
    event(commitment, D(2025, 1, 16), kind=AnnouncementKind.FIRST_ANNOUNCED,
          new_status=Status.ANNOUNCED, new_deadline=D(2025, 5, 31), deadline_wording="in May",
          summary="Audit announced.")  # fmt: skip
    event(commitment, D(2025, 6, 16), kind=AnnouncementKind.DELIVERED,
          new_status=Status.DELIVERED, summary="Audit published.")  # fmt: skip
    return commitment


@pytest.fixture
def overdue_pledge():
    commitment = published_commitment(title="Framework for local inquiries")
    event(commitment, D(2025, 1, 16), new_status=Status.ANNOUNCED,
          new_deadline=D(2025, 5, 31), deadline_wording="later in May")  # fmt: skip
    return commitment


def test_home_shows_counts_overdue_and_latest(client, audit, overdue_pledge):
    text = visible_text(client.get("/"))
    assert "2 commitments on record" in text
    assert "Delivered 1" in text
    assert "Announced 1" in text
    days = (timezone.localdate() - D(2025, 5, 31)).days
    overdue = "Framework for local inquiries: deadline 31 May 2025 (“later in May”)"
    assert f"{overdue}, {days} days overdue" in text
    assert "Casey audit: Audit published." in text


def test_list_shows_published_commitments_with_status(client, audit, overdue_pledge):
    CommitmentFactory(title="Unsourced pledge")  # no pledge citation: not public
    not_yet = published_commitment(title="Only unsourced events")
    AnnouncementFactory(commitment=not_yet, new_status=Status.ANNOUNCED)
    response = client.get(reverse("commitments:list"))
    text = visible_text(response)
    assert "2 commitments" in text
    assert "Casey audit Delivered 16 Jun 2025 31 May 2025" in text
    assert "overdue by" in text
    assert "Unsourced pledge" not in text
    assert "Only unsourced events" not in text


def test_detail_shows_pledge_status_timeline_and_quotes(client, audit):
    FundingLineFactory(commitment=audit, amount=2_500_000)
    line = FundingLineFactory(commitment=audit, amount=9_999_999, purpose="Uncited money")
    CitationFactory(commitment=audit, funding_line=audit.funding_lines.first())
    AnnouncementFactory(commitment=audit, date=D(2025, 7, 1), summary="Unsourced rumour.")
    response = client.get(audit.get_absolute_url())
    assert response.status_code == 200
    text = visible_text(response)
    assert "Delivered since 16 June 2025: Audit published." in text
    assert "Deadline: 31 May 2025 (“in May”)." in text
    assert "Audit announced." in text
    assert "Unsourced rumour." not in text
    assert "£2,500,000 announced" in text
    assert line.purpose not in text
    html = response.content.decode()
    citation = audit.citations.filter(announcement__isnull=False).first()
    assert f'href="/sources/{citation.source_id}/#citation-{citation.pk}"' in html
    assert f'href="{citation.source.url}"' in html
    assert "The Government will deliver the commitment on time." in text


def test_unpublished_or_unknown_commitments_are_404(client):
    CommitmentFactory(slug="draft")
    assert client.get("/commitments/draft/").status_code == 404
    response = client.get("/commitments/no-such-thing/")
    assert response.status_code == 404
    assert "Page not found" in visible_text(response)


def test_source_page_shows_metadata_text_and_what_cites_it(client, audit):
    citation = audit.citations.filter(announcement__isnull=False).first()
    response = client.get(citation.source.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="citation-{citation.pk}"' in html
    assert citation.source.sha256 in html
    assert "supports: the announcement of 16 January 2025 of Casey audit" in visible_text(response)


@pytest.mark.parametrize("n", [10, 1000])
def test_list_query_count_does_not_grow_with_commitments(client, django_assert_num_queries, n):
    parent = published_commitment(title="Parent")
    event(parent, D(2025, 1, 1), new_status=Status.ANNOUNCED)
    bulk_published(n, parent=parent, deadline=D(2025, 3, 1), money=True)
    # savepoint, any event dated after today (else the state is read from the rows), paginator
    # count, the page (status, money and parent in one query), the page's timelines (each
    # row's small band), release
    with django_assert_num_queries(6):
        response = client.get(reverse("commitments:list"))
    assert response.status_code == 200
    assert response.context["paginator"].count == n + 1
    assert len(response.context["commitments"]) == min(50, n + 1)
    # The same budget with every filter and a sort that needs extra annotations.
    params = {
        "q": "Bulk", "status": ["in_progress", "announced"], "theme": "policing",
        "department": "home_office", "overdue": "true", "has_funding": "true",
        "announced_after": "2024-01-01", "announced_before": "2026-01-01",
        "as_of": "2025-06-01", "sort": "-announced",
    }  # fmt: skip
    # On SQLite the snippets' words come with the bands' timelines; PostgreSQL marks them in
    # one more query (ts_headline).
    with django_assert_num_queries(5 + (connection.vendor == "postgresql")):  # a past date
        response = client.get(reverse("commitments:list"), params)
    assert response.status_code == 200
    assert response.context["paginator"].count == n


@pytest.mark.parametrize("n", [2, 200])
def test_detail_query_count_does_not_grow_with_events(client, django_assert_num_queries, n):
    commitment = published_commitment(slug="big")
    for i in range(n):
        day = datetime.timedelta(days=i)
        event(commitment, D(2025, 1, 1) + day, new_status=Status.ANNOUNCED,
              new_deadline=D(2026, 1, 1) + day, deadline_wording="soon")  # fmt: skip
    for _ in range(min(n, 20)):
        line = FundingLineFactory(commitment=commitment)
        CitationFactory(commitment=commitment, funding_line=line)
    for number in range(min(n, 5)):  # bills carrying it, each with stages, fetched
        carried = Bill.objects.create(
            parliament_id=number + 1, title=f"Bill {number}", source=SourceDocumentFactory()
        )
        carried.commitments.add(commitment)
        BillStage.objects.bulk_create(
            BillStage(bill=carried, parliament_id=k, description=f"Stage {k}", house="Commons",
                      sort_order=k, sat_on=D(2025, 1, 1) + datetime.timedelta(days=k))
            for k in range(min(n, 20))
        )  # fmt: skip
    # savepoint, any event dated after today, commitment, timeline + its citations, funding +
    # its citations, pledge citations, corrections, children, links out, links in, bills (where
    # each stands, with its source), release
    with django_assert_num_queries(14):
        response = client.get("/commitments/big/")
    assert response.status_code == 200
    assert len(response.context["commitment"].timeline) == n


@pytest.mark.parametrize("n", [10, 1000])
def test_home_query_count_does_not_grow_with_commitments(client, django_assert_num_queries, n):
    bulk_published(n, deadline=D(2025, 3, 1), money=True)
    # savepoint, any event dated after today, counts by status, overdue, latest, the roadmap's
    # timelines (at most ROADMAP_LIMIT commitments), money by stage, disagreements, no news for
    # six months, release
    with django_assert_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200
    assert response.context["total"] == n
    assert len(response.context["roadmap"]["rows"]) == min(n, 100)


def test_the_favicon_is_served_and_linked(client):
    """Issue 11: every page made the browser ask for /favicon.ico, which was a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/methodology/").content.decode()
    assert 'rel="icon"' in page
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert client.get(icon).status_code == 200


def test_an_update_is_listed_only_where_its_commitment_has_a_page(client):
    """Issue 11: a cited commitment whose only cited event sets no status was in the home page's
    latest updates and the Atom feed, while its own page was a 404."""
    shown = published_commitment(title="Has a status")
    event(shown, datetime.date(2025, 2, 1), new_status=Status.IN_PROGRESS, summary="Shown event")
    hidden = published_commitment(title="No status yet")
    event(hidden, datetime.date(2025, 3, 1), summary="Event that sets nothing")
    assert client.get(hidden.get_absolute_url()).status_code == 404
    home = visible_text(client.get("/"))
    feed = client.get("/feeds/updates.atom").content.decode()
    assert "Shown event" in home
    assert "Shown event" in feed
    assert "Event that sets nothing" not in home
    assert "Event that sets nothing" not in feed
    assert client.get(f"/feeds/commitments/{hidden.slug}.atom").status_code == 404


def test_the_home_lists_stop_at_their_limit_and_lead_to_the_rest(client):
    from commitments.views import HOME_LIST_LIMIT

    bulk_published(HOME_LIST_LIMIT + 3, deadline=D(2025, 3, 1))
    page = client.get("/").content.decode()
    overdue = page[page.index('id="overdue"') : page.index('id="latest"')]
    assert overdue.count("<li>") == HOME_LIST_LIMIT
    assert f"These are the {HOME_LIST_LIMIT} longest overdue" in overdue
    link = re.search(r'<a href="([^"]+)">the list has every overdue commitment', overdue).group(1)
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.context["paginator"].count == HOME_LIST_LIMIT + 3
