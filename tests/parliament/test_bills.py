"""Bills: the stages of a bill that carries commitments, from Parliament's Bills API, stored as a
primary source and shown as where the bill stands, on the commitment's page, in the API and in
the CSV. Every response comes from a local server replaying the API's JSON shape.

The bill is the real Crime and Policing Bill (bill 3938), which carried the mandatory reporting
duty. The dates are those its sources in the curated dataset give: introduced on 25 February
2025, a Commons committee sitting on 8 April 2025, Commons stages completed on 18 June 2025,
Lords second reading on 16 October 2025, Lords report stage due 25 February 2026, Royal Assent
on 29 April 2026. The API's ids for the stages and sittings are stand-ins."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from commitments.models import Bill, BillStage, stage_line
from desk.models import InboxItem
from parliament.bills import bill_text, watch_bills
from sources.models import SourceDocument, WatchTerm
from tests.commitments.factories import (
    AnnouncementFactory,
    CitationFactory,
    event,
    published_commitment,
)
from tests.parliament_server import Reply

pytestmark = pytest.mark.django_db
BILL = "/api/v1/Bills/3938"
STAGES = "/api/v1/Bills/3938/Stages"
UPDATED = "2026-04-29T16:02:11.263"

# (id, stageId, description, abbreviation, house, sittings) in Parliament's order.
PASSAGE = [
    (19001, 6, "1st reading", "1R", "Commons", ["2025-02-25"]),
    (19002, 10, "Committee stage", "CS", "Commons", ["2025-03-25", "2025-04-08"]),
    (19003, 9, "3rd reading", "3R", "Commons", ["2025-06-18"]),
    (19004, 1, "1st reading", "1R", "Lords", ["2025-06-19"]),
    (19005, 2, "2nd reading", "2R", "Lords", ["2025-10-16"]),
    (19006, 4, "Report stage", "RS", "Lords", ["2026-02-25"]),
    (19007, 11, "Royal Assent", "RA", "Unassigned", ["2026-04-29"]),
]


def stage(n: int, *, sittings=None) -> dict:
    """Item `n` of GET /api/v1/Bills/3938/Stages, in the API's shape."""
    stage_id, kind, description, abbreviation, house, dates = PASSAGE[n]
    return {
        "id": stage_id,
        "stageId": kind,
        "sessionId": 39,
        "description": description,
        "abbreviation": abbreviation,
        "house": house,
        "stageSittings": [
            {
                "id": stage_id * 10 + i,
                "stageId": kind,
                "billStageId": stage_id,
                "billId": 3938,
                "date": f"{day}T00:00:00",
            }
            for i, day in enumerate(dates if sittings is None else sittings)
        ],
        "sortOrder": n + 1,
    }


def bill(up_to: int = len(PASSAGE), **changes) -> dict:
    """GET /api/v1/Bills/3938, the bill's stages up to item `up_to`."""
    value = {
        "shortTitle": "Crime and Policing Bill",
        "formerShortTitle": None,
        "billId": 3938,
        "currentHouse": "Unassigned" if up_to == len(PASSAGE) else "Lords",
        "originatingHouse": "Commons",
        "lastUpdate": UPDATED,
        "billWithdrawn": None,
        "isDefeated": False,
        "billTypeId": 1,
        "introducedSessionId": 39,
        "includedSessionIds": [39, 40],
        "isAct": up_to == len(PASSAGE),
        "currentStage": stage(up_to - 1),
        "longTitle": "A Bill to make provision about anti-social behaviour, offensive weapons, "
        "offences involving children and young people, …; and for connected purposes.",
        "summary": None,
        "sponsors": [],
    }
    return {**value, **changes}


def stages_page(items: list[dict], total: int) -> dict:
    return {"items": items, "totalResults": total, "itemsPerPage": 50}


def serve(server, up_to: int = len(PASSAGE), *, split: int | None = None) -> None:
    """The bill and its stages up to `up_to`; on two pages when `split` is given."""
    items = [stage(n) for n in range(up_to)]
    server.reply(BILL, forever=Reply(bill(up_to)))
    if split is None:
        server.reply(f"{STAGES}?skip=0", forever=Reply(stages_page(items, up_to)))
    else:
        server.reply(f"{STAGES}?skip=0", forever=Reply(stages_page(items[:split], up_to)))
        server.reply(f"{STAGES}?skip={split}", forever=Reply(stages_page(items[split:], up_to)))


