"""Issue 10, findings 4 and 5: no edit silently breaks what the public site rests on.

- A source's stored text changes only through the import that re-checks its citations; a text
  that would break one is refused, with the citations listed, on every path.
- Removing a public commitment's last pledge citation (delete, bulk delete, the inline's
  delete box, or turning it into an event's citation) is refused with the reason, and the
  commitment stays public.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commitments.models import Citation, Commitment, Status
from sources.importing import REFUSED, UPDATED, import_document
from tests.admin_forms import admin_form_data
from tests.commitments.factories import CitationFactory, event, published_commitment
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db


# -- finding 4: a source's text ---------------------------------------------------------------


def test_the_change_form_shows_the_text_but_cannot_replace_it(admin_client):
    source = SourceDocumentFactory()
    CitationFactory(source=source)
    url = reverse("admin:sources_sourcedocument_change", args=[source.pk])
    page = admin_client.get(url)
    assert "text" not in page.context["adminform"].form.fields
    assert "Replace the stored text" in page.content.decode()
    data = admin_form_data(page)
    data["text"] = "Replaced through the change form."
    local = timezone.localtime(source.captured_at)
    data["captured_at_0"], data["captured_at_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    data["notes"] = "An editor's note."
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.notes == "An editor's note."
    assert source.text.startswith("Document")  # the text was not replaced


def test_a_text_that_breaks_a_citation_is_refused_on_save_listing_it():
    source = SourceDocumentFactory()
    kept = CitationFactory(source=source)
    source.text = "A different document altogether."
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        source.save()
    message = " ".join(refused.value.message_dict["text"])
    assert f"#{kept.pk} (pledge of {kept.commitment.slug})" in message
    assert "The Government will deliver" in message
    source.refresh_from_db()
    assert source.contains_quote(kept.quote)


def test_a_text_that_keeps_every_quote_may_replace_the_old_one():
    source = SourceDocumentFactory()
    CitationFactory(source=source)
    source.text = "Preface. The Government will deliver the commitment on time. Afterword."
    source.save()
    assert Citation.objects.filter(source=source).failing() == []


def test_an_import_update_that_breaks_citations_is_refused_and_lists_them():
    url = "https://www.gov.uk/government/news/example"
    more = " It was reported on the day with comment from several members of the House."
    first = import_document(
        f"{url}\nExample news\n\nThe Government will deliver the commitment on time.{more}",
        name="first.txt",
    )
    cited = CitationFactory(source=first.source)
    outcome = import_document(
        f"{url}\nExample news\n\nThe Government changed its mind entirely.{more}",
        name="second.txt",
        update=True,
    )
    assert outcome.status == REFUSED
    assert f"#{cited.pk}" in outcome.reason
    assert [c["id"] for c in outcome.failing_citations] == [cited.pk]
    first.source.refresh_from_db()
    assert "will deliver" in first.source.text
    ok = import_document(
        f"{url}\nExample news\n\nThe Government will deliver the commitment on time. New.{more}",
        name="third.txt",
        update=True,
    )
    assert ok.status == UPDATED


# -- finding 5: unpublishing ------------------------------------------------------------------


@pytest.fixture
def casey():
    commitment = published_commitment(title="Casey audit")
    event(commitment, datetime.date(2025, 1, 16), new_status=Status.ANNOUNCED)
    return commitment


def still_public(client, commitment) -> bool:
    commitment.refresh_from_db()
    return commitment.is_public and client.get(commitment.get_absolute_url()).status_code == 200


def test_deleting_the_last_pledge_citation_is_refused_in_the_admin(admin_client, client, casey):
    pledge = casey.citations.of_pledges().get()
    url = reverse("admin:commitments_citation_delete", args=[pledge.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert response.url == reverse("admin:commitments_citation_change", args=[pledge.pk])
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("would no longer be public" in m for m in shown)
    assert Citation.objects.filter(pk=pledge.pk).exists()
    assert still_public(client, casey)


def test_there_is_no_bulk_delete_of_citations(admin_client, casey):
    response = admin_client.get(reverse("admin:commitments_citation_changelist"))
    model_admin = response.context["cl"].model_admin
    assert "delete_selected" not in model_admin.get_actions(response.wsgi_request)


def test_a_second_pledge_citation_may_be_deleted(admin_client, client, casey):
    spare = CitationFactory(commitment=casey)
    url = reverse("admin:commitments_citation_delete", args=[spare.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Citation.objects.filter(pk=spare.pk).exists()
    assert still_public(client, casey)


def test_the_inline_delete_box_cannot_unpublish(admin_client, client, casey):
    url = reverse("admin:commitments_commitment_change", args=[casey.pk])
    data = admin_form_data(admin_client.get(url))
    pledge = casey.citations.of_pledges().get()
    key = next(
        k for k, v in data.items() if k.startswith("citations-") and k.endswith("-id")
        and v == str(pledge.pk)
    )  # fmt: skip
    data[key.removesuffix("-id") + "-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "would no longer be public" in response.content.decode()
    assert still_public(client, casey)


def test_turning_the_last_pledge_citation_into_an_event_citation_is_refused(casey):
    pledge = casey.citations.of_pledges().get()
    pledge.announcement = casey.announcements.get()
    with pytest.raises(ValidationError, match="would no longer be public"):
        pledge.full_clean()
    with pytest.raises(ValidationError), transaction.atomic():
        pledge.save()
    assert Commitment.objects.get(pk=casey.pk).is_public


def test_deleting_it_in_code_is_refused_but_deleting_the_commitment_is_not(casey):
    pledge = casey.citations.of_pledges().get()
    with pytest.raises(ValidationError), transaction.atomic():
        pledge.delete()
    with pytest.raises(ValidationError), transaction.atomic():
        Citation.objects.filter(pk=pledge.pk).delete()
    assert Citation.objects.filter(pk=pledge.pk).exists()
    casey.delete()
    assert not Commitment.objects.filter(pk=casey.pk).exists()
