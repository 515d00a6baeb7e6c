"""The JSON API and the Atom feeds, read as a script and a feed reader would."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from sources.models import SourceDocument
from tests.commitments.test_exports import CASEY_ON_2025_12_31

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_commitment_list_uses_the_csv_names_and_the_list_filters(client, curated):
    response = client.get("/api/commitments/", {"status": ["delivered", "superseded"]})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2  # the audit and the limitation period; nothing superseded
    assert data["pages"] == 1
    assert data["next"] is None
    assert set(data["results"][0]) == set(CASEY_ON_2025_12_31)  # the CSV's column names
    page = client.get("/commitments/", {"status": ["delivered", "superseded"]})
    assert [r["slug"] for r in data["results"]] == [c.slug for c in page.context["commitments"]]
    casey = next(r for r in data["results"] if r["slug"] == "casey-national-audit")
    assert casey["status"] == "delivered"
    assert casey["is_overdue"] is False
    assert casey["deadline"] == "2025-05-31"
    assert casey["money_total"] == "2500000.00"  # exact, never a float (issue 11)


def test_commitment_detail_has_timeline_money_and_citations(client, curated):
    data = client.get("/api/commitments/nfa-cases-reexamination/").json()
    assert [e["date"] for e in data["timeline"]] == sorted(e["date"] for e in data["timeline"])
    for part, dataset in [("timeline", "announcements"), ("funding", "funding"),
                          ("citations", "citations")]:  # fmt: skip
        exported = client.get(f"/export/{dataset}.csv").streaming_content
        header = next(csv.reader(io.StringIO(b"".join(exported).decode("utf-8-sig"))))
        assert {len(row) for row in data[part]} == {len(header)}
        assert list(data[part][0]) == header  # the same names, in the same order
    two = next(f for f in data["funding"] if f["amount"] == "2000000.00")
    assert two["may_overlap"] is True  # not asserted to be the same money (review E6)
    assert two["counted_in_totals"] is False
    assert any(c["claim"] == "pledge" for c in data["citations"])


def test_as_of_applies_to_the_api(client, curated):
    data = client.get("/api/commitments/casey-national-audit/", {"as_of": "2025-03-01"}).json()
    assert data["status"] == "in_progress"
    assert max(e["date"] for e in data["timeline"]) <= "2025-03-01"
    gone = client.get("/api/commitments/national-statutory-inquiry/", {"as_of": "2025-03-01"})
    assert gone.status_code == 404


def test_sources_api(client, curated):
    data = client.get("/api/sources/", {"kind": "oral_statement"}).json()
    assert data["count"] == SourceDocument.objects.filter(kind="oral_statement").count() > 5
    exported = client.get("/export/sources.csv").streaming_content
    header = next(csv.reader(io.StringIO(b"".join(exported).decode("utf-8-sig"))))
    assert list(data["results"][0]) == header
    one = client.get(f"/api/sources/{data['results'][0]['id']}/").json()
    assert one["text"]
    assert one["sha256"] == data["results"][0]["sha256"]
    for citation in one["citations"]:
        assert citation["source_id"] == one["id"]


def test_api_errors_are_json(client, curated):
    bad = client.get("/api/commitments/", {"status": "bogus"})
    assert bad.status_code == 400
    assert "status" in bad.json()["fields"]
    assert client.get("/api/commitments/", {"page": "99"}).status_code == 404
    assert client.get("/api/commitments/no-such-thing/").status_code == 404


def test_api_pages_link_to_each_other(client):
    from tests.commitments.factories import bulk_published

    bulk_published(60)
    first = client.get("/api/commitments/", {"theme": "policing"}).json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert "page=2" in first["next"]
    assert "theme=policing" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10
    assert second["previous"] is not None


def test_feeds_parse_as_atom_with_status_changes_and_source_links(client, curated):
    response = client.get("/feeds/updates.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 50
    newest = next(
        e for e in entries[:5]
        if "Mandatory duty to report child sexual abuse" in e.find(f"{ATOM}title").text
    )  # fmt: skip
    summary = newest.find(f"{ATOM}summary").text
    assert "Source:" in summary
    assert "https://www.gov.uk/" in summary
    casey = ET.fromstring(client.get("/feeds/commitments/casey-national-audit.atom").content)
    titles = [e.find(f"{ATOM}title").text for e in casey.findall(f"{ATOM}entry")]
    assert len(titles) == 6
    delivered = next(
        e for e in casey.findall(f"{ATOM}entry") if "Delivered" in e.find(f"{ATOM}title").text
    )
    assert "Status: Delivered." in delivered.find(f"{ATOM}summary").text
    link = delivered.find(f"{ATOM}link").attrib["href"]
    assert link.startswith("http://testserver/commitments/casey-national-audit/#event-")


def test_pages_link_to_their_feeds(client, curated):
    home = client.get("/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in home
    detail = client.get("/commitments/casey-national-audit/").content.decode()
    assert 'href="/feeds/commitments/casey-national-audit.atom"' in detail
    assert client.get("/feeds/commitments/no-such.atom").status_code == 404