@pytest.fixture
def duty():
    """The mandatory reporting duty, public, carried by bill 3938 (not yet fetched)."""
    commitment = published_commitment(slug="mandatory-reporting-duty", title="Mandatory reporting")
    event(commitment, datetime.date(2025, 2, 25), new_status="in_progress")
    carried = Bill.objects.create(parliament_id=3938, title="Crime and Policing Bill")
    carried.commitments.add(commitment)
    return commitment


def test_a_bill_and_its_stages_are_stored_once_as_a_primary_source(server, client, duty):
    serve(server, split=4)  # two pages of stages
    [outcome] = watch_bills(client)
    assert outcome.status == "created"
    source = SourceDocument.objects.get(kind="bill")
    assert source.url == "https://bills.parliament.uk/bills/3938/stages"
    assert (source.provenance, source.publisher) == ("primary", "UK Parliament")
    assert source.published_on == datetime.date(2026, 4, 29)  # the record's lastUpdate
    assert source.imported_from.endswith("/api/v1/Bills/3938")
    assert source.title == "Crime and Policing Bill: stages"
    carried = Bill.objects.get()
    assert (carried.source, carried.is_act, carried.title) == (
        source, True, "Crime and Policing Bill",
    )  # fmt: skip
    assert carried.stages.count() == 7
    committee = carried.stages.get(description="Committee stage")
    assert (committee.sat_on, committee.last_sat_on) == (
        datetime.date(2025, 3, 25), datetime.date(2025, 4, 8),
    )  # fmt: skip
    # Every stage is a line of the stored text, word for word.
    for row in carried.stages.all():
        assert source.contains_quote(row.line), row.line
    assert "Committee stage, House of Commons: 25 March 2025 to 8 April 2025" in source.text
    assert "Royal Assent: 29 April 2026" in source.text
    assert "The bill is an Act of Parliament." in source.text
    skips = [r.args.get("Skip") for r in server.requests if r.path == STAGES]
    assert skips == ["0", "4"]
    assert {r.headers["User-Agent"] for r in server.requests} == {
        client.session.headers["User-Agent"]
    }
    versions = source.history.count()
    [again] = watch_bills(client)
    assert again.status == "unchanged"
    assert source.history.count() == versions
    assert SourceDocument.objects.filter(kind="bill").count() == 1
    assert Bill.objects.get().checked_at > carried.checked_at


def test_where_the_bill_stands_on_a_date(server, client, duty):
    serve(server)
    watch_bills(client)

    def standing(on):
        return Bill.objects.standing(on).get()

    before = standing(datetime.date(2025, 1, 31))
    assert (before.stage, before.next_stage, before.next_stage_on) == (
        None, "1st reading", datetime.date(2025, 2, 25),
    )  # fmt: skip
    summer = standing(datetime.date(2025, 7, 1))
    assert (summer.stage, summer.stage_house, summer.stage_on) == (
        "1st reading", "Lords", datetime.date(2025, 6, 19),
    )  # fmt: skip
    assert (summer.next_stage, summer.next_stage_house) == ("2nd reading", "Lords")
    during = standing(datetime.date(2025, 4, 1))  # between two committee sittings
    assert during.stage == "Committee stage"
    assert (
        during.reached_line == "Committee stage, House of Commons: 25 March 2025 to 8 April 2025"
    )
    enacted = standing(datetime.date(2026, 5, 1))
    assert (enacted.stage, enacted.stage_on, enacted.next_stage) == (
        "Royal Assent", datetime.date(2026, 4, 29), None,
    )  # fmt: skip


