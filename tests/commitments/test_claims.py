"""The government's claim beside the tracker's verdict, and how firmly it committed: derived
from cited events like the status, shown on the pages, filterable, in the CSVs and the API."""

import csv
import datetime
import io

import pytest

from commitments.models import Commitment, Firmness, Status
from tests.commitments.factories import QUOTE, event, published_commitment
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db
D = datetime.date
CLAIM = "The Government has delivered on its commitment to publish a clear timetable"
VERDICT = "The update lists work under way but gives no dates for most recommendations"


@pytest.fixture
def contested():
    """A commitment the government says is delivered; the evidence says in progress."""
    commitment = published_commitment(slug="timetable", title="A timetable by Easter")
    said = SourceDocumentFactory(
        title="Government statement", provenance="primary", text=f"{QUOTE} {CLAIM}. More."
    )
    found = SourceDocumentFactory(
        title="Our reading", provenance="secondary", text=f"{QUOTE} {VERDICT}. End."
    )
    event(commitment, D(2025, 1, 16), new_status=Status.ANNOUNCED,
          new_firmness=Firmness.ACCEPTED_IN_FULL)  # fmt: skip
    claim = event(commitment, D(2025, 4, 9), claimed_status=Status.DELIVERED, source=said,
                  summary="The government says its update is delivered.")  # fmt: skip
    claim.citations.update(quote=CLAIM)
    verdict = event(commitment, D(2025, 4, 10), new_status=Status.IN_PROGRESS, source=found,
                    summary="The update gives no dates for most recommendations.")  # fmt: skip
    verdict.citations.update(quote=VERDICT)
    return commitment


@pytest.fixture
def plain():
    commitment = published_commitment(slug="plain", title="Plain")
    event(commitment, D(2025, 1, 16), new_status=Status.DELIVERED, kind="delivered",
          claimed_status=Status.DELIVERED)  # fmt: skip
    return commitment


def test_the_verdict_sets_the_status_and_the_claim_is_kept_beside_it(contested, plain):
    rows = {c.slug: c for c in Commitment.objects.as_of(D(2025, 5, 1))}
    row = rows["timetable"]
    assert (row.status, row.claimed_status, row.claimed_on) == (
        Status.IN_PROGRESS, Status.DELIVERED, D(2025, 4, 9),
    )  # fmt: skip
    assert row.claims_more
    assert row.state.claims_more
    assert row.state.claim_differs
    assert row.firmness == Firmness.ACCEPTED_IN_FULL
    assert not rows["plain"].claims_more  # the claim and the verdict agree
    before = Commitment.objects.as_of(D(2025, 4, 9)).get(slug="timetable")
    assert before.status == Status.ANNOUNCED  # the claim came a day before the verdict
    assert before.claims_more
    earlier = Commitment.objects.as_of(D(2025, 2, 1)).get(slug="timetable")
    assert earlier.claimed_status is None
    assert not earlier.claims_more


def test_the_page_shows_what_the_government_says_and_our_assessment(client, contested):
    page = client.get("/commitments/timetable/?as_of=2025-05-01").content.decode()
    says = page.index("The government says:</strong> delivered")
    ours = page.index("Our assessment:</strong> in progress")
    assert says < ours
    assert f"“{CLAIM}”" in page[says:ours]  # its own words, cited, between the two
    assert "The government's claim goes further than the evidence shows." in page
    assert "How firmly the government committed: <strong>accepted in full</strong>" in page
    assert "primary source</a>" in page
    assert "secondary source</a>" in page


def test_a_commitment_whose_claim_matches_shows_no_claim_box(client, plain):
    page = client.get("/commitments/plain/").content.decode()
    assert "The government says:" not in page
    assert "How firmly the government committed: not stated in the sources on record" in page


def test_the_list_filters_on_claims_more_and_on_firmness(client, contested, plain):
    def slugs(params):
        response = client.get("/commitments/", params)
        assert response.status_code == 200
        return sorted(c.slug for c in response.context["commitments"])

    assert slugs({"claims_more": "true"}) == ["timetable"]
    assert slugs({"claims_more": "false"}) == ["plain"]
    assert slugs({"firmness": "accepted_in_full"}) == ["timetable"]
    assert slugs({"firmness": "not_stated"}) == ["plain"]
    assert slugs({"firmness": ["not_stated", "accepted_in_full"]}) == ["plain", "timetable"]
    assert client.get("/commitments/", {"claims_more": "maybe"}).status_code == 400
    assert client.get("/commitments/", {"firmness": "promised"}).status_code == 400
    listed = client.get("/commitments/", {"as_of": "2025-05-01"}).content.decode()
    assert "The government says: delivered" in listed


def test_the_csv_and_the_api_carry_claim_verdict_and_firmness(client, contested, plain):
    response = client.get("/export/commitments.csv", {"as_of": "2025-05-01"})
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(raw))}
    row = rows["timetable"]
    assert (row["status"], row["government_claim"], row["government_claim_on"]) == (
        "in_progress", "delivered", "2025-04-09",
    )  # fmt: skip
    assert (row["claims_more_than_evidence"], row["firmness"]) == ("true", "accepted_in_full")
    assert rows["plain"]["claims_more_than_evidence"] == "false"
    assert rows["plain"]["firmness"] == ""
    only = client.get("/export/commitments.csv", {"claims_more": "true"})
    raw = b"".join(only.streaming_content).decode("utf-8-sig")
    assert [r["slug"] for r in csv.DictReader(io.StringIO(raw))] == ["timetable"]
    history = client.get("/export/announcements.csv", {"q": "", "as_of": "2025-05-01"})
    raw = b"".join(history.streaming_content).decode("utf-8-sig")
    events = [r for r in csv.DictReader(io.StringIO(raw)) if r["commitment_slug"] == "timetable"]
    assert [(e["date"], e["firmness"], e["government_claim"]) for e in events] == [
        ("2025-01-16", "accepted_in_full", ""),
        ("2025-04-09", "", "delivered"),
        ("2025-04-10", "", ""),
    ]
    data = client.get("/api/commitments/timetable/", {"as_of": "2025-05-01"}).json()
    assert (data["government_claim"], data["claims_more_than_evidence"], data["firmness"]) == (
        "delivered", True, "accepted_in_full",
    )  # fmt: skip
    listing = client.get("/api/commitments/", {"claims_more": "true"}).json()
    assert [r["slug"] for r in listing["results"]] == ["timetable"]


def test_the_methodology_explains_provenance_claims_and_firmness(client):
    page = client.get("/methodology/").content.decode()
    for anchor in ('id="provenance"', 'id="claims"', 'id="firmness"'):
        assert anchor in page
    assert "Primary, via a mirror" in page
    assert "<code>claims_more_than_evidence</code>" in page
    for firmness in Firmness:
        assert firmness.label in page


def test_the_citation_level_links_to_its_explanation(client, contested):
    page = client.get("/commitments/timetable/").content.decode()
    assert (
        'class="tag tag--secondary" href="/methodology/#provenance">secondary source</a>' in page
    )
