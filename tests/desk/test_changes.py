"""Changing what is already public: a reason, update or correction, a reviewer, and, for a
correction, a public record of what it read before and after (page, commitment page, feed,
CSV)."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import Announcement, Commitment, Correction, Status
from desk.models import Draft, DraftState
from tests.commitments.factories import event, published_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    commitment = published_commitment(title="Casey audit", summary="Due by 31 May.")
    announcement = event(
        commitment, datetime.date(2025, 6, 17), new_status=Status.DELIVERED, kind="delivered",
        summary="The audit is published.",
    )  # fmt: skip
    return commitment, announcement


def propose(client, announcement, **changes):
    url = reverse("admin:desk_draft_propose", args=["announcement", announcement.pk])
    data = {
        "date": announcement.date.isoformat(),
        "kind": announcement.kind,
        "summary": announcement.summary,
        "new_status": announcement.new_status,
        "new_deadline": "",
        "deadline_wording": "",
        "note": "",
        "change_type": "correction",
        "reason": "The statement was made on 16 June, not 17 June.",
    }
    return client.post(url, {**data, **changes})


def test_a_correction_waits_for_a_reviewer_then_is_public_with_before_and_after(
    editor_client, reviewer, published
):
    commitment, announcement = published
    preview = propose(editor_client, announcement, date="2025-06-16", preview="1")
    assert preview.status_code == 200
    assert [(r["label"], r["before"], r["after"]) for r in preview.context["changes"]] == [
        ("Date", "17 June 2025", "16 June 2025")
    ]
    assert propose(editor_client, announcement, date="2025-06-16", save="1").status_code == 302
    draft = Draft.objects.get()
    announcement.refresh_from_db()
    assert announcement.date == datetime.date(2025, 6, 17)  # nothing changed yet
    public = Client()
    assert "17 June 2025" in public.get(commitment.get_absolute_url()).content.decode()
    assert not Correction.objects.exists()

    draft.publish(reviewer)
    announcement.refresh_from_db()
    assert announcement.date == datetime.date(2025, 6, 16)
    page = public.get("/corrections/").content.decode()
    assert "we corrected <a" in page
    assert "<del>17 June 2025</del>" in page
    assert "The statement was made on 16 June, not 17 June." in page
    detail = public.get(commitment.get_absolute_url()).content.decode()
    assert 'id="corrections"' in detail
    assert "<del>17 June 2025</del>" in detail
    feed = public.get("/feeds/corrections.atom").content.decode()
    assert "Correction to Casey audit: the event of 16 June 2025, date" in feed
    raw = b"".join(public.get("/export/corrections.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert [(r["field"], r["before"], r["after"], r["commitment_slug"]) for r in rows] == [
        ("Date", "17 June 2025", "16 June 2025", commitment.slug)
    ]
    assert rows[0]["page_url"].endswith(f"/corrections/#correction-{draft.pk}")
    history = announcement.history.first()
    assert history.history_user == reviewer
    assert "not 17 June" in history.history_change_reason


def test_an_update_is_not_listed_as_a_correction(editor_client, reviewer, published):
    _, announcement = published
    propose(
        editor_client, announcement, summary="The audit is published in full.",
        change_type="update", reason="Clearer wording.", save="1",
    )  # fmt: skip
    Draft.objects.get().publish(reviewer)
    assert Announcement.objects.get(pk=announcement.pk).summary.endswith("in full.")
    assert not Correction.objects.exists()
    assert "No corrections" in Client().get("/corrections/").content.decode()


def test_a_draft_made_against_an_older_version_is_refused_at_publishing(
    editor_client, reviewer, admin_user, published
):
    _, announcement = published
    propose(editor_client, announcement, summary="Editor's wording.", save="1")
    fresh = Announcement.objects.get(pk=announcement.pk)
    fresh.summary = "Someone else's change meanwhile."
    fresh.save()
    draft = Draft.objects.get()
    with pytest.raises(Exception, match="changed by someone else"):
        draft.publish(reviewer)
    draft.refresh_from_db()
    assert draft.state == DraftState.PENDING
    assert (
        Announcement.objects.get(pk=announcement.pk).summary == "Someone else's change meanwhile."
    )


def test_a_proposal_that_changes_nothing_is_refused(editor_client, published):
    _, announcement = published
    response = propose(editor_client, announcement, save="1")
    assert response.status_code == 200
    assert "Nothing is changed" in response.content.decode()
    assert not Draft.objects.exists()


def test_a_rewritten_summary_clears_the_prompt_to_review_it(editor_client, reviewer, published):
    commitment, _ = published
    Commitment.objects.filter(pk=commitment.pk).update(summary_needs_review=True)
    url = reverse("admin:desk_draft_propose", args=["commitment", commitment.pk])
    data = {
        "title": commitment.title, "pledge_text": commitment.pledge_text,
        "summary": "Published on 16 June 2025, after the May deadline.",
        "theme": commitment.theme, "lead_department": commitment.lead_department,
        "parent": "", "references": "", "change_type": "update",
        "reason": "The summary predated delivery.", "save": "1",
    }  # fmt: skip
    assert editor_client.post(url, data).status_code == 302
    Draft.objects.get().publish(reviewer)
    commitment.refresh_from_db()
    assert commitment.summary.startswith("Published on 16 June")
    assert commitment.summary_needs_review is False
