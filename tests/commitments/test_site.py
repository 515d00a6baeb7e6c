"""The public site over the curated dataset: filters, as_of, search, money, sources, errors."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.urls import reverse

from commitments.models import Commitment, Status
from sources.models import SourceDocument
from tests.commitments.factories import CommitmentFactory, event, published_commitment
from tests.commitments.test_views import visible_text

pytestmark = pytest.mark.django_db
LIST = "/commitments/"


def slugs(response) -> list[str]:
    return [c.slug for c in response.context["commitments"]]


# -- the list and its FilterSet ----------------------------------------------------------------


def test_status_is_repeatable(client, curated):
    response = client.get(LIST, {"status": ["delivered", "superseded"]})
    assert response.status_code == 200
    # The IICSA timetable is partly delivered and the local-inquiries fund stalled since the
    # review of November 2026 (E4, E5); nothing is superseded.
    assert sorted(slugs(response)) == ["casey-national-audit", "civil-claims-limitation-period"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "online"}, {"undercover-online-network", "child-abuse-image-database"}),
        (
            {"department": "moj"},
            {
                "grooming-aggravating-factor",
                "casey-rec-1-rape-law",
                "civil-claims-limitation-period",
                "duty-of-candour-inquiries",
            },
        ),
        # Stalled is not closed: the local-inquiries fund's May 2025 deadline still counts.
        (
            {"overdue": "true"},
            {
                "national-statutory-inquiry",
                "casey-rec-2-police-operation-and-inquiry",
                "local-inquiries-fund",
            },
        ),
        (
            {"overdue": "true", "as_of": "2025-06-01"},
            {"casey-national-audit", "local-inquiries-fund"},  # both were due by 31 May
        ),
        (
            {"announced_after": "2025-06-01"},
            {
                "national-statutory-inquiry",
                "child-house-model",
                "casey-12-recommendations",
                *(
                    f"casey-rec-{n}"
                    for n in (
                        "1-rape-law",
                        "2-police-operation-and-inquiry",
                        "3-victims-convictions",
                        "4-ethnicity-data",
                        "11-taxi-licensing",
                    )
                ),
                *(
                    f"casey-item-{n}"
                    for n in (
                        "5-information-sharing",
                        "6-child-identifier",
                        "7-police-systems",
                        "8-serious-organised-crime",
                        "9-child-protection-data-review",
                        "10-research-drivers",
                    )
                ),
            },
        ),
        (
            {"announced_before": "2025-01-10"},
            {
                "mandatory-reporting-duty",
                "victims-survivors-panel",
                "grooming-aggravating-factor",
                "data-collection-43-forces",
                "cse-police-taskforce-funding",
            },
        ),
        (
            {"has_funding": "true", "theme": "inquiries"},
            {"casey-national-audit", "local-inquiries-fund", "national-statutory-inquiry"},
        ),
    ],
)
def test_each_filter(client, curated, params, expected):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert set(slugs(response)) == expected


def test_has_funding_false_is_the_complement(client, curated):
    with_money = set(slugs(client.get(LIST, {"has_funding": "true"})))
    without = set(slugs(client.get(LIST, {"has_funding": "false"})))
    assert with_money.isdisjoint(without)
    assert len(with_money | without) == Commitment.objects.published().count()


def test_as_of_hides_what_was_not_yet_on_record(client, curated):
    response = client.get(LIST, {"as_of": "2025-03-01"})
    assert "national-statutory-inquiry" not in slugs(response)
    casey = next(c for c in response.context["commitments"] if c.slug == "casey-national-audit")
    assert casey.state.status == Status.IN_PROGRESS
    assert response.context["filter"].as_of_date == datetime.date(2025, 3, 1)
    assert "as it stood on 1 March 2025" in visible_text(response)


def test_sort_by_title_puts_a_timetable_first(client, curated):
    order = slugs(client.get(LIST, {"sort": "title"}))
    assert len(order) == Commitment.objects.published().count()
    assert order[:2] == ["child-protection-authority", "iicsa-timetable-by-easter"]  # "A …"


# sort parameter: (the value it orders by, latest first?)
SORT_KEYS = {
    "-updated": ("last_evidence_on", True),
    "deadline": ("deadline", False),
    "-deadline": ("deadline", True),
    "since": ("status_since", False),
    "-since": ("status_since", True),
    "announced": ("announced_on", False),
    "-announced": ("announced_on", True),
}


@pytest.mark.parametrize("sort", list(SORT_KEYS))
def test_each_sort_orders_every_row_by_its_key_with_blanks_last(client, curated, sort):
    attribute, descending = SORT_KEYS[sort]
    commitments = client.get(LIST, {"sort": sort}).context["commitments"]
    assert len(commitments) == Commitment.objects.published().count()
    values = [getattr(c, attribute) for c in commitments]
    given = [v for v in values if v is not None]
    assert given
    assert values == given + [None] * (len(values) - len(given))  # blanks last
    assert given == sorted(given, reverse=descending)
    for earlier, later in itertools.pairwise(commitments):  # ties broken by title
        if getattr(earlier, attribute) == getattr(later, attribute):
            assert earlier.title.casefold() <= later.title.casefold()


def test_search_finds_words_in_pledges_timelines_and_sources(client, curated):
    by_pledge = slugs(client.get(LIST, {"q": "Crowther"}))
    assert "local-inquiries-fund" in by_pledge
    by_timeline = slugs(client.get(LIST, {"q": "Beaconport"}))
    assert "nfa-cases-reexamination" in by_timeline
    nothing = client.get(LIST, {"q": "zebrafish"})
    assert nothing.status_code == 200
    assert slugs(nothing) == []
    assert "0 commitments match" in visible_text(nothing)


def test_search_ranks_a_commitments_own_words_first(client, curated):
    if connection.vendor != "postgresql":
        pytest.skip("ranking needs PostgreSQL full-text search")
    order = slugs(client.get(LIST, {"q": "audit"}))
    assert order[0] == "casey-national-audit"


def test_search_uses_the_gin_indexes_on_postgresql(client, curated):
    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes exist on PostgreSQL only")
    from commitments.models import Announcement
    from sources.search import StoredDocument, query_for

    query = query_for("Beaconport")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table would be scanned anyway
        try:
            for model, index in [
                (Commitment, "commitments_commitment_search"),
                (Announcement, "commitments_announcement_search"),
                (SourceDocument, "sources_source_search"),
            ]:
                plan = model.objects.annotate(d=StoredDocument()).filter(d=query).explain()
                assert index in plan, plan
        finally:
            cursor.execute("SET enable_seqscan = on")


def test_the_stored_search_document_follows_edits(curated):
    if connection.vendor != "postgresql":
        pytest.skip("the stored document exists on PostgreSQL only")
    from commitments.search import search_commitments

    commitment = Commitment.objects.get(slug="toex-programme")
    assert not search_commitments(Commitment.objects.all(), "zebrafish").exists()
    commitment.summary = "Now about zebrafish."
    commitment.save()
    found = search_commitments(Commitment.objects.all(), "zebrafish")
    assert list(found.values_list("slug", flat=True)) == ["toex-programme"]


def test_pagination_keeps_the_filters(client):
    for i in range(55):
        commitment = published_commitment(title=f"Item {i:02d}", theme="policing")
        event(commitment, datetime.date(2025, 1, 1), new_status=Status.ANNOUNCED)
    response = client.get(LIST, {"theme": "policing", "sort": "title", "utm_source": "x"})
    html = response.content.decode()
    # The filters in the page's own (sorted) order; a parameter the page does not take is not.
    assert re.search(r'href="\?sort=title&amp;theme=policing&amp;page=2" rel="next"', html)
    second = client.get(LIST, {"theme": "policing", "sort": "title", "page": 2})
    assert [c.title for c in second.context["commitments"]] == [
        f"Item {i:02d}" for i in range(50, 55)
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "bogus"}, "bogus is not one of the available choices"),
        ({"theme": "nope"}, "Select a valid choice"),
        ({"announced_after": "2025-02-30"}, "Enter a valid date"),
        (
            {"announced_after": "2025-06-01", "announced_before": "2025-01-01"},
            "must be on or before",
        ),
        ({"overdue": "maybe"}, "Select a valid choice"),
        ({"sort": "relevance"}, "needs a search"),
        ({"sort": "; DROP TABLE"}, "Select a valid choice"),
    ],
)
def test_invalid_filters_are_a_400_with_a_message(client, curated, params, message):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert "could not be applied" in visible_text(response)


@pytest.mark.parametrize("page", ["9999", "0", "-1", "abc"])
def test_a_page_that_does_not_exist_is_a_message(client, curated, page):
    response = client.get(LIST, {"page": page})
    assert response.status_code == 404
    assert f"There is no page {page}" in visible_text(response)


# -- as_of on every page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", LIST, "/commitments/casey-national-audit/", "/funding/", "/sources/", "/methodology/"],
)
def test_every_page_accepts_as_of_and_rejects_a_bad_one(client, curated, path):
    good = client.get(path, {"as_of": "2025-07-01"})
    assert good.status_code == 200
    assert "as it stood on 1 July 2025" in visible_text(good)
    for bad, why in [("2025-13-01", "is not a date"), ("soon", "is not a date"),
                     ("2999-01-01", "is in the future")]:  # fmt: skip
        response = client.get(path, {"as_of": bad})
        assert response.status_code == 400
        assert why in visible_text(response)


def test_links_keep_the_as_of_date(client, curated):
    html = client.get("/", {"as_of": "2025-07-01"}).content.decode()
    links = re.findall(r'href="(/commitments/[a-z0-9-]+/[^"]*)"', html)
    assert links
    assert all("as_of=2025-07-01" in link for link in links)
    detail = client.get("/commitments/casey-national-audit/", {"as_of": "2025-07-01"})
    sources = re.findall(r'href="(/sources/\d+/[^"]*)"', detail.content.decode())
    assert sources
    assert all("as_of=2025-07-01#citation-" in link for link in sources)


def test_a_commitment_not_yet_on_record_is_not_found_as_of_then(client, curated):
    path = "/commitments/national-statutory-inquiry/"
    assert client.get(path).status_code == 200
    assert client.get(path, {"as_of": "2025-03-01"}).status_code == 404


# -- detail, dashboard, money, methodology ----------------------------------------------------


def test_detail_shows_every_deadline_revision_and_how_to_cite(client, curated):
    response = client.get("/commitments/local-inquiries-fund/")
    text = visible_text(response)
    assert "Set on 19 March 2025: 20 April 2025 (“before Easter”)" in text
    assert "Revised on 9 April 2025: 31 May 2025 (“due to be published next month”)" in text
    assert "Stalled since 17 June 2025" in text  # Oldham's inquiry was dropped, not the fund
    assert "is related to National statutory inquiry into grooming gangs" in text
    assert "Permanent address: http://testserver/commitments/local-inquiries-fund/" in text


def test_detail_flags_the_figure_that_may_overlap_another(client, curated):
    text = visible_text(client.get("/commitments/nfa-cases-reexamination/"))
    assert "£2,000,000 announced for additional funding for the taskforce and the panel" in text
    assert "May overlap another figure: not added to totals" in text
    assert "Sources disagree on this figure" not in text  # not asserted to be the same money
    assert "Part of £10,000,000 for the action plan" in text


def test_dashboard(client, curated):
    response = client.get("/")
    text = visible_text(response)
    counts = {row["status"].value: row["count"] for row in response.context["by_status"]}
    assert counts["delivered"] == 2
    assert counts["superseded"] == 0
    assert sum(counts.values()) == response.context["total"] == 34
    assert "National statutory inquiry into grooming gangs: deadline 31 March 2026" in text
    assert "No figures disagree." in text
    stale = [c.slug for c in response.context["stale"]]
    assert "undercover-online-network" in stale
    assert "casey-national-audit" not in stale  # delivered: not waiting for news
    money = {row["stage"].value: row["total"] for row in response.context["money"]}
    # £10m plan + £11m + £5m CAID + £6.5m TOEX + £65m inquiry + £426,000 + £50m Child House,
    # counted once each; the £10m's parts, other sources' figures for the same money and the
    # £2m that may overlap them are not added again.
    assert (
        money["announced"]
        == 10_000_000
        + 11_000_000
        + 5_000_000
        + 6_500_000
        + 65_000_000
        + 426_000
        + 5_000_000
        + 2_500_000
        + 2_500_000
        + 50_000_000
    )


def test_dashboard_as_of_before_anything_happened(client, curated):
    response = client.get("/", {"as_of": "2024-12-31"})
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert "Nothing on record yet." in visible_text(response)


def test_funding_page(client, curated):
    response = client.get("/funding/")
    text = visible_text(response)
    assert response.context["line_count"] == 17
    assert "£2,000,000 may overlap another figure Announced 17 Jan 2025" in text
    assert "Every sum that is split into parts adds up." in text
    assert len(response.context["disagreements"]) == 0


def test_funding_page_flags_parts_that_do_not_add_up(client):
    from tests.commitments.factories import CitationFactory, FundingLineFactory

    commitment = published_commitment(title="Package")
    event(commitment, datetime.date(2025, 1, 1), new_status=Status.ANNOUNCED)
    whole = FundingLineFactory(commitment=commitment, amount=10_000_000, purpose="the package")
    part = FundingLineFactory(commitment=commitment, amount=4_000_000, parent=whole)
    for line in (whole, part):
        CitationFactory(commitment=commitment, funding_line=line)
    response = client.get("/funding/")
    assert [line.pk for line in response.context["not_adding_up"]] == [whole.pk]
    assert "its parts add up to £4,000,000" in visible_text(response)


def test_methodology_defines_every_status_and_the_rules(client):
    text = visible_text(client.get("/methodology/"))
    for status in Status:
        assert status.label in text
    assert "latest announcement dated on or before that date" in text
    assert "overdue" in text
    assert "last evidence" in text
    assert "appears in the stored text" in text


# -- sources --------------------------------------------------------------------------------


def test_sources_list_filters_and_searches_the_stored_text(client, curated):
    response = client.get("/sources/", {"kind": "written_answer"})
    assert response.status_code == 200
    assert all(s.kind == "written_answer" for s in response.context["sources"])
    found = client.get("/sources/", {"q": "Beaconport"})
    titles = [s.title for s in found.context["sources"]]
    assert "Group-based Child Sexual Exploitation and Abuse" in titles
    dated = client.get("/sources/", {"published_after": "2026-01-01"})
    assert all(s.published_on >= datetime.date(2026, 1, 1) for s in dated.context["sources"])
    assert client.get("/sources/", {"published_after": "x"}).status_code == 400
    early = client.get("/sources/", {"as_of": "2025-01-31"})
    assert all(
        s.published_on is None or s.published_on <= datetime.date(2025, 1, 31)
        for s in early.context["sources"]
    )


def test_source_page_highlights_each_cited_passage_and_lists_its_claims(client, curated):
    source = SourceDocument.objects.get(uin="62612")
    response = client.get(source.get_absolute_url())
    html = response.content.decode()
    passages = response.context["passages"]
    assert len(passages) >= 2
    for citation in source.citations.all():
        assert f'id="citation-{citation.pk}"' in html
    marked = re.findall(r'<mark class="cited">(.*?)</mark>', html, re.S)
    assert any("On 16 June the Government accepted all 12" in piece for piece in marked)
    assert "supports: the announcement of 16 June 2025 of Baroness Casey" in visible_text(response)


def test_source_page_hides_claims_of_unpublished_commitments_and_later_claims(client, curated):
    source = SourceDocument.objects.get(uin="62612")
    hidden = CommitmentFactory(title="Draft, not public")  # no pledge citation
    from tests.commitments.factories import AnnouncementFactory, CitationFactory

    draft_event = AnnouncementFactory(commitment=hidden, new_status=Status.ANNOUNCED)
    CitationFactory(
        commitment=hidden, announcement=draft_event, source=source, quote="more than 800 cases"
    )
    text = visible_text(client.get(source.get_absolute_url()))
    assert "Draft, not public" not in text
    early = client.get(source.get_absolute_url(), {"as_of": "2025-06-30"})
    assert early.context["passages"] == []
    assert "No claim on record cites this source as of 30 June 2025" in visible_text(early)


def test_healthz(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize(
    "path",
    ["/", LIST, "/commitments/casey-national-audit/", "/funding/", "/sources/", "/methodology/"],
)
def test_pages_have_a_plain_title_and_unique_ids(client, curated, path):
    html = client.get(path).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title
    assert title.endswith("Grooming-gangs commitments tracker")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_one_result_matches_in_the_singular(client, curated):
    response = client.get(LIST, {"status": "partly_delivered"})
    assert slugs(response) == ["iicsa-timetable-by-easter"]
    assert "1 commitment matches these filters" in visible_text(response)


def test_the_filter_panel_folds_away_once_filters_are_applied(client, curated):
    unfiltered = client.get(LIST).content.decode()
    assert '<details class="filters__panel" open>' in unfiltered
    filtered = client.get(LIST, {"status": "delivered"}).content.decode()
    assert '<details class="filters__panel">' in filtered
    assert "filters applied" in filtered
    wrong = client.get(LIST, {"announced_after": "not a date"}).content.decode()
    assert '<details class="filters__panel" open>' in wrong  # errors keep it open


def test_each_commitment_has_a_social_preview_card(client, curated):
    page = client.get("/commitments/casey-national-audit/").content.decode()
    assert '<meta property="og:title" content="Baroness Casey&#x27;s rapid national audit' in page
    assert 'content="Delivered since 16 June 2025, 16 days late.' in page
    assert (
        '<meta property="og:url" content="http://testserver/commitments/casey-national-audit/">'
        in page
    )


def test_search_results_show_where_the_words_are(client, curated):
    response = client.get(LIST, {"q": "Crowther"})
    fund = next(c for c in response.context["commitments"] if c.slug == "local-inquiries-fund")
    assert ("Crowther", True) in fund.snippet
    page = response.content.decode()
    assert "<mark>Crowther</mark>" in page
    plural = client.get(LIST, {"q": "inquiries"}).context["commitments"]
    assert any(
        piece.casefold().startswith("inquir") for c in plural for piece, m in c.snippet if m
    )
    assert "<mark>" not in client.get(LIST).content.decode()  # no search, no marks


def test_postgresql_marks_the_words_its_own_search_matched(client, curated):
    """On PostgreSQL the snippet is ts_headline's, with the search's own stemming: a search for
    "delivering" finds and marks "delivered", which a search for the letters would miss."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("ts_headline is PostgreSQL's")
    found = client.get(LIST, {"q": "delivering"})
    marked = {piece for c in found.context["commitments"] for piece, m in c.snippet if m}
    assert marked
    assert all(word.casefold().startswith("deliver") for word in marked)
    assert any(word.casefold() != "delivering" for word in marked)
    page = found.content.decode()
    assert "<mark>" in page
    assert "\ue000" not in page
    assert "\ue001" not in page


