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


def test_mandatory_reporting_duty_timeline(loaded):
    duty = Commitment.objects.get(slug="mandatory-reporting-duty")
    assent = duty.announcements.get(date=D(2026, 4, 29))
    assert "Royal Assent" in assent.summary
    assert "not commencement" in assent.note
    now = duty.state_on(TODAY)
    assert now.status == Status.IN_PROGRESS  # enacted, not yet shown in force
    assert now.status_since == D(2025, 2, 25)  # the Bill's introduction
    assert now.last_evidence_on == D(2026, 6, 29)


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


def test_uncertain_and_secondary_events_say_so(loaded):
    commitment = Commitment.objects.get(slug="review-panel-closed-cases")
    assert "not found" in commitment.announcements.get().note
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


# -- the review of November 2026 (../shared/research/review-2026-11.md): E1 to E13 ---------------


def primary_pledge(slug: str) -> bool:
    return (
        Commitment.objects.get(slug=slug)
        .pledge_citations.filter(source__provenance=Provenance.PRIMARY)
        .exists()
    )


def test_e1_the_review_panel_stays_announced_until_its_extension_is_quoted(loaded):
    # The review points to a written answer and a statement; neither passage was found, so the
    # status is not moved on the review's word, and the page says so.
    panel = Commitment.objects.get(slug="review-panel-closed-cases")
    assert state("review-panel-closed-cases", TODAY).status == Status.ANNOUNCED
    assert "found neither passage" in panel.summary
    assert primary_pledge("review-panel-closed-cases")  # GOV.UK's words now
    assert not SourceDocument.objects.filter(url__contains="review-2026-11").exists()


def test_e2_beaconport_is_the_audits_recommendation_2(loaded):
    link = CommitmentLink.objects.get(
        from_commitment__slug="casey-national-audit", to_commitment__slug="nfa-cases-reexamination"
    )
    assert "recommendation 2" in link.note
    assert "recommendation 1 is the law on rape of under-16s" in link.note


def test_e3_data_collection_is_in_progress_not_delivered(loaded):
    now = state("data-collection-43-forces", TODAY)
    assert now.status == Status.IN_PROGRESS
    assert not now.is_closed
    letter = Commitment.objects.get(slug="data-collection-43-forces").announcements.get(
        date=D(2025, 11, 4)
    )
    assert letter.new_status == ""
    assert letter.citations.filter(quote__contains="we will not hesitate").exists()


def test_e4_oldhams_inquiry_was_dropped_not_the_fund(loaded):
    assert state("local-inquiries-fund", TODAY).status == Status.STALLED
    assert state("local-inquiries-fund", D(2025, 7, 1)).status == Status.STALLED
    assert not CommitmentLink.objects.filter(
        from_commitment__slug="local-inquiries-fund", kind=LinkKind.SUPERSEDED_BY
    ).exists()
    oldham = Commitment.objects.get(slug="local-inquiries-fund").announcements.get(
        date=D(2025, 12, 9)
    )
    assert (oldham.kind, oldham.new_status) == (AnnouncementKind.SCOPE_CHANGED, "")
    assert oldham.citations.get().quote.endswith(
        "Oldham will be ‘prioritised’ in the larger report"
    )
    fund = Commitment.objects.get(slug="local-inquiries-fund")
    revisions = fund.announcements.exclude(new_deadline=None).order_by("date")
    assert [a.new_deadline for a in revisions] == [D(2025, 4, 20), D(2025, 5, 31)]
    # The page on which the dropping is reported shows no date of its own.
    assert (
        SourceDocument.objects.get(url__contains="what-grooming-gang-chair").published_on is None
    )


def test_e5_the_iicsa_timetable_is_partly_delivered_and_the_government_says_delivered(loaded):
    now = state("iicsa-timetable-by-easter", TODAY)
    assert now.status == Status.PARTLY_DELIVERED
    assert now.status_since == D(2025, 4, 9)
    assert (now.claimed_status, now.claimed_on) == (Status.DELIVERED, D(2025, 12, 22))
    assert now.claims_more
    row = Commitment.objects.as_of(TODAY).get(slug="iicsa-timetable-by-easter")
    assert row.claims_more
    assert state("iicsa-timetable-by-easter", D(2025, 4, 8)).status == Status.ANNOUNCED
    assert primary_pledge("iicsa-timetable-by-easter")


def test_e6_the_two_million_may_overlap_and_is_not_counted_twice(loaded):
    two = FundingLine.objects.with_flags().get(amount=Decimal(2_000_000))
    assert two.same_money_as is None
    assert two.may_overlap
    assert not two.disagrees
    assert "No source seen says whether" in two.note
    counted = Commitment.objects.with_money(TODAY).get(slug="nfa-cases-reexamination").money
    lines = FundingLine.objects.filter(commitment__slug="nfa-cases-reexamination")
    assert counted == sum(
        line.amount for line in lines if not line.may_overlap and line.same_money_as is None
    )
    assert Decimal(2_000_000) not in [line.amount for line in lines if line.same_money_as]