def test_a_new_stage_replaces_the_record_keeps_the_old_and_reaches_the_inbox(server, client, duty):
    serve(server, up_to=6)
    [first] = watch_bills(client)
    assert first.status == "created"
    source = SourceDocument.objects.get(kind="bill")
    assert "Royal Assent" not in source.text
    assert InboxItem.objects.get(source=source).why == "a bill's stages, first fetched"
    old_text = source.text

    serve(server)  # Royal Assent is listed
    [outcome] = watch_bills(client)
    assert outcome.status == "updated"
    source.refresh_from_db()
    assert "Royal Assent: 29 April 2026" in source.text
    assert source.history.first().text == source.text
    assert source.history.all()[1].text == old_text  # the old record kept in history
    item = InboxItem.objects.get(source=source)
    assert item.why == "the bill moved on: Royal Assent: 29 April 2026"
    assert item.state == "new"
    assert Bill.objects.get().stages.count() == 7


def test_a_changed_record_that_breaks_a_citation_is_refused(server, client, duty):
    serve(server)
    watch_bills(client)
    source = SourceDocument.objects.get(kind="bill")
    enacted = AnnouncementFactory(commitment=duty, date=datetime.date(2026, 4, 29))
    CitationFactory(
        commitment=duty, announcement=enacted, source=source, quote="Royal Assent: 29 April 2026"
    )
    moved = [stage(n) for n in range(6)] + [stage(6, sittings=["2026-04-30"])]
    server.reply(f"{STAGES}?skip=0", forever=Reply(stages_page(moved, 7)))
    [outcome] = watch_bills(client)
    assert outcome.status == "refused"
    assert [c["quote"] for c in outcome.failing_citations] == ["Royal Assent: 29 April 2026"]
    source.refresh_from_db()
    assert "Royal Assent: 29 April 2026" in source.text  # nothing written
    assert Bill.objects.get().stages.get(description="Royal Assent").sat_on == datetime.date(
        2026, 4, 29
    )


def test_a_server_error_then_success_is_retried_and_bad_shapes_save_nothing(server, client, duty):
    serve(server)
    server.reply(BILL, Reply({"error": "boom"}, status=500))
    [outcome] = watch_bills(client)
    assert outcome.status == "created"

    Bill.objects.update(source=None)
    SourceDocument.objects.filter(kind="bill").delete()
    BillStage.objects.all().delete()
    server.reply(f"{STAGES}?skip=0", Reply('{"items": [{"id": 1'))  # cut off
    [outcome] = watch_bills(client)
    assert (outcome.status, outcome.reason) == ("failed", "malformed JSON")
    assert "/api/v1/Bills/3938/Stages" in outcome.url
    no_order = stage(0)
    del no_order["sortOrder"]
    server.reply(f"{STAGES}?skip=0", Reply(stages_page([no_order], 1)))
    [outcome] = watch_bills(client)
    assert outcome.reason == "unexpected shape: no 'sortOrder' in the response"
    assert not SourceDocument.objects.filter(kind="bill").exists()
    assert not BillStage.objects.exists()


def test_a_bill_not_linked_to_any_commitment_is_not_fetched(server, client):
    Bill.objects.create(parliament_id=3938, title="Crime and Policing Bill")
    assert watch_bills(client) == []
    assert server.requests == []


