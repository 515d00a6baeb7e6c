"""Whole-page caching: a page is served from the cache until the data or the date changes."""

import datetime

import pytest
from django.core.cache import cache

from commitments.models import DataVersion, Status
from sources.models import SourceDocument
from tests.commitments.factories import event, published_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commitment():
    commitment = published_commitment(title="Casey audit", slug="casey")
    event(commitment, datetime.date(2025, 1, 16), new_status=Status.ANNOUNCED)
    return commitment


def test_second_request_is_a_cache_hit_with_one_query(
    client, commitment, django_assert_num_queries
):
    first = client.get("/commitments/casey/")
    assert first.status_code == 200
    assert "X-Page-Cache" not in first
    with django_assert_num_queries(3):  # savepoint, the data version, release
        second = client.get("/commitments/casey/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_any_change_to_public_data_shows_at_once(client, commitment):
    client.get("/commitments/casey/")
    before = DataVersion.current()
    commitment.title = "Baroness Casey's audit"
    commitment.save()
    assert DataVersion.current() > before
    response = client.get("/commitments/casey/")
    assert "X-Page-Cache" not in response
    assert "Baroness Casey&#x27;s audit" in response.content.decode()
    client.get("/commitments/")
    event(commitment, datetime.date(2025, 6, 16), new_status=Status.DELIVERED)
    assert "Delivered" in client.get("/commitments/").content.decode()


def test_the_address_and_the_date_are_part_of_the_key(client, commitment):
    client.get("/commitments/casey/")
    other = client.get("/commitments/casey/", {"as_of": "2025-02-01"})
    assert "X-Page-Cache" not in other
    assert "as it stood on 1 February 2025" in other.content.decode()


def test_errors_are_not_cached(client, commitment):
    assert client.get("/commitments/", {"status": "bogus"}).status_code == 400
    again = client.get("/commitments/", {"status": "bogus"})
    assert again.status_code == 400
    assert "X-Page-Cache" not in again


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("/commitments/", "/commitments/?utm_source=newsletter&utm_campaign=x7Q2"),
        ("/commitments/?theme=policing&sort=title", "/commitments/?sort=title&theme=policing"),
        ("/commitments/?theme=policing", "/commitments/?theme=policing&fbclid=9f8e7d"),
        ("/commitments/casey/", "/commitments/casey/?nocache=0.123456"),
        ("/sources/?kind=news_report", "/sources/?gclid=abc&kind=news_report"),
        ("/", "/?ref=home&_=1701"),
    ],
)
def test_unknown_and_reordered_parameters_hit_the_same_entry(client, commitment, first, then):
    """A cache-buster or a tracking parameter cannot make a worker render the page again."""
    original = client.get(first)
    assert original.status_code == 200
    assert "X-Page-Cache" not in original
    again = client.get(then)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == original.content


def test_parameters_a_page_takes_still_make_their_own_entries(client, commitment):
    client.get("/commitments/")
    filtered = client.get("/commitments/", {"theme": "policing", "utm_source": "x"})
    assert "X-Page-Cache" not in filtered
    assert filtered.context["filter"].form.cleaned_data["theme"] == "policing"
    assert "utm_source" not in filtered.content.decode()
    source = SourceDocument.objects.first()
    assert client.get(f"/sources/{source.pk}/").status_code == 200
    searched = client.get(f"/sources/{source.pk}/", {"q": "audit", "utm_source": "x"})
    assert searched.status_code == 200
    assert "X-Page-Cache" not in searched


def test_a_dropped_parameter_is_dropped_with_the_cache_off_too(client, commitment, settings):
    """The page is the same whether it came from the cache or not: no link carries the
    parameter on, with or without the cache."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    for i in range(55):
        listed = published_commitment(title=f"Item {i:02d}")
        event(listed, datetime.date(2025, 1, 1), new_status=Status.ANNOUNCED)
    html = client.get("/commitments/", {"utm_source": "mail", "sort": "title"}).content.decode()
    assert 'href="?sort=title&amp;page=2"' in html
    assert "utm_source" not in html
