"""Citation checking: a quote must appear in its source's stored text, normalised, or it is
refused: as a form error in the admin, as a refused save elsewhere, and by verify_citations."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from commitments.models import Citation
from sources.models import SourceDocument
from tests.commitments.factories import (
    AnnouncementFactory,
    CitationFactory,
    CommitmentFactory,
    FundingLineFactory,
)
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db

STORED = (
    "We have also taken the decision to implement the fund in a flexible way, in order to "
    "support both local authorities who want to launch full independent local inquiries;\n"
    "and those who want to take on more bespoke work \u2013 including Baroness Casey\u2019s "
    "\u201crapid\u201d audit."
)


@pytest.fixture
def source():
    return SourceDocumentFactory(text=STORED)


@pytest.mark.parametrize(
    "quote",
    [
        "implement the fund in a flexible way",
        # straight quotes and a hyphen for the stored typographic ones
        'bespoke work - including Baroness Casey\'s "rapid" audit.',
        # extra spaces and a line break where the source has one space, and vice versa
        "implement   the fund\nin a  flexible way",
        "local inquiries; and those who want",
    ],
)
def test_quotes_that_appear_after_normalising_are_accepted(source, quote):
    citation = CitationFactory(source=source, quote=quote)
    assert citation.pk is not None
    assert citation.quote_error() is None


@pytest.mark.parametrize(
    "quote",
    [
        "implement the fund in a flexible manner",  # a word changed
        "Implement the fund in a flexible way",  # case changed
        "implement the fund … flexible way",  # an ellipsis for omitted words
    ],
)
def test_quotes_that_differ_otherwise_are_refused_on_save(source, quote):
    with pytest.raises(ValidationError) as raised:
        CitationFactory(source=source, quote=quote)
    assert "does not appear in the stored text" in raised.value.message_dict["quote"][0]
    assert not Citation.objects.exists()


def test_a_quote_from_another_source_is_refused(source):
    other = SourceDocumentFactory(text="The audit will begin soon and last three months.")
    CitationFactory(source=other, quote="last three months")
    with pytest.raises(ValidationError, match="does not appear"):
        CitationFactory(source=source, quote="last three months")


def test_full_clean_reports_the_quote_as_a_field_error(source):
    citation = Citation(commitment=CommitmentFactory(), source=source, quote="not in there")
    with pytest.raises(ValidationError) as raised:
        citation.full_clean()
    assert list(raised.value.message_dict) == ["quote"]


def test_the_commitment_is_taken_from_the_cited_announcement(source):
    announcement = AnnouncementFactory()
    citation = Citation(
        commitment=CommitmentFactory(),
        announcement=announcement,
        source=source,
        quote="flexible way",
    )
    with pytest.raises(ValidationError, match="belongs to another commitment"):
        citation.full_clean()
    citation.save()
    assert citation.commitment == announcement.commitment
    assert citation.claim == announcement
    assert citation.claim_kind == "announcement"


def test_verify_citations_passes_when_all_hold(source, capsys):
    CitationFactory.create_batch(3, source=source, quote="flexible way")
    call_command("verify_citations")
    assert "All 3 citations verified." in capsys.readouterr().out


def test_verify_citations_lists_failures_and_exits_non_zero(source, capsys):
    good = CitationFactory(source=source, quote="flexible way")
    bad = CitationFactory(source=source, quote="bespoke work")
    # The stored text changes underneath the citation (saving it is refused, so only a raw
    # write such as a database restore can do this).
    SourceDocument.objects.filter(pk=source.pk).update(
        text=STORED.replace("bespoke work", "tailored work")
    )
    with pytest.raises(CommandError, match="1 of 2 citations failed"):
        call_command("verify_citations")
    err = capsys.readouterr().err
    assert f"citation #{bad.pk}" in err
    assert f"citation #{good.pk}" not in err


def test_what_a_citation_supports_reads_the_same_on_a_row_and_in_sql():
    """The citations export asks the database; the source page asks the row."""
    pledge = CitationFactory()
    announcement = AnnouncementFactory()
    of_event = CitationFactory(commitment=announcement.commitment, announcement=announcement)
    line = FundingLineFactory()
    of_money = CitationFactory(commitment=line.commitment, funding_line=line)
    in_sql = dict(
        Citation.objects.annotate(kind=Citation.claim_kind_expression()).values_list("pk", "kind")
    )
    assert in_sql == {
        pledge.pk: "pledge",
        of_event.pk: "announcement",
        of_money.pk: "funding line",
    }
    assert {c.pk: c.claim_kind for c in Citation.objects.all()} == in_sql
