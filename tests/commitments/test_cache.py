"""Whole-page caching: a page is served from the cache until the data or the date changes."""

import datetime

import pytest
from django.core.cache import cache

from commitments.models import DataVersion, Status
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
