"""Issue 10, finding 3: one control character in a summary broke every feed. Every text field
stores printable text only, whatever path writes it, and no stored text can stop a feed."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from commitments.models import Commitment, Status
from sources.models import SourceDocument
from sources.text import normalise_line_breaks, unprintable, xml_safe
from tests.admin_forms import admin_form_data
from tests.commitments.factories import event, published_commitment

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("one\x0btwo", "one\ntwo"),  # what Word pastes as a line break
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("one\x0ctwo\u2028three\u2029four\x85five", "one\ntwo\nthree\nfour\nfive"),
        ("tab\tstays", "tab\tstays"),
    ],
)
def test_line_breaks_are_normalised(raw, stored):
    assert normalise_line_breaks(raw) == stored
    assert unprintable(normalise_line_breaks(raw)) is None


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\ufffe", "\ud800"])
def test_other_control_characters_are_named(char):
    assert unprintable(f"ab{char}c") == f"U+{ord(char):04X} at character 3"
    assert unprintable(xml_safe(f"ab{char}c")) is None


def test_saving_a_control_character_is_refused_below_the_forms():
    commitment = published_commitment()
    commitment.summary = "Bell\x07 in the summary"
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        commitment.save()
    assert "U+0007" in str(refused.value.message_dict["summary"])
    with pytest.raises(ValidationError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(title="Escape\x1b[31m")
    with pytest.raises(ValidationError), transaction.atomic():
        SourceDocument.objects.create(kind="other", title="T", text="NUL\x00")
    commitment.refresh_from_db()
    assert "\x07" not in commitment.summary
    assert "\x1b" not in commitment.title


def test_a_search_with_a_control_character_is_not_an_error(client):
    published_commitment(title="Findable")
    assert Commitment.objects.filter(title__icontains="Find\x07").count() == 0
    assert client.get("/commitments/", {"q": "Find\x07"}).status_code == 200


def test_a_word_line_break_is_stored_as_a_line_break_by_any_path():
    commitment = published_commitment()
    happened = event(commitment, datetime.date(2025, 2, 1), new_status=Status.IN_PROGRESS)
    happened.summary = "First line\x0bsecond line"
    happened.save()
    happened.refresh_from_db()
    assert happened.summary == "First line\nsecond line"
    commitment.title = "Two\nlines"
    commitment.save()
    commitment.refresh_from_db()
    assert commitment.title == "Two lines"  # a one-line field


def test_source_text_is_hashed_after_normalising():
    source = SourceDocument.objects.create(kind="other", title="T", text="a\r\nb")
    assert source.text == "a\nb"
    assert source.sha256 == SourceDocument.compute_sha256("a\nb")


def test_the_admin_gives_a_field_error_and_keeps_the_editors_text(admin_client):
    commitment = published_commitment()
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    data = admin_form_data(admin_client.get(url))
    data["summary"] = "Pasted\x01text"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "U+0001" in errors["summary"][0]
    assert "Pasted\x01text" in response.context["adminform"].form["summary"].value()


def test_the_admin_saves_a_word_line_break_and_the_feeds_keep_working(admin_client, client):
    commitment = published_commitment()
    happened = event(commitment, datetime.date(2025, 2, 1), new_status=Status.IN_PROGRESS)
    url = reverse("admin:commitments_announcement_change", args=[happened.pk])
    data = admin_form_data(admin_client.get(url))
    data["summary"] = "Line one\x0bLine two"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    for feed in ("/feeds/updates.atom", f"/feeds/commitments/{commitment.slug}.atom"):
        response = client.get(feed)
        assert response.status_code == 200
        entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
        assert "Line one\nLine two" in entries[0].find(f"{ATOM}summary").text


def test_text_stored_before_the_rule_cannot_stop_a_feed(client):
    commitment = published_commitment()
    happened = event(commitment, datetime.date(2025, 2, 1), new_status=Status.IN_PROGRESS)
    # Raw SQL writes past the fields' checks, as data stored before the rule might have.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE commitments_announcement SET summary = %s WHERE id = %s",
            ["Old\x07text", happened.pk],
        )
        cursor.execute(
            "UPDATE commitments_commitment SET pledge_text = %s WHERE id = %s",
            ["Pledge\x1b[31m", commitment.pk],
        )
    for feed in ("/feeds/updates.atom", f"/feeds/commitments/{commitment.slug}.atom"):
        response = client.get(feed)
        assert response.status_code == 200
        ET.fromstring(response.content)  # well-formed XML
        assert "Old\ufffdtext" in response.content.decode()
