import datetime

import factory

from commitments.models import (
    Announcement,
    AnnouncementKind,
    Citation,
    Commitment,
    CommitmentLink,
    Department,
    FundingLine,
    FundingStage,
    LinkKind,
    Theme,
)
from tests.sources.factories import SourceDocumentFactory

QUOTE = "The Government will deliver the commitment on time."


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    title = factory.Sequence(lambda n: f"Commitment number {n}")
    slug = factory.Sequence(lambda n: f"commitment-{n}")
    pledge_text = QUOTE
    theme = Theme.INQUIRIES
    lead_department = Department.HOME_OFFICE


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    commitment = factory.SubFactory(CommitmentFactory)
    date = datetime.date(2025, 1, 16)
    kind = AnnouncementKind.PROGRESS
    summary = "Something happened."


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    commitment = factory.SubFactory(CommitmentFactory)
    amount = 5_000_000
    stage = FundingStage.ANNOUNCED
    stated_on = datetime.date(2025, 1, 16)
    purpose = "Local inquiries"


class CitationFactory(factory.django.DjangoModelFactory):
    """A pledge citation by default; pass announcement= or funding_line= to cite those."""

    class Meta:
        model = Citation

    commitment = factory.SubFactory(CommitmentFactory)
    source = factory.SubFactory(SourceDocumentFactory)
    quote = QUOTE


class CommitmentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitmentLink

    from_commitment = factory.SubFactory(CommitmentFactory)
    kind = LinkKind.SUPERSEDED_BY
    to_commitment = factory.SubFactory(CommitmentFactory)


def published_commitment(**kwargs) -> Commitment:
    """A commitment whose pledge is cited, so the public site shows it."""
    commitment = CommitmentFactory(**kwargs)
    CitationFactory(commitment=commitment)
    return commitment


def event(commitment, date, *, source=None, **kwargs) -> Announcement:
    """An announcement backed by one citation (so the public status rule counts it)."""
    announcement = AnnouncementFactory(commitment=commitment, date=date, **kwargs)
    extra = {"source": source} if source is not None else {}
    CitationFactory(commitment=commitment, announcement=announcement, **extra)
    return announcement


def bulk_published(
    n: int, *, on=None, parent=None, deadline=None, money=False, prefix="bulk"
) -> list[Commitment]:
    """`n` public commitments, each with a cited status-setting event (and optionally a cited
    funding line), created with bulk_create: fast enough for a thousand. Quotes are real
    substrings of one shared source, as the citation check requires."""
    from commitments.models import Citation, FundingLine, FundingStage, Status

    on = on or datetime.date(2025, 1, 1)
    source = SourceDocumentFactory()
    commitments = Commitment.objects.bulk_create(
        Commitment(slug=f"{prefix}-{i}", title=f"Bulk commitment {i:04d}", pledge_text="Act.",
                   theme="policing", lead_department="home_office", parent=parent, version=1)
        for i in range(n)
    )  # fmt: skip
    events = Announcement.objects.bulk_create(
        Announcement(commitment=c, date=on, kind="progress", summary=f"Step {c.pk}.",
                     new_status=Status.IN_PROGRESS, new_deadline=deadline,
                     deadline_wording="by then" if deadline else "", version=1)
        for c in commitments
    )  # fmt: skip
    citations = [
        Citation(commitment=c, source=source, quote=QUOTE, version=1) for c in commitments
    ]
    citations += [
        Citation(commitment=e.commitment, announcement=e, source=source, quote=QUOTE, version=1)
        for e in events
    ]
    if money:
        lines = FundingLine.objects.bulk_create(
            FundingLine(commitment=c, amount=1000, stage=FundingStage.ANNOUNCED, stated_on=on,
                        version=1)
            for c in commitments
        )  # fmt: skip
        citations += [
            Citation(commitment=line.commitment, funding_line=line, source=source, quote=QUOTE,
                     version=1)
            for line in lines
        ]  # fmt: skip
    Citation.objects.bulk_create(citations)
    Commitment.objects.filter(pk__in=[c.pk for c in commitments]).refresh_record_cache()
    return commitments
