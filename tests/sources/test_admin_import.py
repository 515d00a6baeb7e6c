"""The admin's import page: upload or paste, check what was read, then save."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sources.models import SourceDocument
from tests.commitments.factories import CitationFactory

pytestmark = pytest.mark.django_db

CAPTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
PQ = "01_pq_62612_answered_2025-07-02.txt"
URL = reverse("admin:sources_sourcedocument_import")


def confirm_data(response) -> dict:
    form = response.context["confirm"]
    data = {name: form[name].value() for name in form.fields}
    data["update"] = "on" if data["update"] else ""
    return {**data, "confirm": "Save"}


def test_changelist_links_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:sources_sourcedocument_changelist"))
    assert URL in response.content.decode()


def test_upload_shows_the_parsed_fields_then_saves_them(editor_client):
    upload = SimpleUploadedFile(PQ, (CAPTURES / PQ).read_bytes(), "text/plain")
    preview = editor_client.post(URL, {"file": upload, "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "This will create a new source" in html
    for shown in ("Jess Phillips", "2025-06-25", "2025-07-02", "62612", "Home Office"):
        assert shown in html
    assert "Missing from the capture" in html
    assert "asked_by" in html
    assert SourceDocument.objects.count() == 0  # the preview saves nothing

    saved = editor_client.post(URL, confirm_data(preview), follow=True)
    source = SourceDocument.objects.get()
    assert saved.redirect_chain[-1][0] == reverse(
        "admin:sources_sourcedocument_change", args=[source.pk]
    )
    assert source.answered_by == "Jess Phillips"
    assert str(source.answered_on) == "2025-07-02"
    assert source.imported_from == PQ
    assert f"Created source #{source.pk} from {PQ}" in saved.content.decode()


def test_pasted_text_is_read_by_the_same_parser(editor_client):
    text = (CAPTURES / "000_830db60761bdff80.txt").read_text()
    preview = editor_client.post(URL, {"text": text, "preview": "1"})
    assert "Jess Phillips" in preview.content.decode()
    editor_client.post(URL, confirm_data(preview))
    source = SourceDocument.objects.get()
    assert source.imported_from == "pasted in the admin"
    assert str(source.asked_on) == "2025-01-03"
    assert "Reticulating Splines" not in source.text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Upload a file or paste the text"),
        ({"text": "   "}, "Upload a file or paste the text"),
        ({"text": "<html><body>x</body></html>"}, "HTML page"),
        (
            {"file": SimpleUploadedFile("x.txt", "Title\n\u00a35m".encode("latin-1"))},
            "not UTF-8",
        ),
    ],
)
def test_unreadable_input_is_a_form_error(editor_client, data, error):
    response = editor_client.post(URL, {**data, "preview": "1"})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert SourceDocument.objects.count() == 0


def test_unrecognised_text_is_refused_in_the_preview_with_no_save_button(editor_client):
    response = editor_client.post(URL, {"text": "hello", "preview": "1"})
    html = response.content.decode()
    assert "Refused: unrecognised layout" in html
    assert 'name="confirm"' not in html


def test_a_changed_text_for_a_stored_url_needs_the_update_box(editor_client):
    first = editor_client.post(URL, {"text": (CAPTURES / PQ).read_text(), "preview": "1"})
    editor_client.post(URL, confirm_data(first))
    source = SourceDocument.objects.get()
    citation = CitationFactory(source=source, quote="thanks to this work")
    changed = (CAPTURES / PQ).read_text().replace("thanks to this work", "since then")

    refused = editor_client.post(URL, {"text": changed, "preview": "1"})
    assert "already stores a different text" in refused.content.decode()
    assert refused.context["confirm"] is None

    preview = editor_client.post(URL, {"text": changed, "update": "on", "preview": "1"})
    html = preview.content.decode()
    assert "cannot replace the stored text" in html  # it would break the citation
    assert f"#{citation.pk}" in html
    assert preview.context["confirm"] is None
    source.refresh_from_db()
    assert "thanks to this work" in source.text  # the preview saved nothing

    kept = (CAPTURES / PQ).read_text().replace("Since January, more", "Since January now, more")
    preview = editor_client.post(URL, {"text": kept, "update": "on", "preview": "1"})
    assert "This replaces the stored text" in preview.content.decode()
    editor_client.post(URL, confirm_data(preview))
    source.refresh_from_db()
    assert "Since January now" in source.text
    assert source.history.count() == 2


def test_text_altered_after_the_preview_is_not_saved(editor_client):
    preview = editor_client.post(URL, {"text": (CAPTURES / PQ).read_text(), "preview": "1"})
    data = confirm_data(preview)
    data["content"] = data["content"].replace("800", "8000")
    response = editor_client.post(URL, data, follow=True)
    assert "changed after the preview" in response.content.decode()
    assert SourceDocument.objects.count() == 0


def test_import_needs_the_add_permission(client, editor):
    editor.groups.clear()
    editor.user_permissions.add(
        Permission.objects.get(codename="view_sourcedocument", content_type__app_label="sources")
    )
    client.force_login(editor)
    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]
