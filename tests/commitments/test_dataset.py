"""Facts the curated dataset must show, each checked against what its sources say."""

import datetime
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from commitments.models import (
    AnnouncementKind,
    Citation,
    Commitment,
    CommitmentLink,
    FundingLine,
    LinkKind,
    Status,
)
from sources.models import Provenance, SourceDocument
from sources.parsing import parse

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
D = datetime.date
TODAY = D(2026, 11, 21)

REQUIRED = [
    "ten-million-action-plan",
    "review-panel-closed-cases",
    "nfa-cases-reexamination",
    "iicsa-timetable-by-easter",
    "local-inquiries-fund",
    "casey-national-audit",
    "victims-survivors-panel",
    "mandatory-reporting-duty",
    "grooming-aggravating-factor",
    "data-collection-43-forces",
    "undercover-online-network",
    "child-abuse-image-database",
    "toex-programme",
    "cse-police-taskforce-funding",
    "ictg-rollout",
    "national-statutory-inquiry",
]


@pytest.fixture
def loaded():
    call_command("load_curated", verbosity=0)


def state(slug: str, on: datetime.date):
    return Commitment.objects.get(slug=slug).state_on(on)


def test_every_required_commitment_is_public_with_a_cited_pledge_and_a_status(loaded):
    published = Commitment.objects.published()
    assert set(REQUIRED) <= set(published.values_list("slug", flat=True))
    for slug in REQUIRED:
        commitment = published.get(slug=slug)
        assert commitment.pledge_citations.exists(), slug
        assert state(slug, TODAY).status in Status.values, slug
        assert commitment.lead_department, slug


def test_every_citation_verifies_and_every_claim_is_cited(loaded):
    assert Citation.objects.failing() == []
    for commitment in Commitment.objects.all():
        for announcement in commitment.announcements.all():
            assert announcement.citations.exists(), announcement
        for line in commitment.funding_lines.all():
            assert line.citations.exists(), line


def test_every_capture_is_stored_as_the_importer_reads_it(loaded):
    captures = sorted((FIXTURES / "sources").glob("*.txt"))
    assert len(captures) == 13
    for path in captures:
        parsed = parse(path.read_bytes(), filename=path.name)
        source = SourceDocument.objects.get(imported_from=path.name)
        assert source.text == parsed.text
        assert source.sha256 == parsed.sha256
        assert "Reticulating Splines" not in source.text
        for field in ("kind", "department", "answered_by", "asked_on", "answered_on"):
            if parsed.values.get(field):
                assert getattr(source, field) == parsed.values[field], (path.name, field)
    seed = SourceDocument.objects.get(imported_from="002_5b3fedb730473b4c.txt")
    assert (
        seed.url == "https://www.parallelparliament.co.uk/question/44749/offences-against-children"
    )
    assert seed.answered_by == "Diana Johnson"
    undated = SourceDocument.objects.get(uin="24742")
    assert undated.answered_on is None
    assert undated.published_on is None


def test_every_source_has_its_url_and_excerpts_and_secondary_sources_are_marked(loaded):
    assert not SourceDocument.objects.filter(url="").exists()
    assert SourceDocument.objects.filter(is_excerpt=True).count() >= 40
    news = SourceDocument.objects.get(url="https://policeprofessional.com/?p=141680")
    assert news.provenance == Provenance.SECONDARY
    assert news.published_on is None  # the page shows no date
    assert SourceDocument.objects.get(url__contains="gbnews.com/news/jim-gamble").is_secondary
    partial = SourceDocument.objects.get(imported_from__startswith="13_statement")
    assert partial.is_excerpt
    letter = SourceDocument.objects.get(url__contains="letter-from-home-secretary-to-inquiry")
    assert letter.provenance == Provenance.PRIMARY
    assert letter.is_excerpt


def test_casey_audit_was_overdue_at_the_end_of_may_and_delivered_on_16_june(loaded):
    before = state("casey-national-audit", D(2025, 6, 1))
    assert before.deadline == D(2025, 5, 31)
    assert before.status == Status.IN_PROGRESS
    assert before.is_overdue
    after = state("casey-national-audit", D(2025, 6, 16))
    assert after.status == Status.DELIVERED
    assert after.status_since == D(2025, 6, 16)
    assert not after.is_overdue
    assert state("casey-national-audit", D(2025, 6, 15)).status != Status.DELIVERED


def test_mandatory_reporting_duty_timeline(loaded):
    duty = Commitment.objects.get(slug="mandatory-reporting-duty")
    assent = duty.announcements.get(date=D(2026, 4, 29))
    assert "Royal Assent" in assent.summary
    assert "not commencement" in assent.note
    now = duty.state_on(TODAY)
    assert now.status == Status.IN_PROGRESS  # enacted, not yet shown in force
    assert now.status_since == D(2025, 2, 25)  # the Bill's introduction
    assert now.last_evidence_on == D(2026, 6, 29)


