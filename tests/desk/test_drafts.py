"""The editors' desk: one form records a development, a preview shows its public effect, a
reviewer other than its author publishes it, and nothing of a draft is public before."""

import datetime
import re

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from commitments.models import Announcement, Citation, Commitment, DataVersion, Status
from desk.models import Draft, DraftState
from tests.commitments.factories import CommitmentFactory, event, published_commitment
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:desk_draft_add")
ANSWER = (
    "The Minister replied: the national inquiry was formally established on 3 March 2026, "
    "when its terms of reference came into force."
)


@pytest.fixture
def inquiry():
    commitment = published_commitment(title="National inquiry", summary="Expected by March.")
    event(commitment, datetime.date(2025, 6, 16), new_status=Status.IN_PROGRESS)
    return commitment


@pytest.fixture
def answer():
    return SourceDocumentFactory(
        title="Inquiries", text=ANSWER, published_on=datetime.date(2026, 3, 4)
    )


def post_data(commitment, source, quote, **changes):
    data = {
        "commitment": commitment.pk,
        "date": "2026-03-03",
        "kind": "delivered",
        "new_status": Status.DELIVERED,
        "new_deadline": "",
        "deadline_wording": "",
        "summary": "The Minister says the inquiry was formally established on 3 March 2026.",
        "note": "",
        "quotes-TOTAL_FORMS": "2",
        "quotes-INITIAL_FORMS": "0",
        "quotes-MIN_NUM_FORMS": "1",
        "quotes-MAX_NUM_FORMS": "6",
        "quotes-0-source": source.pk,
        "quotes-0-quote": quote,
        "quotes-0-locator": "",
        "quotes-0-supports": "event",
        "quotes-1-source": "",
        "quotes-1-supports": "event",
        "quotes-1-quote": "",
        "quotes-1-locator": "",
    }
    return {**data, **changes}


def status_on_public_page(client, commitment) -> str:
    page = client.get(commitment.get_absolute_url()).content.decode()
    return re.search(r'class="status status--[a-z_]+">([^<]+)<', page).group(1)


def test_one_save_records_the_event_and_its_quote_and_a_reviewer_publishes_it(
    client, editor, reviewer, inquiry, answer
):
    editor_client = Client()
    editor_client.force_login(editor)
    form = editor_client.get(f"{ADD}?commitment={inquiry.pk}&source={answer.pk}")
    assert form.status_code == 200
    page = form.content.decode()
    assert "National inquiry today" in page
    assert "In progress" in page
    assert "formally established on 3 March 2026" in page  # the source's text, to pick from

    quote = "the national inquiry was formally established on 3 March 2026"
    preview = editor_client.post(ADD, post_data(inquiry, answer, quote, preview="1"))
    assert preview.status_code == 200
    effect = preview.context["effect"]
    assert (effect.before.status, effect.after.status) == (Status.IN_PROGRESS, Status.DELIVERED)
    assert effect.after.status_since == datetime.date(2026, 3, 3)
    assert not Announcement.objects.filter(date="2026-03-03").exists()  # a preview writes nothing

    before = status_on_public_page(client, inquiry)
    saved = editor_client.post(ADD, post_data(inquiry, answer, quote, save="1"))
    draft = Draft.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == draft.get_absolute_url()
    assert draft.state == DraftState.PENDING
    assert draft.author == editor
    assert status_on_public_page(client, inquiry) == before == "In progress"

    refused = editor_client.post(draft.get_absolute_url(), {"action": "publish"})
    assert refused.status_code == 403  # an editor cannot publish, not even someone else's

    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    review = reviewer_client.get(draft.get_absolute_url())
    assert "Publish" in review.content.decode()
    reviewer_client.post(draft.get_absolute_url(), {"action": "publish", "note": "Checked."})
    draft.refresh_from_db()
    assert draft.state == DraftState.PUBLISHED
    assert draft.reviewer == reviewer
    assert status_on_public_page(client, inquiry) == "Delivered"
    citation = Citation.objects.get(announcement=draft.published)
    assert citation.quote == quote
    assert citation.source == answer
    assert Commitment.objects.get(pk=inquiry.pk).summary_needs_review is True
    history = draft.published.history.first()
    assert history.history_user == reviewer
    assert f"Draft #{draft.pk} by editor" in history.history_change_reason


def test_nobody_publishes_their_own_draft(reviewer, inquiry, answer, admin_user):
    draft = Draft.objects.create(
        commitment=inquiry,
        announcement=post_data(inquiry, answer, "")
        | {"new_deadline": None, "summary": "x", "note": ""},
        citations=[{"source": answer.pk, "quote": "formally established", "locator": ""}],
        author=reviewer,
    )
    own = Client()
    own.force_login(reviewer)
    page = own.get(draft.get_absolute_url()).content.decode()
    assert "Withdraw this draft" in page
    assert 'value="publish"' not in page
    own.post(draft.get_absolute_url(), {"action": "publish"})
    draft.refresh_from_db()
    assert draft.state == DraftState.PENDING
    assert not Announcement.objects.filter(commitment=inquiry, date="2026-03-03").exists()
    with pytest.raises(IntegrityError):  # and the database refuses it whoever asks
        Draft.objects.filter(pk=draft.pk).update(reviewer=reviewer, state=DraftState.PUBLISHED)


