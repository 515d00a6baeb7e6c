"""The six datasets: each column declared once (name, kind, meaning, example, expression).

The declaration drives the CSV header, every cell of both ways of writing it, the JSON API's
fields and the data dictionary on /methodology/, so they cannot drift apart. Rows come from the
same FilterSets as the pages (CommitmentFilter for commitments and everything hanging off them,
SourceFilter for sources), so a download holds exactly what the page shows.
"""

import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.db.models.lookups import Exact

from sources.filters import source_filterset
from sources.models import Provenance, SourceKind

from ..filters import commitment_filterset
from ..models import (
    CLOSED_STATUSES,
    HOUSES,
    Announcement,
    AnnouncementKind,
    Bill,
    Citation,
    Correction,
    Department,
    Firmness,
    FundingLine,
    FundingStage,
    Status,
    Theme,
)
from .columns import ON, Column, Dataset, DaysBetween, Joined, SiteUrl, earlier


def labelled(code, choices) -> Case:
    """The words for the code in `code` (a field's name or an expression): "In progress" for
    in_progress. Each code column has one of these beside it, so a reader needs no dictionary."""
    expression = F(code) if isinstance(code, str) else code
    whens = [
        When(Exact(expression, Value(value)), then=Value(str(label))) for value, label in choices
    ]
    return Case(*whens, default=None, output_field=CharField())


# -- commitments ---------------------------------------------------------------------------