def test_e7_the_audits_deadline_was_three_months_then_may(loaded):
    audit = Commitment.objects.get(slug="casey-national-audit")
    revisions = audit.announcements.exclude(new_deadline=None).order_by("date")
    assert [(a.date, a.new_deadline) for a in revisions] == [
        (D(2025, 1, 16), D(2025, 4, 16)),
        (D(2025, 6, 2), D(2025, 5, 31)),
    ]
    april = state("casey-national-audit", D(2025, 4, 17))
    assert april.deadline == D(2025, 4, 16)
    assert april.is_overdue
    june = state("casey-national-audit", D(2025, 6, 2))
    assert june.deadline == D(2025, 5, 31)
    assert june.is_overdue
    delivered = state("casey-national-audit", D(2025, 6, 16))
    assert (delivered.status, delivered.status_since) == (Status.DELIVERED, D(2025, 6, 16))
    assert not delivered.is_overdue
    assert state("casey-national-audit", D(2025, 6, 15)).status != Status.DELIVERED


def test_e8_the_reporting_duty_was_narrowed_in_the_bill(loaded):
    duty = Commitment.objects.get(slug="mandatory-reporting-duty")
    narrowed = duty.announcements.get(date=D(2025, 2, 25), kind=AnnouncementKind.SCOPE_CHANGED)
    quotes = set(narrowed.citations.values_list("quote", flat=True))
    assert "Interestingly, the Bill stops short of criminalising a failure to report." in quotes
    assert narrowed.citations.filter(source__provenance=Provenance.PRIMARY).exists()
    pledged = duty.announcements.get(date=D(2025, 1, 7), kind=AnnouncementKind.SCOPE_CHANGED)
    assert "professional and criminal sanctions" in pledged.citations.get().quote
    assert "stops short" in duty.summary
    now = duty.state_on(TODAY)
    assert now.status == Status.IN_PROGRESS  # enacted, not yet shown in force
    assert now.status_since == D(2025, 2, 25)


@pytest.mark.parametrize(
    "slug",
    ["ten-million-action-plan", "review-panel-closed-cases", "nfa-cases-reexamination",
     "iicsa-timetable-by-easter", "local-inquiries-fund", "mandatory-reporting-duty",
     "grooming-aggravating-factor"],
)  # fmt: skip
def test_e9_the_16_january_pledges_cite_the_governments_own_publication(loaded, slug):
    assert primary_pledge(slug)


def test_e9_the_audits_pledge_is_the_home_secretarys_words_in_hansard(loaded):
    audit = Commitment.objects.get(slug="casey-national-audit")
    assert audit.pledge_text.startswith("First, we want a rapid audit")
    assert audit.pledge_citations.filter(source__provenance=Provenance.PRIMARY_MIRROR).exists()


def test_e10_the_national_inquiry_in_the_governments_words(loaded):
    inquiry = Commitment.objects.get(slug="national-statutory-inquiry")
    assert "statutory national inquiry" in inquiry.pledge_text
    assert not inquiry.pledge_text.startswith("Sir Keir Starmer")
    three_years = inquiry.announcements.get(date=D(2025, 6, 16))
    assert three_years.citations.filter(
        quote="we had expected that it would take around three years"
    ).exists()
    assert three_years.citations.exclude(source__provenance=Provenance.SECONDARY).exists()


def test_e10_the_national_inquirys_stale_status_rests_on_the_newest_source_found(loaded):
    now = state("national-statutory-inquiry", TODAY)
    assert now.deadline == D(2026, 3, 31)
    assert now.deadline_wording == "set to be finalised by 31 March 2026"
    assert now.status == Status.IN_PROGRESS
    assert now.is_overdue
    assert now.last_evidence_on == D(2026, 2, 13)
    inquiry = Commitment.objects.get(slug="national-statutory-inquiry")
    assert "search of 2 December 2026" in inquiry.summary


@pytest.mark.parametrize("slug", ["mandatory-reporting-duty", "grooming-aggravating-factor"])
def test_e11_the_acts_text_was_looked_for_and_not_found(loaded, slug):
    summary = Commitment.objects.get(slug=slug).summary
    assert (
        "legislation.gov.uk was looked for in the search of 2 December 2026 and not found"
        in summary
    )


def test_e12_toex_is_followed_after_january_2025(loaded):
    now = state("toex-programme", TODAY)
    assert now.status == Status.IN_PROGRESS
    assert now.last_evidence_on == D(2025, 10, 27)
    for slug in ("undercover-online-network", "child-abuse-image-database"):
        assert state(slug, TODAY).last_evidence_on == D(2025, 1, 16)  # silence, not a guess


def test_e13_the_barrister_magazine_quote_is_the_pages_own_words(loaded):
    citation = Citation.objects.get(
        source__url__contains="barristermagazine.com", quote__startswith="Understandably"
    )
    assert "…" not in citation.quote
    assert "(a great many others appeared in IICSA’s previous reports)" in citation.quote
    assert citation.source.kind == "other"


def test_at_least_30_commitments_each_with_the_date_its_sources_were_searched(loaded, client):
    published = Commitment.objects.published()
    assert published.count() >= 30
    assert set(published.values_list("searched_on", flat=True)) == {D(2026, 12, 2)}
    casey = published.filter(parent__slug="casey-12-recommendations")
    assert casey.count() == 11  # the twelfth's wording was not found
    for child in casey:
        first = child.announcements.order_by("date").first()
        assert (first.date, first.new_firmness) == (D(2025, 6, 16), "accepted_in_full")
    page = client.get("/commitments/casey-rec-1-rape-law/").content.decode()
    assert "Sources last searched on 2 December 2026." in page
    earlier = client.get("/commitments/casey-rec-1-rape-law/?as_of=2025-07-01").content.decode()
    assert "Sources last searched" not in earlier  # not known on that date