def test_a_headline_is_cut_into_marked_pieces():
    from commitments.search import START, STOP, pieces

    headline = f"The {START}audit{STOP} was <b>published</b>; the {START}audits{STOP}"
    assert pieces(headline) == [
        ("…", False), ("The ", False), ("audit", True), (" was <b>published</b>; the ", False),
        ("audits", True), ("…", False),
    ]  # fmt: skip
    assert pieces("nothing marked") == []
    assert pieces("") == []


def test_a_source_reached_from_a_search_marks_the_searched_words(client, curated):
    listing = client.get("/sources/", {"q": "accepted"})
    source = SourceDocument.objects.get(uin="62612")
    assert source in listing.context["sources"]
    link = f"{source.get_absolute_url()}?q=accepted"
    assert f'href="{link}"' in listing.content.decode()

    response = client.get(link)
    html = response.content.decode()
    searched = re.findall(r'<mark class="searched">(.*?)</mark>', html, re.S)
    assert searched
    assert all(word.casefold().startswith("accept") for word in searched)
    assert len(searched) == len(re.findall(r"\baccept\w*", source.text, re.IGNORECASE))
    # Inside a cited passage the searched word is marked within the citation's mark.
    assert '<mark class="cited"><mark class="searched">accepted</mark></mark>' in html
    assert f"{len(searched)} place" in visible_text(response)

    plain = client.get(source.get_absolute_url()).content.decode()
    assert 'class="searched"' not in plain
    missing = client.get(source.get_absolute_url(), {"q": "zzzqqq"}).content.decode()
    assert 'class="searched"' not in missing
    assert "are not in this text" in missing