def test_a_quote_not_in_the_source_is_refused_with_the_differences_marked(
    editor_client, inquiry, answer
):
    wrong = "the national inquiry was formaly established on 4 March 2026"
    response = editor_client.post(ADD, post_data(inquiry, answer, wrong, save="1"))
    assert response.status_code == 200
    assert not Draft.objects.exists()
    page = response.content.decode()
    summary = page.index('id="error-summary"')
    assert summary < page.index('id="development"')  # errors first, above the form
    assert 'href="#id_quotes-0-quote"' in page
    assert "<del>formaly</del>" in page
    assert "<ins>formally</ins>" in page
    assert "<del>4</del>" in page
    assert "<ins>3</ins>" in page


def test_preview_says_when_the_event_will_not_be_public_and_why(editor_client, answer):
    unpublished = CommitmentFactory(title="Not yet cited")
    response = editor_client.post(
        ADD, post_data(unpublished, answer, "formally established", preview="1")
    )
    notes = response.context["effect"].notes
    assert any("its pledge is not cited yet" in note for note in notes)
    future = published_commitment()
    event(future, datetime.date(2025, 1, 1), new_status=Status.ANNOUNCED)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = editor_client.post(
        ADD, post_data(future, answer, "formally established", preview="1", date=tomorrow)
    )
    assert any("after today" in note for note in response.context["effect"].notes)


def test_a_preview_leaves_no_trace(editor_client, inquiry, answer):
    version = DataVersion.current()
    count = Announcement.objects.count(), Citation.objects.count()
    editor_client.post(ADD, post_data(inquiry, answer, "formally established", preview="1"))
    assert (Announcement.objects.count(), Citation.objects.count()) == count
    assert DataVersion.current() == version
    assert Commitment.objects.get(pk=inquiry.pk).summary_needs_review is False


def test_a_new_commitment_is_published_by_a_draft_that_cites_its_pledge(
    editor_client, reviewer, answer
):
    new = CommitmentFactory(title="New pledge")
    data = post_data(new, answer, "formally established", new_status=Status.ANNOUNCED)
    data |= {
        "kind": "first_announced",
        "quotes-1-source": answer.pk,
        "quotes-1-supports": "pledge",
    }
    data["quotes-1-quote"] = "The Minister replied"
    preview = editor_client.post(ADD, {**data, "preview": "1"})
    assert preview.context["effect"].public_after is True
    editor_client.post(ADD, {**data, "save": "1"})
    assert Client().get(new.get_absolute_url()).status_code == 404  # a draft publishes nothing
    Draft.objects.get().publish(reviewer)
    assert Client().get(new.get_absolute_url()).status_code == 200
    assert Citation.objects.of_pledges().get(commitment=new).quote == "The Minister replied"


def test_the_review_list_shows_summaries_to_check_until_an_editor_says_it_holds(
    editor_client, inquiry
):
    Commitment.objects.filter(pk=inquiry.pk).update(summary_needs_review=True)
    listing = editor_client.get(reverse("admin:desk_draft_changelist")).content.decode()
    assert "Summaries to check" in listing
    assert "Expected by March." in listing
    editor_client.post(reverse("admin:desk_summary_checked", args=[inquiry.pk]))
    assert Commitment.objects.get(pk=inquiry.pk).summary_needs_review is False
    listing = editor_client.get(reverse("admin:desk_draft_changelist")).content.decode()
    assert "Summaries to check" not in listing


def test_the_review_list_gives_each_drafts_public_effect(editor_client, reviewer, inquiry, answer):
    quote = "the national inquiry was formally established on 3 March 2026"
    editor_client.post(ADD, post_data(inquiry, answer, quote, save="1"))
    editor_client.force_login(reviewer)
    listing = editor_client.get(reverse("admin:desk_draft_changelist")).content.decode()
    assert "In progress → Delivered from 3 Mar 2026" in listing


def test_the_review_list_shows_what_awaits_review_unless_asked_for_more(
    editor_client, reviewer, inquiry, answer
):
    quote = "the national inquiry was formally established on 3 March 2026"
    editor_client.post(ADD, post_data(inquiry, answer, quote, save="1"))
    editor_client.post(ADD, post_data(inquiry, answer, quote, save="1", date="2026-03-04"))
    Draft.objects.order_by("pk").first().publish(reviewer)
    changelist = reverse("admin:desk_draft_changelist")
    pending = editor_client.get(changelist).context["cl"].result_list
    assert [d.state for d in pending] == [DraftState.PENDING]
    everything = editor_client.get(changelist, {"state": "all"}).context["cl"].result_list
    assert len(everything) == 2
    published = editor_client.get(changelist, {"state": "published"}).context["cl"].result_list
    assert [d.state for d in published] == [DraftState.PUBLISHED]
