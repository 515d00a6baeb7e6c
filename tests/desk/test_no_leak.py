"""Nothing a draft contains reaches the public: every public URL the project routes, for every
commitment and source and at every as_of date that matters, is swept for a draft's words."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from commitments.exports import DATASETS
from commitments.models import Commitment, Status
from desk.models import Draft, DraftState
from sources.models import SourceDocument
from tests.commitments.factories import CommitmentFactory, event, published_commitment
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db
MARK = "Zqxdraftword"


def routes(resolver=None, prefix=""):
    """Every URL pattern of the site outside the admin, as (route, converters)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin" or route.startswith("admin"):
                continue
            yield from routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.pattern.converters


def fill(route: str, converters) -> list[str]:
    """The route for every value its parameters can take in the database."""
    values = {
        "slug": list(Commitment.objects.values_list("slug", flat=True)),
        "pk": [str(pk) for pk in SourceDocument.objects.values_list("pk", flat=True)],
        "dataset": list(DATASETS),
    }
    urls = ["/" + route.replace("^", "").replace("$", "")]
    for name in converters:
        options = values[name]  # a new kind of parameter must be added here, or this fails
        urls = [
            url.replace(f"<{kind}:{name}>", value)
            for url in urls
            for value in options
            for kind in ("slug", "int", "str")
            if f"<{kind}:{name}>" in url
        ]
    return urls


@pytest.fixture
def drafts(editor, reviewer):
    source = SourceDocumentFactory(text="The inquiry was formally established in March.")
    shown = published_commitment(title="Shown")
    event(shown, datetime.date(2025, 6, 16), new_status=Status.IN_PROGRESS)
    unpublished = CommitmentFactory(title="Not public yet")
    fields = {
        "kind": "delivered",
        "new_status": Status.DELIVERED,
        "new_deadline": "2026-05-01",
        "deadline_wording": f"{MARK} wording",
        "summary": f"{MARK} summary",
        "note": f"{MARK} note",
    }
    cited = [{"source": source.pk, "quote": "formally established", "locator": MARK}]
    made = []
    for commitment in (shown, unpublished):
        for state, day in (
            (DraftState.PENDING, "2026-03-03"),
            (DraftState.SENT_BACK, "2025-01-01"),
        ):
            draft = Draft.objects.create(
                commitment=commitment,
                announcement={**fields, "date": day},
                citations=cited,
                author=editor,
            )
            if state == DraftState.SENT_BACK:
                Draft.objects.filter(pk=draft.pk).update(state=state, reviewer=reviewer)
            made.append(draft)
    return made


def workbook_text(raw: bytes) -> str:
    """Every cell of an .xlsx export, as text, so the sweep reads workbooks as it reads CSVs."""
    sheet = load_workbook(io.BytesIO(raw), read_only=True).active
    return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_no_public_url_shows_anything_of_a_draft(drafts):
    assert Draft.objects.count() == 4
    dates = ["", "2024-12-31", "2025-01-01", "2025-06-16", "2026-03-03", "2026-05-02"]
    client = Client()
    swept = 0
    for route, converters in routes():
        for url in fill(route, converters):
            for as_of in dates:
                response = client.get(url, {"as_of": as_of} if as_of else {})
                raw = (
                    b"".join(response.streaming_content)
                    if response.streaming
                    else response.content
                )
                body = workbook_text(raw) if raw.startswith(b"PK") else raw.decode()
                assert MARK.lower() not in body.lower(), (url, as_of)
                assert response.status_code in (200, 404), (url, as_of, response.status_code)
                swept += 1
    not_public = Commitment.objects.get(title="Not public yet")
    assert Client().get(not_public.get_absolute_url()).status_code == 404
    assert swept > 100  # every route, with its values and dates, was requested
