"""The inbox: what watch_parliament brings in waits for an editor, with the commitments it is
probably about; suggestions are measured against the curated dataset."""

import datetime

import pytest
from django.urls import reverse

from commitments.models import Citation
from desk.models import InboxItem, InboxState
from desk.suggest import Corpus
from parliament.client import Client
from parliament.watch import watch
from sources.models import SourceDocument, WatchTerm
from tests.commitments.factories import published_commitment
from tests.parliament.test_watch import LIST, listing, question
from tests.parliament_server import ParliamentServer, Reply

pytestmark = pytest.mark.django_db
INBOX = reverse("admin:desk_inboxitem_changelist")


def bring_in(*, dry_run=False) -> None:
    """One answer brought in by the watcher, from a local replay of the API."""
    WatchTerm.objects.all().delete()
    WatchTerm.objects.create(term="Casey")
    server = ParliamentServer().start()
    server.reply(f"{LIST}?skip=0", forever=Reply(listing([1801])))
    server.reply(f"{LIST}/1801", forever=Reply(question()))
    watch(Client(server.url, retries=0), since=datetime.date(2025, 6, 1), dry_run=dry_run)
    server.stop()


@pytest.fixture
def arrived():
    bring_in()
    return SourceDocument.objects.get()


def test_a_new_answer_waits_in_the_inbox_once(arrived):
    item = InboxItem.objects.get()
    assert (item.source, item.state, item.why) == (arrived, InboxState.NEW, "a new answer")


def test_a_dry_run_leaves_the_inbox_empty():
    bring_in(dry_run=True)
    assert not InboxItem.objects.exists()
    assert not SourceDocument.objects.exists()


def test_the_inbox_shows_the_words_and_the_likely_commitments(editor_client, arrived):
    audit = published_commitment(
        title="Baroness Casey's national audit",
        pledge_text="An audit of group-based child sexual exploitation, led by Baroness Casey.",
    )
    published_commitment(title="Road safety", pledge_text="Safer roads for cyclists.")
    page = editor_client.get(INBOX)
    assert page.status_code == 200
    card = page.context["cards"][0]
    assert card["snippet"]["match"] == "Casey"
    assert [s.commitment for s in card["suggestions"]] == [audit]
    assert "casey" in card["suggestions"][0].words
    html = page.content.decode()
    assert f"?source={arrived.pk}&amp;commitment={audit.pk}" in html
    assert "<mark>Casey</mark>" in html
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "1 new answer from Parliament" in index


def test_dismissing_needs_a_reason(editor_client, arrived):
    item = InboxItem.objects.get()
    url = reverse("admin:desk_inboxitem_change", args=[item.pk])
    editor_client.post(url, {"because": "  "})
    assert InboxItem.objects.get().state == InboxState.NEW
    editor_client.post(url, {"because": "About Scotland, not tracked here."})
    item.refresh_from_db()
    assert (item.state, item.dismissed_because) == (
        InboxState.DISMISSED, "About Scotland, not tracked here.",
    )  # fmt: skip
    assert item.handled_by.username == "editor"


def test_recording_a_development_from_it_takes_it_out_of_the_inbox(editor_client, arrived):
    from tests.desk.test_drafts import ADD, post_data

    commitment = published_commitment(title="Audit")
    quote = "On 16 June the Government accepted all 12 recommendations"
    response = editor_client.post(ADD, post_data(commitment, arrived, quote, save="1"))
    assert response.status_code == 302
    assert InboxItem.objects.get().state == InboxState.RECORDED


def test_suggestions_find_the_cited_commitment_for_nine_answers_in_ten(curated):
    """Every written answer the curated dataset cites, judged as if it had just arrived (the
    events that cite it left out): one of the commitments it is cited for is among the three
    suggestions."""
    answers = SourceDocument.objects.filter(
        kind="written_answer", citations__isnull=False
    ).distinct()
    found, misses = 0, []
    for answer in answers:
        cited = set(Citation.objects.filter(source=answer).values_list("commitment", flat=True))
        top = [s.commitment.pk for s in Corpus.build(leaving_out=answer).suggest(answer)]
        if cited & set(top):
            found += 1
        else:
            misses.append(answer.title)
    assert answers.count() >= 10
    assert found / answers.count() >= 0.9, misses