def test_the_commitment_page_says_where_the_bill_stands_with_the_words_of_its_source(
    server, client, duty, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    from django.test import Client as Browser

    browser = Browser()
    page = browser.get("/commitments/mandatory-reporting-duty/").content.decode()
    assert "In Parliament" not in page  # named, but no stage fetched: nothing shown
    serve(server)
    watch_bills(client)
    page = browser.get("/commitments/mandatory-reporting-duty/").content.decode()
    assert "In Parliament" in page
    assert "it stood at <strong>Royal Assent</strong>, 29 April 2026" in page
    assert "It is an Act of Parliament: no stage follows. Royal Assent is not commencement" in page
    assert "“Royal Assent: 29 April 2026”" in page
    assert 'href="https://bills.parliament.uk/bills/3938"' in page
    source = SourceDocument.objects.get(kind="bill")
    assert f'href="/sources/{source.pk}/' in page
    earlier = browser.get("/commitments/mandatory-reporting-duty/?as_of=2025-07-01")
    text = earlier.content.decode()
    assert "it stood at <strong>1st reading</strong> in the House of Lords, 19 June 2025" in text
    assert (
        "Next stage: <strong>2nd reading</strong> in the House of Lords, first sat 16 October"
        in text
    )
    assert "“1st reading, House of Lords: 19 June 2025”" in text


def test_the_csv_and_the_api_say_where_the_bill_stands(server, client, duty, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    from django.test import Client as Browser

    serve(server)
    watch_bills(client)
    browser = Browser()
    lords = "1st reading (House of Lords)", "2025-06-19", "2nd reading (House of Lords)"
    for as_of, stage_, on, after in [
        ("2025-07-01", *lords),
        ("", "Royal Assent", "2026-04-29", ""),
    ]:
        response = browser.get("/export/commitments.csv", {"as_of": as_of} if as_of else {})
        raw = b"".join(response.streaming_content).decode("utf-8-sig")
        [row] = [r for r in csv.DictReader(io.StringIO(raw)) if r["slug"] == duty.slug]
        assert (row["bills"], row["bill_stages"], row["bill_stages_on"]) == (
            "Crime and Policing Bill", stage_, on,
        )  # fmt: skip
        assert row["bill_next_stages"] == after
    data = json.loads(browser.get(f"/api/commitments/{duty.slug}/?as_of=2025-07-01").content)
    assert data["bill_stages"] == "1st reading (House of Lords)"
    [carried] = data["bill_details"]
    assert carried["stage"] == "1st reading"
    assert carried["stage_house"] == "Lords"
    assert carried["stage_on"] == "2025-06-19"
    assert carried["next_stage"] == "2nd reading"
    assert carried["next_stage_on"] == "2025-10-16"
    assert carried["stage_quote"] == "1st reading, House of Lords: 19 June 2025"
    assert carried["url"] == "https://bills.parliament.uk/bills/3938"
    source = SourceDocument.objects.get(kind="bill")
    assert source.contains_quote(carried["stage_quote"])


def test_the_command_fetches_the_bills_and_reports_them(server, settings, duty):
    WatchTerm.objects.all().delete()
    settings.PARLIAMENT_QUESTIONS_API = settings.PARLIAMENT_BILLS_API = server.url
    serve(server)
    out = io.StringIO()
    call_command("watch_parliament", "--json", stdout=out, stderr=io.StringIO())
    [outcome] = json.loads(out.getvalue())
    assert outcome["status"] == "created"
    assert outcome["url"] == "https://bills.parliament.uk/bills/3938"


def test_the_text_names_a_withdrawn_or_defeated_bill():
    from parliament.client import bill as read_bill

    found = read_bill(
        bill(3, isAct=False, billWithdrawn="2025-07-01T00:00:00", isDefeated=True), "u"
    )
    text = bill_text(found)
    assert "The bill was withdrawn on 1 July 2025." in text
    assert "The bill was defeated." in text
    assert "Act of Parliament" not in text
    assert stage_line("Royal Assent", "Unassigned", datetime.date(2026, 4, 29), None) == (
        "Royal Assent: 29 April 2026"
    )


def test_a_citation_can_quote_a_stage_of_the_stored_record(server, client, duty):
    serve(server)
    watch_bills(client)
    source = SourceDocument.objects.get(kind="bill")
    citation = CitationFactory.build(
        commitment=duty, source=source, quote="3rd reading, House of Commons: 18 June 2025"
    )
    citation.full_clean()  # the quote is verbatim in the stored text


def test_the_inbox_suggests_the_commitments_the_bill_carries(server, client, duty):
    from desk.suggest import suggest

    serve(server)
    watch_bills(client)
    source = SourceDocument.objects.get(kind="bill")
    [suggestion] = suggest(source)
    assert suggestion.commitment == duty
    assert suggestion.words == ("the bill carries it",)


def test_verify_citations_checks_every_stage_against_its_stored_record(server, client, duty):
    serve(server)
    watch_bills(client)
    out = io.StringIO()
    call_command("verify_citations", stdout=out)
    assert "All 7 bill stages verified." in out.getvalue()
    moved = datetime.date(2026, 5, 1)
    BillStage.objects.filter(description="Royal Assent").update(sat_on=moved, last_sat_on=moved)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 of 7 bill stages failed verification\."):
        call_command("verify_citations", stdout=io.StringIO(), stderr=err)
    assert "“Royal Assent: 1 May 2026” is not in source" in err.getvalue()