def commitments(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """The page's commitments themselves (the FilterSet annotates their state on `on`)."""
    return queryset


first_pledge_source = Subquery(
    Citation.objects.of_pledges()
    .filter(commitment=OuterRef("pk"))
    .order_by("pk")
    .values("source__url")[:1]
)
late_by_days = Case(
    When(deadline_met=False, then=DaysBetween(F("deadline"), F("status_since"))),
    output_field=IntegerField(),
)
days_overdue = Case(
    When(is_overdue=True, then=DaysBetween(F("deadline"), F(ON))), output_field=IntegerField()
)


# The bills that carry the row's commitment, each with where it stood on the row's date (the
# stages' subqueries sit two levels below the commitment row, hence OuterRef(OuterRef(ON))).
carrying_bills = (
    Bill.objects.recorded().filter(commitments=OuterRef("pk")).standing(OuterRef(OuterRef(ON)))
)


def stage_in_house(stage: str, house: str) -> Case:
    """ "2nd reading (House of Lords)"; a stage of no one House (Royal Assent) by its name."""
    return Case(
        *[When(**{house: key}, then=Concat(F(stage), Value(f" ({name})"))) for key, name in HOUSES.items()],
        default=F(stage),
        output_field=CharField(),
    )  # fmt: skip


def of_bills(field) -> Joined:
    """`field` of every bill carrying the row's commitment, in the bills' order."""
    return Joined(carrying_bills, field)


COMMITMENT_COLUMNS = (
    Column("slug", "text", "Permanent identifier of the commitment; its page is /commitments/<slug>/.", "casey-national-audit", F("slug")),
    Column("title", "text", "Short neutral name of the pledge.", "Baroness Casey's rapid national audit…", F("title")),
    Column("status", "text", "Status on the as_of date, derived from the timeline: " + ", ".join(s.value for s in Status) + ".", "delivered", F("status")),
    Column("status_label", "text", "The status in words.", "Delivered", labelled("status", Status.choices)),
    Column("status_since", "date", "Date the current status began.", "2025-06-16", F("status_since")),
    Column("deadline", "date", "Deadline on the as_of date (the last day a period or season allows), if any.", "2025-05-31", F("deadline")),
    Column("deadline_wording", "text", "The source's own words for the deadline.", "begin soon and last three months", F("deadline_wording")),
    Column("is_overdue", "boolean", "Deadline passed and not delivered, partly delivered, superseded or dropped.", "false", F("is_overdue")),
    Column("days_overdue", "integer", "Days from the deadline to the as_of date, when overdue.", "235", days_overdue),
    Column("deadline_met", "boolean", "For a delivered, partly delivered, superseded or dropped commitment with a deadline: whether it closed by the deadline in force (empty while open).", "false", F("deadline_met")),
    Column("delivered_late_by_days", "integer", "Days from that deadline to the day it closed, when it closed late.", "16", late_by_days),
    Column("last_evidence_on", "date", "Date of the latest cited announcement on record.", "2025-10-22", F("last_evidence_on")),
    Column("sources_searched_on", "date", "The day the tracker last looked for newer sources on the commitment (found or not).", "2026-12-02", Case(When(searched_on__lte=F(ON), then=F("searched_on")))),
    Column("firmness", "text", "How firmly the government committed on the as_of date, in its cited words: " + ", ".join(f.value for f in Firmness) + " (empty: not stated).", "accepted_in_full", F("firmness")),
    Column("firmness_label", "text", "Firmness in words.", "Accepted in full", labelled("firmness", Firmness.choices)),
    Column("government_claim", "text", "The status the government's latest cited words claim, when an event records one (the tracker's verdict is `status`).", "delivered", F("claimed_status")),
    Column("government_claim_label", "text", "The claim in words.", "Delivered", labelled("claimed_status", Status.choices)),
    Column("government_claim_on", "date", "Date of that claim.", "2025-04-09", F("claimed_on")),
    Column("claims_more_than_evidence", "boolean", "The government's claim goes further than the tracker's verdict (e.g. it says delivered; the evidence shows in progress).", "true", F("claims_more")),
    Column("theme", "text", "Theme.", "inquiries", F("theme")),
    Column("theme_label", "text", "The theme in words.", "Inquiries, audits and reviews", labelled("theme", Theme.choices)),
    Column("lead_department", "text", "Lead department.", "home_office", F("lead_department")),
    Column("lead_department_label", "text", "The department's name.", "Home Office", labelled("lead_department", Department.choices)),
    Column("parent_slug", "text", "The package this commitment belongs to, if any.", "ten-million-action-plan", F("parent__slug")),
    Column("money_total", "number", "Total cited amounts in pounds, each sum counted once.", "2500000", F("money")),
    Column("money_disagrees", "boolean", "Sources give different figures for some of its money.", "false", F("money_disagrees")),
    Column("pledge_text", "text", "The pledge in the government's words.", "Ms Cooper has commissioned this audit…", F("pledge_text")),
    Column("pledge_source_url", "url", "Original address of the source of the pledge's first citation.", "https://policeprofessional.com/?p=141680", first_pledge_source),
    Column("bills", "text", "The bills in Parliament that carry the commitment, joined with ' | '.", "Crime and Policing Bill", of_bills(F("title"))),
    Column("bill_stages", "text", "Where each of those bills stood on the as_of date: the latest stage with a sitting by then, and its House (Parliament's Bills API), in the same order.", "Royal Assent", of_bills(stage_in_house("stage", "stage_house"))),
    Column("bill_stages_on", "text", "The first sitting of each of those stages (YYYY-MM-DD), in the same order.", "2026-04-29", of_bills(Cast("stage_on", CharField()))),
    Column("bill_next_stages", "text", "The stage Parliament lists after each of those, if any, in the same order.", "3rd reading (House of Lords)", of_bills(stage_in_house("next_stage", "next_stage_house"))),
    Column("as_of", "date", "The date the row describes.", "2026-11-21", F(ON)),
    Column("page_url", "url", "The commitment's page on this site.", "https://…/commitments/casey-national-audit/", SiteUrl("commitments:detail", "slug")),
)  # fmt: skip


# -- announcements: the full history ----------------------------------------------------------


def announcements(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """One row per cited event of the commitments, up to `on`, in timeline order."""
    return (
        Announcement.objects.evidenced()
        .filter(commitment__in=queryset.order_by().values("pk"), date__lte=on)
        .order_by("commitment__slug", "commitment_id", "date", "pk")
    )


def set_by(setting: QuerySet, field: str, *, inclusive: bool) -> Subquery:
    """The latest `field` that an event of `setting` of the row's commitment set before the row
    (up to and including it when `inclusive`): the status or deadline before or after it."""
    return Subquery(earlier(setting, inclusive=inclusive).values(field)[:1])


status_setting = Announcement.objects.evidenced().exclude(new_status="")
deadline_setting = Announcement.objects.evidenced().filter(new_deadline__isnull=False)


def cited(claim: str, field: str) -> Joined:
    """The `field` of every citation of the row's claim (`claim` names its foreign key)."""
    return Joined(Citation.objects.filter(**{claim: OuterRef("pk")}), field)


ANNOUNCEMENT_COLUMNS = (
    Column("commitment_slug", "text", "The commitment the event belongs to.", "casey-national-audit", F("commitment__slug")),
    Column("commitment_title", "text", "Its title.", "Baroness Casey's rapid national audit…", F("commitment__title")),
    Column("date", "date", "Date of the event.", "2025-06-16", F("date")),
    Column("kind", "text", "Kind of event.", "delivered", F("kind")),
    Column("kind_label", "text", "The kind of event in words.", "Delivered", labelled("kind", AnnouncementKind.choices)),
    Column("summary", "text", "What happened, in one or two neutral sentences.", "The Home Secretary reports the audit…", F("summary")),
    Column("status_before", "text", "Status before this event (empty before the first).", "in_progress", set_by(status_setting, "new_status", inclusive=False)),
    Column("status_after", "text", "Status after it.", "delivered", set_by(status_setting, "new_status", inclusive=True)),
    Column("deadline_before", "date", "Deadline before this event.", "2025-05-31", set_by(deadline_setting, "new_deadline", inclusive=False)),
    Column("deadline_after", "date", "Deadline after it.", "2025-05-31", set_by(deadline_setting, "new_deadline", inclusive=True)),
    Column("deadline_wording", "text", "The source's words for a deadline this event sets.", "by Easter this year", F("deadline_wording")),
    Column("firmness", "text", "How firmly the government commits from this event on, if it says.", "accepted_in_full", F("new_firmness")),
    Column("firmness_label", "text", "Firmness in words.", "Accepted in full", labelled("new_firmness", Firmness.choices)),
    Column("government_claim", "text", "The status the government claims in this event's quoted words, if any.", "delivered", F("claimed_status")),
    Column("government_claim_label", "text", "The claim in words.", "Delivered", labelled("claimed_status", Status.choices)),
    Column("note", "text", "Caveats: uncertain dates, secondary sources, disagreements.", "Secondary source (GB News).", F("note")),
    Column("quotes", "text", "Every quote the event rests on, joined with ' | '.", "With permission, I will update the House…", cited("announcement", "quote")),
    Column("source_urls", "text", "The original address of each quote's source, in the same order, joined with ' | '.", "https://parallelparliament.co.uk/…", cited("announcement", "source__url")),
)  # fmt: skip


# -- history: one row per citation of an event, in date order --------------------------------

passage = (Value("#citation-"), Cast("pk", CharField()))  # a citation's anchor on its source


def of_event(setting: QuerySet, field: str, *, inclusive: bool) -> Subquery:
    """`set_by` for a citation's row: as of the event it cites."""
    before = earlier(setting, inclusive=inclusive, date="announcement__date", pk="announcement_id")
    return Subquery(before.values(field)[:1])


def history(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """One row per citation shown on `on` of the commitments' events, in date order (then
    commitment, event and citation), with the status and deadline around each event."""
    return (
        Citation.objects.public(on)
        .filter(announcement__isnull=False, commitment__in=queryset.order_by().values("pk"))
        .annotate(
            status_before=of_event(status_setting, "new_status", inclusive=False),
            status_after=of_event(status_setting, "new_status", inclusive=True),
            deadline_before=of_event(deadline_setting, "new_deadline", inclusive=False),
            deadline_in_force=of_event(deadline_setting, "new_deadline", inclusive=True),
        )
        .order_by("announcement__date", "commitment__slug", "announcement_id", "pk")
    )


# The event closes the commitment (a closed status it did not have before) with a deadline in force.
closes = Q(announcement__new_status__in=CLOSED_STATUSES, deadline_in_force__isnull=False)
reaffirms = Q(status_before=F("announcement__new_status"))
event_deadline_met = Case(
    When(reaffirms, then=None),
    When(closes & Q(announcement__date__lte=F("deadline_in_force")), then=Value(True)),
    When(closes & Q(announcement__date__gt=F("deadline_in_force")), then=Value(False)),
    default=None,
    output_field=BooleanField(),
)
event_days_late = Case(
    When(reaffirms, then=None),
    When(closes & Q(announcement__date__gt=F("deadline_in_force")), then=DaysBetween(F("deadline_in_force"), F("announcement__date"))),
    default=None,
    output_field=IntegerField(),
)  # fmt: skip
event_url = SiteUrl(
    "commitments:detail",
    "commitment__slug",
    Value("#event-"),
    Cast("announcement_id", CharField()),
)


HISTORY_COLUMNS = (
    Column("date", "date", "Date of the event.", "2025-06-16", F("announcement__date")),
    Column("commitment_slug", "text", "The commitment the event belongs to.", "casey-national-audit", F("commitment__slug")),
    Column("commitment_title", "text", "Its title.", "Baroness Casey's rapid national audit…", F("commitment__title")),
    Column("event_id", "integer", "Identifier of the event: rows with the same one are the citations of one event.", "12", F("announcement_id")),
    Column("kind", "text", "Kind of event.", "delivered", F("announcement__kind")),
    Column("kind_label", "text", "The kind of event in words.", "Delivered", labelled("announcement__kind", AnnouncementKind.choices)),
    Column("summary", "text", "What happened, in one or two neutral sentences.", "The Home Secretary reports the audit…", F("announcement__summary")),
    Column("status_before", "text", "Status before this event (empty before the first).", "in_progress", F("status_before")),
    Column("status_before_label", "text", "That status in words.", "In progress", labelled("status_before", Status.choices)),
    Column("status_after", "text", "Status after it.", "delivered", F("status_after")),
    Column("status_after_label", "text", "That status in words.", "Delivered", labelled("status_after", Status.choices)),
    Column("deadline_before", "date", "Deadline before this event.", "2025-05-31", F("deadline_before")),
    Column("deadline_after", "date", "Deadline in force after it.", "2025-05-31", F("deadline_in_force")),
    Column("deadline_wording", "text", "The source's words for a deadline this event sets.", "by Easter this year", F("announcement__deadline_wording")),
    Column("deadline_met", "boolean", "For an event that closes the commitment (delivered, partly delivered, superseded or dropped, from another status) with a deadline in force: whether it came by that deadline.", "false", event_deadline_met),
    Column("days_late", "integer", "Days from that deadline to the event, when it came after it.", "16", event_days_late),
    Column("government_claim", "text", "The status the government claims in this event's quoted words, if any.", "delivered", F("announcement__claimed_status")),
    Column("government_claim_label", "text", "The claim in words.", "Delivered", labelled("announcement__claimed_status", Status.choices)),
    Column("note", "text", "Caveats on the event: uncertain dates, secondary sources, disagreements.", "Secondary source (GB News).", F("announcement__note")),
    Column("citation_id", "integer", "Identifier of the citation (see the citations export).", "61", F("pk")),
    Column("quote", "text", "The passage this row's citation quotes, verbatim from the source's stored text.", "On 16 June the Government accepted…", F("quote")),
    Column("locator", "text", "Where in the source, if noted.", "undated page", F("locator")),
    Column("source_title", "text", "The quote's source.", "Offences against Children", F("source__title")),
    Column("source_publisher", "text", "Who published it.", "Parallel Parliament", F("source__publisher")),
    Column("source_published_on", "date", "When (empty if the source shows no date).", "2025-07-02", F("source__published_on")),
    Column("source_provenance", "text", "primary, primary_mirror or secondary.", "primary_mirror", F("source__provenance")),
    Column("source_provenance_label", "text", "The provenance in words.", "Primary, via a mirror (e.g. a Hansard mirror)", labelled("source__provenance", Provenance.choices)),
    Column("source_url", "url", "The source's original address.", "https://parallelparliament.co.uk/…", F("source__url")),
    Column("passage_url", "url", "The passage, highlighted, on this site.", "https://…/sources/5/#citation-61", SiteUrl("sources:detail", "source_id", *passage)),
    Column("event_url", "url", "The event on the commitment's page (its permalink).", "https://…/commitments/casey-national-audit/#event-12", event_url),
)  # fmt: skip


# -- funding ---------------------------------------------------------------------------------


def funding_lines(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """The cited amounts of the commitments stated by `on` (and the undated ones)."""
    return (
        FundingLine.objects.evidenced()
        .stated_by(on)
        .with_flags()
        .filter(commitment__in=queryset.order_by().values("pk"))
        .order_by("commitment__slug", "stated_on", "pk")
    )


def holds(condition: Q) -> ExpressionWrapper:
    """Whether `condition` holds for the row (NULL when it compares a NULL)."""
    return ExpressionWrapper(condition, output_field=BooleanField())


FUNDING_COLUMNS = (
    Column("id", "integer", "Identifier of the funding line.", "12", F("pk")),
    Column("commitment_slug", "text", "The commitment the money belongs to.", "local-inquiries-fund", Coalesce("commitment__slug", Value(""))),
    Column("amount", "number", "Amount in pounds.", "5000000", F("amount")),
    Column("stage", "text", "announced, allocated or spent.", "announced", F("stage")),
    Column("stage_label", "text", "The stage in words.", "Announced", labelled("stage", FundingStage.choices)),
    Column("stated_on", "date", "Date of the source that states the amount (empty when the source shows none).", "2025-01-16", F("stated_on")),
    Column("purpose", "text", "What the money is for, in brief.", "locally-led inquiries", F("purpose")),
    Column("recipient", "text", "Who gets it, if stated.", "local authorities", F("recipient")),
    Column("period", "text", "Financial period, if stated.", "2025-26", F("period")),
    Column("parent_id", "integer", "The larger line this amount is part of.", "3", F("parent_id")),
    Column("children_total", "number", "Sum of the lines that are parts of this one.", "10000000", F("children_total")),
    Column("children_add_up", "boolean", "Whether the parts add up to this amount (empty without parts).", "true", holds(Q(children_total=F("amount")))),
    Column("same_money_as_id", "integer", "Another source's line for the same money.", "7", F("same_money_as_id")),
    Column("disagrees", "boolean", "Another source gives a different figure for the same money.", "true", F("disagrees")),
    Column("may_overlap", "boolean", "The sources do not say whether this amount is new money or part of another figure on record.", "false", F("may_overlap")),
    Column("counted_in_totals", "boolean", "Counted in totals: not another figure for the same money, not part of a larger sum, not a figure that may overlap another.", "true", holds(Q(same_money_as__isnull=True, parent__isnull=True, may_overlap=False))),
    Column("note", "text", "Caveats.", "PQ 24742's answer date is not in the capture…", F("note")),
    Column("quotes", "text", "Every quote the amount rests on, joined with ' | '.", "backed by £5 million of funding", cited("funding_line", "quote")),
    Column("source_urls", "text", "The original address of each quote's source, joined with ' | '.", "https://policeprofessional.com/?p=141680", cited("funding_line", "source__url")),
)  # fmt: skip


# -- sources ---------------------------------------------------------------------------------


def sources(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """The page's sources themselves."""
    return queryset


SOURCE_COLUMNS = (
    Column("id", "integer", "Identifier; the source's page is /sources/<id>/.", "5", F("pk")),
    Column("title", "text", "The document's title or heading.", "Offences against Children", F("title")),
    Column("kind", "text", "Kind of document.", "written_answer", F("kind")),
    Column("kind_label", "text", "The kind of document in words.", "Written answer", labelled("kind", SourceKind.choices)),
    Column("publisher", "text", "Who published the page.", "Parallel Parliament", F("publisher")),
    Column("department", "text", "Government department.", "Home Office", F("department")),
    Column("provenance", "text", "primary, primary_mirror or secondary.", "primary_mirror", F("provenance")),
    Column("provenance_label", "text", "The provenance in words.", "Primary, via a mirror (e.g. a Hansard mirror)", labelled("provenance", Provenance.choices)),
    Column("published_on", "date", "Publication date (empty when the document shows none).", "2025-07-02", F("published_on")),
    Column("uin", "text", "Parliamentary question number.", "62612", F("uin")),
    Column("asked_on", "date", "Date a question was asked.", "2025-06-25", F("asked_on")),
    Column("answered_on", "date", "Date it was answered.", "2025-07-02", F("answered_on")),
    Column("answered_by", "text", "Answering minister (name only).", "Jess Phillips", F("answered_by")),
    Column("url", "url", "Original address.", "https://parallelparliament.co.uk/question/62612/…", F("url")),
    Column("is_excerpt", "boolean", "The stored text is only part of the document.", "false", F("is_excerpt")),
    Column("sha256", "text", "SHA-256 of the stored text.", "f533a968…", F("sha256")),
    Column("page_url", "url", "The source's page on this site, with its stored text.", "https://…/sources/5/", SiteUrl("sources:detail", "pk")),
)  # fmt: skip


# -- citations -------------------------------------------------------------------------------


def citations(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """The citations shown on `on` of the commitments' claims."""
    return (
        Citation.objects.public(on)
        .filter(commitment__in=queryset.order_by().values("pk"))
        .order_by("commitment__slug", "pk")
    )


claim_url = Case(
    When(
        announcement__isnull=False,
        then=SiteUrl(
            "commitments:detail",
            "commitment__slug",
            Value("#event-"),
            Cast("announcement_id", CharField()),
        ),
    ),
    When(
        funding_line__isnull=False,
        then=SiteUrl(
            "commitments:detail",
            "commitment__slug",
            Value("#funding-"),
            Cast("funding_line_id", CharField()),
        ),
    ),
    default=SiteUrl("commitments:detail", "commitment__slug", Value("#pledge")),
    output_field=CharField(),
)


CITATION_COLUMNS = (
    Column("id", "integer", "Identifier of the citation.", "61", F("pk")),
    Column("commitment_slug", "text", "The commitment whose claim it supports.", "casey-national-audit", F("commitment__slug")),
    Column("claim", "text", "pledge, announcement or funding line.", "announcement", Citation.claim_kind_expression()),
    Column("announcement_date", "date", "Date of the announcement it supports, if any.", "2025-06-16", F("announcement__date")),
    Column("funding_line_id", "integer", "The funding line it supports, if any.", "12", F("funding_line_id")),
    Column("quote", "text", "The passage, verbatim from the source's stored text.", "On 16 June the Government accepted…", F("quote")),
    Column("locator", "text", "Where in the source, if noted.", "undated page", F("locator")),
    Column("source_id", "integer", "The source (see the sources export).", "5", F("source_id")),
    Column("source_title", "text", "Its title.", "Offences against Children", F("source__title")),
    Column("source_publisher", "text", "Who published it.", "Parallel Parliament", F("source__publisher")),
    Column("source_published_on", "date", "When (empty if the source shows no date).", "2025-07-02", F("source__published_on")),
    Column("source_provenance", "text", "primary, primary_mirror or secondary.", "primary_mirror", F("source__provenance")),
    Column("source_provenance_label", "text", "The provenance in words.", "Primary, via a mirror (e.g. a Hansard mirror)", labelled("source__provenance", Provenance.choices)),
    Column("source_url", "url", "Its original address.", "https://parallelparliament.co.uk/…", F("source__url")),
    Column("claim_url", "url", "The claim on this site: the event, the amount or the pledge on the commitment's page.", "https://…/commitments/casey-national-audit/#event-12", claim_url),
    Column("passage_url", "url", "The passage, highlighted, on this site.", "https://…/sources/5/#citation-61", SiteUrl("sources:detail", "source_id", *passage)),
)  # fmt: skip


# -- corrections -----------------------------------------------------------------------------


def corrections(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """The corrections made by `on` to the commitments, newest first."""
    return (
        Correction.objects.public(on)
        .filter(commitment__in=queryset.order_by().values("pk"))
        .order_by("-corrected_on", "-change", "pk")
    )


CORRECTION_COLUMNS = (
    Column("corrected_on", "date", "When the correction was published.", "2026-11-20", F("corrected_on")),
    Column("change", "integer", "Fields corrected together share this number.", "41", F("change")),
    Column("commitment_slug", "text", "The commitment corrected.", "casey-national-audit", F("commitment__slug")),
    Column("commitment_title", "text", "Its title.", "Baroness Casey's rapid national audit…", F("commitment__title")),
    Column("record", "text", "What was corrected.", "the event of 16 June 2025", F("record")),
    Column("field", "text", "Which field.", "Date", F("field")),
    Column("before", "text", "What it read.", "17 June 2025", F("before")),
    Column("after", "text", "What it reads now.", "16 June 2025", F("after")),
    Column("reason", "text", "Why.", "The statement was made on 16 June.", F("reason")),
    Column("page_url", "url", "The corrections page entry.", "https://…/corrections/#correction-41", SiteUrl("commitments:corrections", None, Value("#correction-"), Cast("change", CharField()))),
)  # fmt: skip


DATASETS = {
    dataset.name: dataset
    for dataset in (
        Dataset("commitments", "Commitments", "one row per commitment on record", COMMITMENT_COLUMNS, commitment_filterset, commitments),
        Dataset("announcements", "Announcements", "one row per cited event, in timeline order (its quotes joined)", ANNOUNCEMENT_COLUMNS, commitment_filterset, announcements),
        Dataset("history", "History (the full history)", "one row per citation of a cited event, in date order", HISTORY_COLUMNS, commitment_filterset, history),
        Dataset("funding", "Funding", "one row per cited amount", FUNDING_COLUMNS, commitment_filterset, funding_lines),
        Dataset("sources", "Sources", "one row per source", SOURCE_COLUMNS, source_filterset, sources),
        Dataset("citations", "Citations", "one row per citation of a claim on record", CITATION_COLUMNS, commitment_filterset, citations),
        Dataset("corrections", "Corrections", "one row per corrected field", CORRECTION_COLUMNS, commitment_filterset, corrections),
    )
}  # fmt: skip


def make_filterset(dataset: Dataset, request):
    """The FilterSet of `request` for `dataset`: the same one its page uses."""
    return dataset.filterset(request)
