"""watch_parliament: written answers from Parliament's API, stored once, robustly. Every
response comes from a local server replaying the API's JSON shape; the questions are real
(PQ 62612 and 107986, from ../shared/sources), the API ids are stand-ins."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from commitments.models import Citation
from parliament.client import Client, ParliamentError, html_to_text
from parliament.watch import source_text, watch
from sources.models import SourceDocument, WatchTerm
from tests.commitments.factories import CitationFactory, CommitmentFactory
from tests.parliament_server import Reply

pytestmark = pytest.mark.django_db
LIST = "/api/writtenquestions/questions"

ANSWER_62612 = (
    "<p>On 16 June the Government accepted all 12 recommendations made to Government in "
    "Baroness Casey&rsquo;s National Audit on Group-based Child Sexual Exploitation and Abuse "
    "in England and Wales. We will announce further details on implementation of these "
    "measures in due course.</p><p>In January, the Government announced an additional "
    "&pound;2.5 million funding for the Child Sexual Exploitation Police Taskforce to bolster "
    "its efforts to provide practical, expert, on the ground support for all 43 police forces "
    "in England and Wales. We also asked all 43 police forces to work with the Taskforce to "
    "re-open grooming gangs cases where no further action was taken. Since January, more than "
    "800 cases have been re-opened thanks to this work.</p>"
)


def question(qid=1801, uin="62612", **changes) -> dict:
    """One question as GET /api/writtenquestions/questions/{id}?expandMember=true gives it."""
    value = {
        "id": qid,
        "askingMemberId": 4000,
        "askingMember": None,
        "house": "Commons",
        "memberHasInterest": False,
        "dateTabled": "2025-06-25T00:00:00",
        "dateForAnswer": "2025-06-30T00:00:00",
        "uin": uin,
        "questionText": "To ask the Secretary of State for the Home Department, what oversight "
        "mechanisms she has put in place to help ensure 100% recording of the (a) ethnicity, "
        "(b) nationality and (c) number of perpetrators in all group based child exploitation "
        "and abuse cases; and what steps she is taking to ensure compliance across all police "
        "forces.",
        "answeringBodyId": 1,
        "answeringBodyName": "Home Office",
        "isWithdrawn": False,
        "isNamedDay": False,
        "groupedQuestions": [],
        "answerIsHolding": False,
        "answerIsCorrection": False,
        "answeringMemberId": 4038,
        "answeringMember": {"id": 4038, "name": "Jess Phillips", "listAs": "Phillips, Jess"},
        "correctingMemberId": None,
        "correctingMember": None,
        "dateAnswered": "2025-07-02T00:00:00",
        "answerText": ANSWER_62612,
        "originalAnswerText": "",
        "comparableAnswerText": "",
        "dateAnswerCorrected": None,
        "dateHoldingAnswer": None,
        "attachmentCount": 0,
        "heading": "Offences against Children",
        "attachments": [],
        "groupedQuestionsDates": [],
    }
    return {"value": {**value, **changes}, "links": []}


def listing(ids, total=None, **summary) -> dict:
    """A page of the list endpoint (answers cut short there, as the real API does)."""
    results = [
        {"value": {**question(qid)["value"], "answerText": "On 16 June the…", **summary}}
        for qid in ids
    ]
    return {"totalResults": len(ids) if total is None else total, "results": results}


@pytest.fixture
def one_term():
    WatchTerm.objects.all().delete()
    return WatchTerm.objects.create(term="grooming gangs")


def test_an_answer_is_stored_once_with_the_fields_the_importer_records(server, client, one_term):
    server.reply(f"{LIST}?skip=0", forever=Reply(listing([1801])))
    server.reply(f"{LIST}/1801", forever=Reply(question()))
    first = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in first.outcomes] == ["created"]
    source = SourceDocument.objects.get()
    assert (
        source.url
        == "https://questions-statements.parliament.uk/written-questions/detail/2025-06-25/62612"
    )
    assert (source.kind, source.provenance, source.publisher) == (
        "written_answer", "primary", "UK Parliament",
    )  # fmt: skip
    assert (source.uin, source.asked_on, source.answered_on, source.published_on) == (
        "62612", datetime.date(2025, 6, 25), datetime.date(2025, 7, 2), datetime.date(2025, 7, 2),
    )  # fmt: skip
    assert (source.answered_by, source.department) == ("Jess Phillips", "Home Office")
    assert "Baroness Casey’s National Audit" in source.answer_text  # &rsquo; decoded
    assert "£2.5 million" in source.text
    assert source.contains_quote("On 16 June the Government accepted all 12 recommendations")
    versions = source.history.count()
    fetched = server.paths().count(f"{LIST}/1801")
    again = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in again.outcomes] == ["unchanged"]
    assert server.paths().count(f"{LIST}/1801") == fetched  # the list said nothing changed
    assert SourceDocument.objects.count() == 1
    assert source.history.count() == versions  # nothing written
    assert WatchTerm.objects.get().checked_through == datetime.date.today()


def test_pages_are_followed_and_each_question_fetched_whole(server, client, one_term):
    server.reply(f"{LIST}?skip=0", Reply(listing([1, 2], total=3)))
    server.reply(f"{LIST}?skip=2", Reply(listing([3], total=3)))
    for qid, uin in ((1, "101"), (2, "102"), (3, "HL103")):
        server.reply(f"{LIST}/{qid}", Reply(question(qid, uin)))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in report.outcomes] == ["created"] * 3
    assert sorted(SourceDocument.objects.values_list("uin", flat=True)) == ["101", "102", "HL103"]
    page = next(r for r in server.requests if r.path == LIST)
    assert page.args["searchTerm"] == "grooming gangs"
    assert page.args["answeredWhenFrom"] == "2025-06-01"
    assert page.headers["User-Agent"].startswith("grooming-gangs-commitments-tracker/")


def test_a_lords_question_keeps_its_hl_uin_and_house(server, client, one_term):
    lords = question(7, "HL2041", house="Lords", heading="Child Sexual Abuse: Inquiries")
    server.reply(f"{LIST}?skip=0", Reply(listing([7])))
    server.reply(f"{LIST}/7", Reply(lords))
    watch(client, since=datetime.date(2025, 6, 1))
    source = SourceDocument.objects.get()
    assert source.uin == "HL2041"
    assert source.url.endswith("/2025-06-25/HL2041")
    assert "(House of Lords)" in source.text


def test_a_server_error_then_success_is_retried(server, client, one_term):
    server.reply(f"{LIST}?skip=0", Reply({"error": "boom"}, status=500), Reply(listing([1801])))
    server.reply(f"{LIST}/1801", Reply("oops", status=503), Reply(question()))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in report.outcomes] == ["created"]
    assert server.paths().count(LIST) == 2


def test_429_waits_for_retry_after(server, client, one_term):
    busy = Reply({"error": "slow down"}, status=429, headers={"Retry-After": "1"})
    server.reply(f"{LIST}?skip=0", busy, Reply(listing([1801])))
    server.reply(f"{LIST}/1801", Reply(question()))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in report.outcomes] == ["created"]
    first, second = [
        at for at, r in zip(server.times, server.requests, strict=True) if r.path == LIST
    ]
    assert second - first >= 1  # Retry-After: 1 honoured


def test_a_timeout_fails_that_term_and_saves_nothing_from_it(server, client, one_term):
    server.reply(f"{LIST}?skip=0", forever=Reply(listing([1801]), delay=1.5))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert report.failed
    assert "no answer after retries" in report.outcomes[0].reason
    assert SourceDocument.objects.count() == 0
    assert WatchTerm.objects.get().checked_through is None  # the next run starts there again


def test_malformed_json_or_an_unexpected_shape_is_reported_with_its_url(server, client, one_term):
    server.reply(f"{LIST}?skip=0", Reply(listing([1, 2])))
    server.reply(f"{LIST}/1", Reply('{"value": {"id": 1, "uin": '))  # cut off
    bad = question(2)
    del bad["value"]["questionText"]
    server.reply(f"{LIST}/2", Reply(bad))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [(o.status, o.reason) for o in report.outcomes] == [
        ("failed", "malformed JSON"),
        ("failed", "unexpected shape: no 'questionText' in the response"),
    ]
    assert report.outcomes[0].url.endswith("/questions/1?expandMember=true")
    assert SourceDocument.objects.count() == 0
    assert WatchTerm.objects.get().checked_through is None


def test_answer_html_becomes_clean_text():
    html = (
        "<p>The Home Secretary&nbsp;said:</p><ul><li>first &amp; foremost</li><li>second</li>"
        "</ul><p>Line one<br>line two</p><table><tr><td>Year</td><td>Cases</td></tr></table>"
    )
    assert html_to_text(html) == (
        "The Home Secretary said:\n\n• first & foremost\n\n• second\n\nLine one\nline two\n\n"
        "Year Cases"
    )


def test_a_holding_answer_is_replaced_by_the_substantive_answer(server, client, one_term):
    holding = question(answerIsHolding=True, answerText="<p>I will reply as soon as possible.</p>")
    server.reply(f"{LIST}?skip=0", Reply(listing([1801])), Reply(listing([1801])))
    server.reply(f"{LIST}/1801", Reply(holding), Reply(question()))
    first = watch(client, since=datetime.date(2025, 6, 1))
    assert [(o.status, o.reason) for o in first.outcomes] == [("created", "a holding answer")]
    source = SourceDocument.objects.get()
    assert source.is_holding_answer
    assert "Holding answer given on" in source.text
    second = watch(client, since=datetime.date(2025, 6, 1))
    assert [(o.status, o.reason) for o in second.outcomes] == [
        ("updated", "the substantive answer")
    ]
    source.refresh_from_db()
    assert not source.is_holding_answer
    assert "accepted all 12 recommendations" in source.text
    assert "I will reply as soon as possible" in source.history.earliest().text


CORRECTED = {"answerIsCorrection": True, "dateAnswerCorrected": "2025-07-10T00:00:00"}


def test_a_corrected_answer_that_breaks_a_citation_is_refused_and_listed(server, client, one_term):
    server.reply(f"{LIST}?skip=0", Reply(listing([1801])), Reply(listing([1801], **CORRECTED)))
    corrected = question(
        answerIsCorrection=True,
        dateAnswerCorrected="2025-07-10T00:00:00",
        answerText="<p>On 16 June the Government accepted the recommendations of the audit.</p>",
    )
    server.reply(f"{LIST}/1801", Reply(question()), Reply(corrected))
    watch(client, since=datetime.date(2025, 6, 1))
    source = SourceDocument.objects.get()
    citation = CitationFactory(
        commitment=CommitmentFactory(), source=source, quote="accepted all 12 recommendations"
    )
    report = watch(client, since=datetime.date(2025, 6, 1))
    outcome = report.outcomes[0]
    assert outcome.status == "refused"
    assert [c["id"] for c in outcome.failing_citations] == [citation.pk]
    assert report.failed
    source.refresh_from_db()
    assert "accepted all 12 recommendations" in source.text  # kept
    assert Citation.objects.get(pk=citation.pk).quote_error() is None


def test_a_corrected_answer_that_keeps_every_quote_replaces_the_text(server, client, one_term):
    server.reply(f"{LIST}?skip=0", Reply(listing([1801])), Reply(listing([1801], **CORRECTED)))
    corrected = question(
        answerIsCorrection=True,
        dateAnswerCorrected="2025-07-10T00:00:00",
        answerText=ANSWER_62612.replace("additional", "extra"),
    )
    server.reply(f"{LIST}/1801", Reply(question()), Reply(corrected))
    watch(client, since=datetime.date(2025, 6, 1))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [(o.status, o.reason) for o in report.outcomes] == [("updated", "a corrected answer")]
    source = SourceDocument.objects.get()
    assert source.text.startswith("Offences against Children")
    assert "Corrected answer, 10 July 2025." in source.text
    assert "an extra £2.5 million" in source.text


def test_a_withdrawn_question_is_not_stored(server, client, one_term):
    server.reply(f"{LIST}?skip=0", Reply(listing([1801])))
    server.reply(f"{LIST}/1801", Reply(question(isWithdrawn=True)))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in report.outcomes] == ["withdrawn"]
    assert not SourceDocument.objects.exists()


def test_grouped_questions_found_under_two_terms_are_fetched_and_stored_once(server, client):
    WatchTerm.objects.all().delete()
    WatchTerm.objects.create(term="grooming gangs")
    WatchTerm.objects.create(term="child sexual exploitation")
    grouped = question(groupedQuestions=["62613"])
    server.reply(f"{LIST}?skip=0", forever=Reply(listing([1801])))
    server.reply(f"{LIST}/1801", Reply(grouped))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in report.outcomes] == ["created"]
    assert server.paths().count(f"{LIST}/1801") == 1


def test_a_captured_copy_of_the_same_question_is_the_same_source(server, client, one_term):
    """Imported from Parallel Parliament's page first (fixtures/sources), then seen by the
    watcher: one source, unchanged."""
    from pathlib import Path

    from sources.importing import import_file

    capture = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
    imported = import_file(capture / "01_pq_62612_answered_2025-07-02.txt").source
    server.reply(f"{LIST}?skip=0", Reply(listing([1801])))
    server.reply(f"{LIST}/1801", Reply(question()))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [(o.status, o.source.pk) for o in report.outcomes] == [("unchanged", imported.pk)]
    assert SourceDocument.objects.count() == 1


def test_too_many_pages_is_an_error_not_an_endless_loop(server, one_term):
    bounded = Client(server.url, timeout=(1, 1), retries=0, max_pages=2)
    for skip in (0, 50, 100):
        server.reply(f"{LIST}?skip={skip}", forever=Reply(listing(range(skip, skip + 50), 500)))
    with pytest.raises(ParliamentError, match="more than 2 pages"):
        list(bounded.answered_since("grooming gangs", datetime.date(2025, 1, 1)))


def test_the_command_prints_json_and_exits_1_when_something_failed(server, settings, one_term):
    settings.PARLIAMENT_QUESTIONS_API = server.url
    server.reply(f"{LIST}?skip=0", Reply(listing([1801, 1802])))
    server.reply(f"{LIST}/1801", Reply(question()))
    server.reply(f"{LIST}/1802", Reply("not json"))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("watch_parliament", "--since", "2025-06-01", "--json", stdout=out)
    assert exit_.value.code == 1
    records = json.loads(out.getvalue())
    assert [r["status"] for r in records] == ["created", "failed"]
    assert records[1]["url"].startswith(server.url)


def test_the_text_stored_names_who_asked_and_answered():
    from parliament.client import written_answer

    answer = written_answer(question()["value"], "http://x")
    text = source_text(answer)
    assert text.startswith("Offences against Children\n\nQuestion for Home Office, UIN 62612")
    assert "Answer given on 2 July 2025 by Jess Phillips:" in text


STATEMENTS = "/api/writtenstatements/statements"


def statement(sid=501, **changes) -> dict:
    """A written ministerial statement as GET /api/writtenstatements/statements/{id} gives it
    (the shape of the API's StatementsViewModel)."""
    value = {
        "id": sid,
        "memberId": 4038,
        "member": {"id": 4038, "name": "Jess Phillips", "listAs": "Phillips, Jess"},
        "memberRole": "Parliamentary Under-Secretary (Home Office)",
        "uin": "HCWS700",
        "answeringBodyId": 1,
        "answeringBodyName": "Home Office",
        "title": "Tackling child sexual exploitation",
        "text": "<p>Today I am updating the House on group-based child sexual exploitation.</p>"
        "<ul><li>the national audit</li><li>local inquiries</li></ul>",
        "house": "Commons",
        "dateMade": "2025-06-16T00:00:00",
        "noticeNumber": 1,
        "hasAttachments": False,
        "attachments": [],
        "hasLinkedStatements": False,
        "linkedStatements": [],
    }
    return {"value": {**value, **changes}, "links": []}


def test_a_written_statement_is_stored_once(server, client, one_term):
    server.reply(
        f"{STATEMENTS}?skip=0", forever=Reply({"totalResults": 1, "results": [statement()]})
    )
    server.reply(f"{STATEMENTS}/501", forever=Reply(statement()))
    first = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in first.outcomes] == ["created"]
    source = SourceDocument.objects.get()
    assert source.url == (
        "https://questions-statements.parliament.uk/written-statements/detail/2025-06-16/HCWS700"
    )
    assert (source.kind, source.uin, source.published_on, source.answered_by) == (
        "written_statement", "HCWS700", datetime.date(2025, 6, 16), "Jess Phillips",
    )  # fmt: skip
    assert "• the national audit" in source.text
    again = watch(client, since=datetime.date(2025, 6, 1))
    assert [o.status for o in again.outcomes] == ["unchanged"]
    assert SourceDocument.objects.count() == 1


def test_a_statement_missing_its_text_is_refused_with_its_url(server, client, one_term):
    broken = statement()
    del broken["value"]["text"]
    server.reply(f"{STATEMENTS}?skip=0", Reply({"totalResults": 1, "results": [statement()]}))
    server.reply(f"{STATEMENTS}/501", Reply(broken))
    report = watch(client, since=datetime.date(2025, 6, 1))
    assert [(o.status, o.reason) for o in report.outcomes] == [
        ("failed", "unexpected shape: no 'text' in the response")
    ]
    assert "/writtenstatements/statements/501" in report.outcomes[0].url
    assert not SourceDocument.objects.exists()