def test_local_inquiries_fund_is_superseded_by_the_national_inquiry(loaded):
    assert state("local-inquiries-fund", TODAY).status == Status.SUPERSEDED
    assert state("local-inquiries-fund", D(2025, 7, 1)).status == Status.STALLED
    assert CommitmentLink.objects.filter(
        from_commitment__slug="local-inquiries-fund",
        kind=LinkKind.SUPERSEDED_BY,
        to_commitment__slug="national-statutory-inquiry",
    ).exists()
    # The deadline slipped: before Easter for the pilot areas, then May for the framework.
    fund = Commitment.objects.get(slug="local-inquiries-fund")
    revisions = fund.announcements.exclude(new_deadline=None).order_by("date")
    assert [a.new_deadline for a in revisions] == [D(2025, 4, 20), D(2025, 5, 31)]


def test_the_national_inquiry_does_not_exist_before_june_2025(loaded):
    assert state("national-statutory-inquiry", D(2025, 3, 1)).status is None
    listed = Commitment.objects.as_of(D(2025, 3, 1)).filter(slug="national-statutory-inquiry")
    assert listed.get().status is None
    assert state("national-statutory-inquiry", D(2025, 6, 14)).status == Status.ANNOUNCED
    assert CommitmentLink.objects.filter(
        from_commitment__slug="casey-national-audit",
        kind=LinkKind.LED_TO,
        to_commitment__slug="national-statutory-inquiry",
    ).exists()


def test_national_inquiry_missed_its_march_2026_deadline_on_the_evidence_seen(loaded):
    now = state("national-statutory-inquiry", TODAY)
    assert now.deadline == D(2026, 3, 31)
    assert now.status == Status.IN_PROGRESS
    assert now.is_overdue
    assert now.last_evidence_on == D(2026, 2, 5)


def test_two_million_against_two_and_a_half_million_is_flagged(loaded):
    lines = FundingLine.objects.with_flags()
    two = lines.get(amount=Decimal(2_000_000))
    assert two.disagrees
    assert two.same_money_as.amount == Decimal(2_500_000)
    assert two.citations.filter(source__uin="22978").exists()
    assert two.same_money_as.citations.filter(
        source__url="https://policeprofessional.com/?p=141680"
    ).exists()
    assert "No source seen reconciles" in two.note


def test_the_ten_million_splits_five_two_and_a_half_two_and_a_half(loaded):
    plan = FundingLine.objects.with_flags().get(amount=Decimal(10_000_000))
    assert plan.parts_add_up is True
    assert plan.children_total == Decimal(10_000_000)
    children = sorted(plan.children.values_list("amount", "commitment__slug"))
    assert children == [
        (Decimal("2500000.00"), "casey-national-audit"),
        (Decimal("2500000.00"), "nfa-cases-reexamination"),
        (Decimal("5000000.00"), "local-inquiries-fund"),
    ]
    for child in plan.children.all():
        assert child.citations.get().source.uin == "24742"
        assert child.stated_on is None  # the capture shows no date


def test_silence_after_a_date_shows_the_last_evidence_not_a_guess(loaded):
    for slug in ("undercover-online-network", "child-abuse-image-database", "toex-programme"):
        now = state(slug, TODAY)
        assert now.status == Status.ANNOUNCED
        assert now.last_evidence_on == D(2025, 1, 16)


def test_iicsa_timetable_delivered_before_easter(loaded):
    now = state("iicsa-timetable-by-easter", TODAY)
    assert now.status == Status.DELIVERED
    assert now.status_since == D(2025, 4, 9)
    assert now.deadline == D(2025, 4, 20)
    assert not now.is_overdue
    assert state("iicsa-timetable-by-easter", D(2025, 4, 8)).status == Status.ANNOUNCED


def test_uncertain_and_secondary_events_say_so(loaded):
    commitment = Commitment.objects.get(slug="review-panel-closed-cases")
    assert "UNCERTAIN" in commitment.announcements.get().note
    for announcement in Commitment.objects.get(
        slug="national-statutory-inquiry"
    ).announcements.all():
        sources = [c.source for c in announcement.citations.all()]
        if all(source.is_secondary for source in sources):
            assert "Secondary source" in announcement.note, announcement


def test_operation_beaconport_is_the_re_examination_of_closed_cases(loaded):
    beaconport = Commitment.objects.get(slug="nfa-cases-reexamination").announcements.get(
        date=D(2025, 9, 2)
    )
    assert beaconport.kind == AnnouncementKind.SCOPE_CHANGED
    assert "Operation Beaconport" in beaconport.summary


def test_a_curated_value_contradicting_its_capture_saves_nothing(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    dataset = tmp_path / "fixtures" / "curated.toml"
    text = dataset.read_text(encoding="utf-8")
    entry = 'key = "pq-62612"\nfile = "sources/01_pq_62612_answered_2025-07-02.txt"\n'
    assert entry in text
    dataset.write_text(text.replace(entry, entry + 'answered_by = "Diana Johnson"\n'))
    with pytest.raises(CommandError, match="answered_by is 'Diana Johnson' here but the capture"):
        call_command("load_curated", str(dataset))
    assert not SourceDocument.objects.exists()
