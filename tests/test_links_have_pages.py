"""What is listed is exactly what has a page (issue 11): on any date, every commitment that the
home page, the list, the API, the CSVs or (today) the feeds name answers 200 on its page for
that date, every commitment they all leave out answers 404, and the list, the API and the CSV
name the same ones."""

import csv
import datetime
import io
import os
import re

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.models import Commitment

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="/commitments/([a-z0-9-]+)/[?#"]')
FEED_LINK = re.compile(r'href="[^"]*/commitments/([a-z0-9-]+)/[#"]')


def linked_from_html(client, url, params) -> set[str]:
    return set(LINK.findall(client.get(url, params).content.decode()))


def csv_column(client, url, params, column) -> set[str]:
    body = b"".join(client.get(url, params).streaming_content).decode("utf-8-sig")
    return {row[column] for row in csv.DictReader(io.StringIO(body))}


def has_page(client, slug, params) -> bool:
    status = client.get(f"/commitments/{slug}/", params).status_code
    assert status in (200, 404), (slug, params, status)
    return status == 200


@settings(
    max_examples=8 if os.environ.get("CI") else 20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(day=st.dates(datetime.date(2024, 6, 1), timezone.localdate()))
def test_every_listed_commitment_has_a_page_and_nothing_else_does(curated, day):
    client = Client()
    params = {"as_of": day.isoformat()}
    with_pages = {
        slug
        for slug in Commitment.objects.values_list("slug", flat=True)
        if has_page(client, slug, params)
    }
    listed = linked_from_html(client, "/commitments/", params)
    api = {row["slug"] for row in client.get("/api/commitments/", params).json()["results"]}
    exported = csv_column(client, "/export/commitments.csv", params, "slug")
    assert listed == api == exported == with_pages, day
    assert linked_from_html(client, "/", params) <= with_pages
    assert csv_column(client, "/export/announcements.csv", params, "commitment_slug") <= with_pages
    assert csv_column(client, "/export/funding.csv", params, "commitment_slug") <= with_pages
    if day == timezone.localdate():
        feed = client.get("/feeds/updates.atom").content.decode()
        assert set(FEED_LINK.findall(feed)) <= with_pages
