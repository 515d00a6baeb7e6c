import datetime
import hashlib

import pytest
from django.db import IntegrityError

from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db


def test_sha256_is_the_hash_of_the_stored_text_and_follows_edits():
    source = SourceDocumentFactory(text="Some text")
    assert source.sha256 == hashlib.sha256(b"Some text").hexdigest()
    source.text = "Other text \u00a3"
    source.save()
    source.refresh_from_db()
    assert source.sha256 == hashlib.sha256("Other text \u00a3".encode()).hexdigest()


def test_url_is_unique_when_present():
    SourceDocumentFactory(url="https://example.org/a")
    with pytest.raises(IntegrityError, match=r"(?i)unique"):
        SourceDocumentFactory(url="https://example.org/a")


def test_many_sources_may_have_no_url():
    SourceDocumentFactory(url="")
    SourceDocumentFactory(url="")


def test_text_cannot_be_empty():
    with pytest.raises(IntegrityError, match="text_not_empty"):
        SourceDocumentFactory(text="")


def test_a_question_cannot_be_answered_before_it_was_asked():
    with pytest.raises(IntegrityError, match="answered_not_before_asked"):
        SourceDocumentFactory(
            asked_on=datetime.date(2025, 1, 9), answered_on=datetime.date(2025, 1, 8)
        )


def test_str_and_url():
    source = SourceDocumentFactory(title="Offences", published_on=datetime.date(2025, 1, 8))
    assert str(source) == "Offences (Written answer, 2025-01-08)"
    assert source.get_absolute_url() == f"/sources/{source.pk}/"
