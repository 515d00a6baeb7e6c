from dataclasses import dataclass
from datetime import date as Date
from typing import NamedTuple

from concurrency.fields import IntegerVersionField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sources.fields import PlainCharField, PlainTextField
from sources.models import SourceDocument
from sources.text import Nearest, contains_quote, nearest_passage, normalise


class Status(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    PARTLY_DELIVERED = "partly_delivered", "Partly delivered"
    STALLED = "stalled", "Stalled"
    SUPERSEDED = "superseded", "Superseded"
    DROPPED = "dropped", "Dropped"


STATUS_DEFINITIONS = {
    Status.ANNOUNCED: "Pledged; no delivery step evidenced yet.",
    Status.IN_PROGRESS: "Concrete steps evidenced (bill introduced, money allocated, work "
    "commissioned).",
    Status.DELIVERED: "What was promised exists, is published, paid or in force.",
    Status.PARTLY_DELIVERED: "Delivered in a substantially reduced or altered form.",
    Status.STALLED: "Publicly paused, or no evidenced progress while its deadline passed.",
    Status.SUPERSEDED: "Replaced by another commitment (linked).",
    Status.DROPPED: "Withdrawn or abandoned.",
}


class Firmness(models.TextChoices):
    """How firmly the government committed, in its own words (a property of the pledge, set by
    a cited event: it may firm up or soften over time)."""

    ACCEPTED_IN_FULL = "accepted_in_full", "Accepted in full"
    ACCEPTED_IN_PRINCIPLE = "accepted_in_principle", "Accepted in principle"
    WILL_CONSIDER = "will_consider", "Will consider or consult"
    REJECTED = "rejected", "Rejected"


FIRMNESS_DEFINITIONS = {
    Firmness.ACCEPTED_IN_FULL: "The government said it would do it, without reservation (e.g. "
    "“accepted in full”, “we will legislate”).",
    Firmness.ACCEPTED_IN_PRINCIPLE: "The government agreed with the aim but left the means, "
    "the extent or the timing open (“in principle”, “we will explore”).",
    Firmness.WILL_CONSIDER: "The government said it would consider, review or consult.",
    Firmness.REJECTED: "The government said it would not do it.",
}

# How far along each status says a commitment is, to compare the government's claim with the
# tracker's verdict: a claim ranked above the verdict claims more than the evidence shows.
# Superseded and dropped are not steps on that road: a claim or verdict of either is compared
# only for being different.
PROGRESS_RANK = {
    Status.ANNOUNCED: 1,
    Status.STALLED: 1,
    Status.IN_PROGRESS: 2,
    Status.PARTLY_DELIVERED: 3,
    Status.DELIVERED: 4,
}

# A commitment in one of these states can no longer be overdue.
CLOSED_STATUSES = (
    Status.DELIVERED,
    Status.PARTLY_DELIVERED,
    Status.SUPERSEDED,
    Status.DROPPED,
)


class Theme(models.TextChoices):
    PROGRAMME = "programme", "Programmes and packages"
    INQUIRIES = "inquiries", "Inquiries, audits and reviews"
    POLICING = "policing", "Policing and investigations"
    LEGISLATION = "legislation", "Legislation and sentencing"
    VICTIMS = "victims", "Victims and survivors"
    DATA = "data", "Data and evidence"
    ONLINE = "online", "Online abuse"
    SAFEGUARDING = "safeguarding", "Child protection and safeguarding"


class Department(models.TextChoices):
    HOME_OFFICE = "home_office", "Home Office"
    MOJ = "moj", "Ministry of Justice"
    DFE = "dfe", "Department for Education"
    DHSC = "dhsc", "Department of Health and Social Care"
    MHCLG = "mhclg", "Ministry of Housing, Communities and Local Government"
    AGO = "ago", "Attorney General's Office / CPS"
    CROSS_GOVERNMENT = "cross_government", "Cross-government"


class AnnouncementKind(models.TextChoices):
    FIRST_ANNOUNCED = "first_announced", "First announced"
    REAFFIRMED = "reaffirmed", "Reaffirmed"
    PROGRESS = "progress", "Progress"
    DEADLINE_SET = "deadline_set", "Deadline set"
    DEADLINE_REVISED = "deadline_revised", "Deadline revised"
    MONEY_ANNOUNCED = "money_announced", "Money announced"
    SCOPE_CHANGED = "scope_changed", "Scope changed"
    DELIVERED = "delivered", "Delivered"
    DELAYED = "delayed", "Delayed"
    SUPERSEDED = "superseded", "Superseded"
    DROPPED = "dropped", "Dropped"


class FundingStage(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    ALLOCATED = "allocated", "Allocated"
    SPENT = "spent", "Spent"


class LinkKind(models.TextChoices):
    SUPERSEDED_BY = "superseded_by", "is superseded by"
    LED_TO = "led_to", "led to"
    RELATED = "related", "is related to"


@dataclass(frozen=True)
class CommitmentState:
    """Where one commitment stood on one date, derived from its evidenced timeline."""

    on: Date
    status: str | None
    status_since: Date | None
    deadline: Date | None
    deadline_wording: str
    last_evidence_on: Date | None
    firmness: str | None = None
    claimed_status: str | None = None
    claimed_on: Date | None = None

    @property
    def claim_differs(self) -> bool:
        """The government's latest claim is not the tracker's verdict."""
        return bool(self.claimed_status and self.status and self.claimed_status != self.status)

    @property
    def claims_more(self) -> bool:
        """The government's latest claim goes further than the tracker's verdict."""
        claimed, verdict = PROGRESS_RANK.get(self.claimed_status), PROGRESS_RANK.get(self.status)
        return claimed is not None and verdict is not None and claimed > verdict

    def get_claimed_status_display(self) -> str:
        return Status(self.claimed_status).label if self.claimed_status else ""

    def get_firmness_display(self) -> str:
        return Firmness(self.firmness).label if self.firmness else "Not stated"

    def claim_event(self, events):
        """The announcement among `events` that made the government's latest claim."""
        for event in reversed(list(events)):
            if event.claimed_status and event.date == self.claimed_on:
                return event
        return None

    def firmness_event(self, events):
        """The announcement among `events` that set the current firmness."""
        for event in reversed(list(events)):
            if event.new_firmness:
                return event if event.new_firmness == self.firmness else None
        return None

    @property
    def exists(self) -> bool:
        """False before the commitment's first evidenced status-setting announcement."""
        return self.status is not None

    @property
    def is_closed(self) -> bool:
        """Delivered, partly delivered, superseded or dropped: nothing more is expected."""
        return self.status in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return (
            self.status is not None
            and self.deadline is not None
            and self.deadline < self.on
            and not self.is_closed
        )

    @property
    def days_overdue(self) -> int | None:
        return (self.on - self.deadline).days if self.is_overdue else None

    @property
    def deadline_met(self) -> bool | None:
        """For a closed commitment with a deadline: whether it closed by the deadline in force
        (the latest revision on record). None when open or without a deadline."""
        if not self.is_closed or self.deadline is None or self.status_since is None:
            return None
        return self.status_since <= self.deadline

    @property
    def late_by_days(self) -> int | None:
        """Days from the deadline to the day it closed, when it closed late. Lateness stays
        visible after delivery."""
        if self.deadline_met is False:
            return (self.status_since - self.deadline).days
        return None

    @property
    def missed_deadline(self) -> bool:
        """Overdue now, or closed after its deadline."""
        return self.is_overdue or self.deadline_met is False

    def get_status_display(self) -> str:
        return Status(self.status).label if self.status else "Not yet announced"

    def status_event(self, events):
        """The announcement among `events` that began the current status, if present."""
        for event in events:
            if event.new_status == self.status and event.date == self.status_since:
                return event
        return None


def progress_rank(field: str) -> Case:
    """PROGRESS_RANK of the status in `field`, as SQL (NULL for superseded, dropped, none)."""
    whens = [When(**{field: status}, then=Value(rank)) for status, rank in PROGRESS_RANK.items()]
    return Case(*whens, default=None, output_field=models.IntegerField())


class CommitmentQuerySet(models.QuerySet):
    def published(self):
        """Commitments whose pledge is backed by at least one citation (cached in `is_public`,
        see `refresh_record_cache`)."""
        return self.filter(is_public=True)

    def refresh_record_cache(self) -> int:
        """Recompute `is_public` and `on_record_from` for these commitments from the rule.

        Saves and deletes of citations and announcements do this for their commitment (signals);
        call it after writing with bulk_create or update(), which send no signals."""
        pledged = Citation.objects.of_pledges().filter(commitment=OuterRef("pk"))
        first_status = (
            Announcement.objects.evidenced()
            .filter(commitment=OuterRef("pk"))
            .exclude(new_status="")
            .order_by()
            .values("commitment")
            .annotate(first=models.Min("date"))
            .values("first")
        )
        changed = self.update(is_public=Exists(pledged), on_record_from=Subquery(first_status))
        self._refresh_state()
        return changed

    STATE_FIELDS = {  # cached field -> the state `as_of` works out
        "cached_status": "status", "cached_status_since": "status_since",
        "cached_deadline": "deadline", "cached_deadline_wording": "deadline_wording",
        "cached_last_evidence_on": "last_evidence_on", "cached_firmness": "firmness",
        "cached_claimed_status": "claimed_status", "cached_claimed_on": "claimed_on",
    }  # fmt: skip

    def _refresh_state(self) -> None:
        """Keep on each row its state after every evidenced event (what `as_of` reads today)."""
        fields = self.STATE_FIELDS
        rows = (
            Commitment.objects.filter(pk__in=self.values("pk"))
            .as_of(Date.max, derived=True)
            .values_list("pk", *fields.values())
        )
        blank = {"cached_status", "cached_firmness", "cached_claimed_status"}
        stale = []
        for pk, *values in rows.iterator(chunk_size=2000):
            state = dict(zip(fields, values, strict=True))
            state.update({name: state[name] or "" for name in blank})
            stale.append(Commitment(pk=pk, **state))
        Commitment.objects.bulk_update(stale, list(fields), batch_size=500)

    def as_of(self, on: Date, *, derived: bool | None = None):
        """Annotate each commitment with its state on `on`, in this one query.

        Adds `status` (None before the first evidenced status), `status_since`, `deadline`,
        `deadline_wording`, `last_evidence_on`, `firmness`, `claimed_status`, `claimed_on`,
        `is_overdue`, `deadline_met` and `claims_more`. Only announcements backed by at least
        one citation count: an unsourced announcement changes nothing public.

        The row keeps the state after every evidenced event on record (`refresh_record_cache`),
        which is the state on any date from its latest event on: today, unless an event is dated
        later (an editor may record one ahead). So from today on, when no commitment has an
        event after `on` (one look at an indexed column), the state is read from the rows;
        otherwise, or with `derived`, it is worked out from the timeline. (`derived=False`:
        the caller has asked `rows_hold_state(on)` already.)
        """
        if derived is None:
            derived = not self.rows_hold_state(on)
        if not derived:
            return self._with_verdict(
                self.annotate(
                    as_of_date=Value(on, output_field=models.DateField()),
                    status=NullIf(F("cached_status"), Value("")),
                    status_since=F("cached_status_since"),
                    deadline=F("cached_deadline"),
                    deadline_wording=F("cached_deadline_wording"),
                    last_evidence_on=F("cached_last_evidence_on"),
                    firmness=NullIf(F("cached_firmness"), Value("")),
                    claimed_status=NullIf(F("cached_claimed_status"), Value("")),
                    claimed_on=F("cached_claimed_on"),
                ),
                on,
            )
        return self._derived(on)

    @staticmethod
    def rows_hold_state(on: Date) -> bool:
        """Whether the state kept on the rows is the state on `on`: from today on, when no
        commitment has an evidenced event dated after `on`."""
        if on < timezone.localdate():
            return False
        return not Commitment.objects.filter(cached_last_evidence_on__gt=on).exists()

    def _derived(self, on: Date):
        """`as_of` worked out from the evidenced timeline up to `on` (subqueries)."""
        timeline = Announcement.objects.evidenced().filter(commitment=OuterRef("pk"), date__lte=on)
        latest_first = ("-date", "-pk")
        status_setting = timeline.exclude(new_status="")
        deadline_setting = timeline.filter(new_deadline__isnull=False)
        claiming = timeline.exclude(claimed_status="")
        qs = self.annotate(
            as_of_date=Value(on, output_field=models.DateField()),
            status=Subquery(status_setting.order_by(*latest_first).values("new_status")[:1]),
            deadline=Subquery(deadline_setting.order_by(*latest_first).values("new_deadline")[:1]),
            deadline_wording=Coalesce(
                Subquery(deadline_setting.order_by(*latest_first).values("deadline_wording")[:1]),
                Value(""),
            ),
            last_evidence_on=Subquery(timeline.order_by(*latest_first).values("date")[:1]),
            firmness=Subquery(
                timeline.exclude(new_firmness="")
                .order_by(*latest_first)
                .values("new_firmness")[:1]
            ),
            claimed_status=Subquery(claiming.order_by(*latest_first).values("claimed_status")[:1]),
            claimed_on=Subquery(claiming.order_by(*latest_first).values("date")[:1]),
        )
        # The current status began with the first status-setting announcement after the last
        # one (in date, then entry order) that set a different status.
        changed = status_setting.exclude(new_status=OuterRef("status")).order_by(*latest_first)
        first_of_run = Subquery(
            status_setting.filter(
                Q(date__gt=OuterRef("changed_on"))
                | Q(date=OuterRef("changed_on"), pk__gt=OuterRef("changed_pk"))
            )
            .order_by("date", "pk")
            .values("date")[:1]
        )
        first_ever = Subquery(status_setting.order_by("date", "pk").values("date")[:1])
        qs = qs.annotate(
            changed_on=Subquery(changed.values("date")[:1]),
            changed_pk=Subquery(changed.values("pk")[:1]),
        ).annotate(
            status_since=models.Case(
                models.When(changed_on__isnull=True, then=first_ever),
                default=first_of_run,
            ),
        )
        return self._with_verdict(qs, on)

    @staticmethod
    def _with_verdict(qs, on: Date):
        """What follows from the state on `on`: overdue, deadline met, the claim beyond it."""
        return qs.annotate(
            claimed_rank=progress_rank("claimed_status"),
            verdict_rank=progress_rank("status"),
        ).annotate(
            is_overdue=models.Case(
                models.When(
                    Q(status__isnull=False, deadline__lt=on) & ~Q(status__in=CLOSED_STATUSES),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            deadline_met=models.Case(
                models.When(
                    Q(status__in=CLOSED_STATUSES, deadline__isnull=False)
                    & Q(status_since__lte=F("deadline")),
                    then=Value(True),
                ),
                models.When(
                    Q(status__in=CLOSED_STATUSES, deadline__isnull=False)
                    & Q(status_since__gt=F("deadline")),
                    then=Value(False),
                ),
                default=None,
                output_field=models.BooleanField(),
            ),
            claims_more=models.Case(
                models.When(Q(claimed_rank__gt=F("verdict_rank")), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def on_record(self, on: Date):
        """Commitments that have a status on `on`: at least one evidenced announcement dated
        on or before it sets one. (The same as filtering `as_of(on)` on a status, read from the
        cached `on_record_from` date instead of working out every status.)"""
        return self.filter(on_record_from__lte=on)

    def public(self, on: Date):
        """The commitments that have a page on `on`: pledge cited and a status on record.
        Every list, feed, export and API answer is drawn from these, so whatever they link to
        has a page."""
        return self.published().on_record(on)

    def with_money(self, on: Date):
        """Annotate `money` (total of the commitment's cited amounts stated by `on`, counting
        each sum of money once: another source's figure for the same money is left out) and
        `money_disagrees` (sources give different figures for some of its money)."""
        lines = FundingLine.objects.evidenced().stated_by(on).filter(commitment=OuterRef("pk"))
        total = (
            lines.filter(same_money_as__isnull=True, may_overlap=False)
            .order_by()
            .values("commitment")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(money=Subquery(total), money_disagrees=Exists(lines.disagreeing()))

    def for_list(self, on: Date):
        return self.as_of(on).with_money(on).select_related("parent")

    def for_page(self, on: Date):
        """The commitments with a page on `on`, each with what its page shows fetched in a fixed
        number of queries: `timeline` (evidenced events by then, with their citations),
        `published_corrections` (corrections made by then), `carried_by` (the bills that carry
        it, each with where it stood on `on`: see BillQuerySet.standing),
        `cited_funding` (flagged), `pledge_quotes`, `published_children`, and the links to and
        from other commitments that have a page (`published_links_out`, `published_links_in`)."""
        cited = Citation.objects.select_related("source")
        public = Commitment.objects.public(on)
        derived = not self.rows_hold_state(on)  # asked once for the page and its children
        return (
            self.public(on)
            .as_of(on, derived=derived)
            .select_related("parent")
            .prefetch_related(
                Prefetch(
                    "announcements",
                    queryset=Announcement.objects.evidenced()
                    .filter(date__lte=on)
                    .prefetch_related(Prefetch("citations", queryset=cited)),
                    to_attr="timeline",
                ),
                Prefetch(
                    "funding_lines",
                    queryset=FundingLine.objects.evidenced()
                    .stated_by(on)
                    .with_flags()
                    .select_related("same_money_as__commitment", "parent__commitment")
                    .prefetch_related(Prefetch("citations", queryset=cited)),
                    to_attr="cited_funding",
                ),
                Prefetch("citations", queryset=cited.of_pledges(), to_attr="pledge_quotes"),
                Prefetch(
                    "corrections",
                    queryset=Correction.objects.filter(corrected_on__lte=on),
                    to_attr="published_corrections",
                ),
                Prefetch(
                    "children",
                    queryset=public.as_of(on, derived=derived),
                    to_attr="published_children",
                ),
                Prefetch(
                    "links_out",
                    queryset=CommitmentLink.objects.filter(
                        to_commitment__in=public
                    ).select_related("to_commitment"),
                    to_attr="published_links_out",
                ),
                Prefetch(
                    "links_in",
                    queryset=CommitmentLink.objects.filter(
                        from_commitment__in=public
                    ).select_related("from_commitment"),
                    to_attr="published_links_in",
                ),
                Prefetch(
                    "bills",
                    queryset=Bill.objects.recorded()
                    .standing(on)
                    .select_related("source")
                    .order_by("parliament_id"),
                    to_attr="carried_by",
                ),
            )
        )


class Commitment(models.Model):
    """One thing the government said it would do, small enough to be delivered or not."""

    slug = models.SlugField(
        max_length=120, help_text="Permanent address of the commitment's page; never change it."
    )
    title = PlainCharField(max_length=300, help_text="A short, neutral name for the pledge.")
    pledge_text = PlainTextField(
        "pledge in its own words",
        help_text="The government's words, as first published. Cite them (a citation with no "
        "announcement or funding line) or the commitment is not shown publicly.",
    )
    summary = PlainTextField(blank=True, help_text="One or two plain sentences of context.")
    theme = models.CharField(max_length=32, choices=Theme.choices)
    lead_department = models.CharField(max_length=32, choices=Department.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The package this commitment belongs to, e.g. the £10m action plan.",
    )
    references = PlainCharField(
        max_length=500,
        blank=True,
        help_text="External references: IICSA or Casey recommendation numbers, bill clauses.",
    )
    searched_on = models.DateField(
        "sources last searched on",
        null=True,
        blank=True,
        help_text="The day someone last looked for newer sources on this commitment (whether or "
        "not they found any), so a reader knows how fresh the silence after the last evidence is.",
    )
    summary_needs_review = models.BooleanField(
        "summary to be checked",
        default=False,
        help_text="Ticked when a published event changes the status or deadline. Read the "
        "summary against the new state, rewrite it if it no longer holds, then untick.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A cache of the publication rule, kept by signals (see CommitmentQuerySet.published and
    # refresh_record_cache); never edited, never shown.
    is_public = models.BooleanField(default=False, editable=False)
    on_record_from = models.DateField(null=True, blank=True, editable=False)
    # The state after every evidenced event, which is the state today (as_of reads it): kept
    # by the same signals (refresh_record_cache); never edited, never shown as such.
    cached_status = models.CharField(max_length=32, blank=True, editable=False)
    cached_status_since = models.DateField(null=True, blank=True, editable=False)
    cached_deadline = models.DateField(null=True, blank=True, editable=False)
    cached_deadline_wording = models.CharField(max_length=200, blank=True, editable=False)
    cached_last_evidence_on = models.DateField(null=True, blank=True, editable=False)
    cached_firmness = models.CharField(max_length=32, blank=True, editable=False)
    cached_claimed_status = models.CharField(max_length=32, blank=True, editable=False)
    cached_claimed_on = models.DateField(null=True, blank=True, editable=False)

    version = IntegerVersionField()
    history = HistoricalRecords(
        excluded_fields=[
            "is_public", "on_record_from", "cached_status", "cached_status_since",
            "cached_deadline", "cached_deadline_wording", "cached_last_evidence_on",
            "cached_firmness", "cached_claimed_status", "cached_claimed_on",
        ]
    )  # fmt: skip

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [
            models.Index(fields=["title", "id"], name="commitments_commitment_title"),
            models.Index(fields=["cached_last_evidence_on"], name="commitments_latest_event"),
            # The lists' count of the commitments on record on a date: an index-only scan.
            models.Index(
                fields=["on_record_from"],
                condition=Q(is_public=True),
                name="commitments_public_from",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="commitments_commitment_slug_unique",
                violation_error_message="Another commitment already uses this slug.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="commitments_commitment_not_own_parent",
                violation_error_message="A commitment cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return self.title

    CACHED_FIELDS = (
        "is_public", "on_record_from", "cached_status", "cached_status_since", "cached_deadline",
        "cached_deadline_wording", "cached_last_evidence_on", "cached_firmness",
        "cached_claimed_status", "cached_claimed_on",
    )  # fmt: skip

    def save(self, *args, **kwargs):
        """Save, never writing the cached rule fields from a possibly stale instance: only
        refresh_record_cache() writes them."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.CACHED_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("commitments:detail", kwargs={"slug": self.slug})

    def is_public_row(self) -> bool:
        """Whether anything of this row is public (its pledge is cited): then it changes only
        through a reviewed draft (desk)."""
        return self.is_public

    def state_on(self, on: Date) -> CommitmentState:
        """The commitment's state on `on`, from its evidenced announcements (one query)."""
        status = since = deadline = last = firmness = claimed = claimed_on = None
        wording = ""
        for event in self.announcements.evidenced().filter(date__lte=on).order_by("date", "pk"):
            last = event.date
            if event.new_status:
                if event.new_status != status:
                    since = event.date
                status = event.new_status
            if event.new_deadline is not None:
                deadline, wording = event.new_deadline, event.deadline_wording
            if event.new_firmness:
                firmness = event.new_firmness
            if event.claimed_status:
                claimed, claimed_on = event.claimed_status, event.date
        return CommitmentState(
            on=on,
            status=status,
            status_since=since,
            deadline=deadline,
            deadline_wording=wording,
            last_evidence_on=last,
            firmness=firmness,
            claimed_status=claimed,
            claimed_on=claimed_on,
        )

    @property
    def state(self) -> CommitmentState:
        """The state computed by `as_of()` for this row; without it, today's (one query)."""
        if not hasattr(self, "as_of_date"):
            return self.state_on(timezone.localdate())
        return CommitmentState(
            on=self.as_of_date,
            status=self.status,
            status_since=self.status_since,
            deadline=self.deadline,
            deadline_wording=self.deadline_wording,
            last_evidence_on=self.last_evidence_on,
            firmness=self.firmness,
            claimed_status=self.claimed_status,
            claimed_on=self.claimed_on,
        )

    @property
    def pledge_citations(self):
        return self.citations.of_pledges()


class CommitmentLink(models.Model):
    """A typed link between two commitments, e.g. 'the £5m fund is superseded by the inquiry'."""

    from_commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="links_out"
    )
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    to_commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="links_in"
    )
    note = PlainCharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["from_commitment_id", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_commitment", "kind", "to_commitment"],
                name="commitments_link_unique",
                violation_error_message="These two commitments are already linked this way.",
            ),
            models.CheckConstraint(
                condition=~Q(from_commitment=F("to_commitment")),
                name="commitments_link_not_to_self",
                violation_error_message="A commitment cannot be linked to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.from_commitment} {self.get_kind_display()} {self.to_commitment}"

    def get_absolute_url(self):
        return self.from_commitment.get_absolute_url()

    def is_public_row(self) -> bool:
        return self.from_commitment.is_public and self.to_commitment.is_public


class BandEvent(NamedTuple):
    """What a small band (commitments.band) reads of an event, as a list page reads it: plain
    values, no model instance (an Announcement has these attributes too)."""

    pk: int
    commitment_id: int
    date: Date
    new_status: str
    new_deadline: Date | None
    summary: str = ""


class AnnouncementQuerySet(models.QuerySet):
    def evidenced(self):
        """Announcements backed by at least one citation: the only ones the public rule uses."""
        return self.filter(Exists(Citation.objects.filter(announcement=OuterRef("pk"))))

    def band_events(self, *, summaries: bool = False) -> list:
        """The rows as the small bands read them: `BandEvent` tuples, not model instances (a
        list page of fifty commitments reads some five hundred); `summaries` also reads each
        event's summary (else "")."""
        summary = "summary" if summaries else Value("")
        fields = ("pk", "commitment_id", "date", "new_status", "new_deadline")
        return [BandEvent(*row) for row in self.values_list(*fields, summary)]

    def public(self, on: Date):
        """The events shown on `on`: evidenced, dated by then, of a commitment with a page."""
        return self.evidenced().filter(date__lte=on, commitment__in=Commitment.objects.public(on))


class Announcement(models.Model):
    """One dated event on a commitment's timeline; it may set a new status and/or deadline."""

    lock_with = "commitment"  # locked before this row on a save (sources.conflicts)

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="announcements"
    )
    date = models.DateField(help_text="The date of the event, not the date you entered it.")
    kind = models.CharField(max_length=32, choices=AnnouncementKind.choices)
    summary = PlainTextField(help_text="What happened, in one or two neutral sentences.")
    new_status = models.CharField(
        max_length=32,
        choices=Status.choices,
        blank=True,
        help_text="The status from this date on. Leave blank if this event does not change it.",
    )
    new_deadline = models.DateField(
        null=True,
        blank=True,
        help_text="The deadline from this date on, resolved to a day (e.g. 'by Easter 2025' is "
        "2025-04-20; 'in May' is 31 May).",
    )
    deadline_wording = PlainCharField(
        max_length=200,
        blank=True,
        help_text="The words used for the deadline, e.g. 'by Easter', 'three months'.",
    )
    note = PlainTextField(
        blank=True,
        help_text="Caveats shown with the event: an uncertain date, a secondary-only source, a "
        "disagreement between sources.",
    )
    new_firmness = models.CharField(
        "firmness from this date",
        max_length=32,
        choices=Firmness.choices,
        blank=True,
        help_text="How firmly the government commits, from this date on, as its words quoted "
        "here say (e.g. “accepted in full”). Leave blank if this event does not say.",
    )
    claimed_status = models.CharField(
        "the government's claim",
        max_length=32,
        choices=Status.choices,
        blank=True,
        help_text="The status the government claims in the words quoted here (e.g. it says "
        "the work is done). The tracker's own verdict is the status above; when the two "
        "differ, both are shown. Leave blank if the event makes no such claim.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    version = IntegerVersionField()
    history = HistoricalRecords()

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        indexes = [
            models.Index(fields=["commitment", "date"], name="commitments_ann_commit_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_wording="") | Q(new_deadline__isnull=False),
                name="commitments_announcement_wording_needs_deadline",
                violation_error_message="Deadline wording needs the deadline date it resolves to.",
            ),
            models.CheckConstraint(
                condition=~Q(
                    kind__in=[AnnouncementKind.DEADLINE_SET, AnnouncementKind.DEADLINE_REVISED]
                )
                | Q(new_deadline__isnull=False),
                name="commitments_announcement_deadline_kind_sets_deadline",
                violation_error_message="A 'deadline set/revised' event must give the deadline.",
            ),
            models.CheckConstraint(
                condition=(
                    ~Q(kind=AnnouncementKind.DELIVERED)
                    | Q(new_status__in=[Status.DELIVERED, Status.PARTLY_DELIVERED])
                )
                & (~Q(kind=AnnouncementKind.SUPERSEDED) | Q(new_status=Status.SUPERSEDED))
                & (~Q(kind=AnnouncementKind.DROPPED) | Q(new_status=Status.DROPPED)),
                name="commitments_announcement_kind_matches_status",
                violation_error_message="A delivered, superseded or dropped event must set the "
                "matching status.",
            ),
        ]

    def __str__(self):
        return f"{self.date.isoformat()}: {self.get_kind_display()} – {self.commitment}"

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#event-{self.pk}"

    def is_public_row(self) -> bool:
        return self.commitment.is_public and self.citations.exists()


# The one definition of "sources disagree": a line recorded as another source's figure for
# the same money as another line, with a different amount.
IS_DISAGREEMENT = Q(same_money_as__isnull=False) & ~Q(amount=F("same_money_as__amount"))


class FundingLineQuerySet(models.QuerySet):
    def evidenced(self):
        """Funding lines backed by at least one citation: the only ones shown publicly."""
        return self.filter(Exists(Citation.objects.filter(funding_line=OuterRef("pk"))))

    def stated_by(self, on: Date):
        """Amounts stated on or before `on`, and undated ones (shown on every date)."""
        return self.filter(Q(stated_on__lte=on) | Q(stated_on__isnull=True))

    def public(self, on: Date):
        """The amounts shown on `on`: cited, stated by then, of a commitment with a page."""
        return self.evidenced().stated_by(on).filter(commitment__in=Commitment.objects.public(on))

    def disagreeing(self):
        """The disagreements: lines that give another figure for money another line states.
        (`with_flags()` flags both sides of each one.)"""
        return self.filter(IS_DISAGREEMENT)

    def totals_by_stage(self) -> list[dict]:
        """Money by stage, counting each sum once: lines that are another source's figure for
        the same money, parts of a larger line, and lines that may overlap another figure are
        left out of the totals."""
        independent = self.filter(
            same_money_as__isnull=True, parent__isnull=True, may_overlap=False
        )
        sums = dict(
            independent.order_by()
            .values_list("stage")
            .annotate(total=Sum("amount"))
            .values_list("stage", "total")
        )
        return [{"stage": stage, "total": sums.get(stage.value) or 0} for stage in FundingStage]

    def with_flags(self):
        """Annotate `children_total` and `disagrees` (another source gives another figure)."""
        children = (
            FundingLine.objects.filter(parent=OuterRef("pk"))
            .order_by()
            .values("parent")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        # Both sides of a disagreement: the line that gives another figure, and the line
        # whose figure it contradicts.
        side_of = FundingLine.objects.disagreeing().filter(
            Q(pk=OuterRef("pk")) | Q(same_money_as=OuterRef("pk"))
        )
        return self.annotate(
            children_total=Subquery(children),
            is_disagreement=ExpressionWrapper(IS_DISAGREEMENT, output_field=models.BooleanField()),
            disagrees=Exists(side_of),
        )


class FundingLine(models.Model):
    """An amount in pounds attached to a commitment, at one stage, with its source."""

    lock_with = "commitment"  # locked before this row on a save (sources.conflicts)

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="funding_lines"
    )
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="In pounds, e.g. 2500000 for £2.5m."
    )
    stage = models.CharField(max_length=20, choices=FundingStage.choices)
    stated_on = models.DateField(
        null=True,
        blank=True,
        help_text="Date of the source that states this amount. Leave blank if the source shows "
        "no date; never guess.",
    )
    recipient = PlainCharField(max_length=300, blank=True)
    purpose = PlainCharField(max_length=500, blank=True)
    period = PlainCharField(
        max_length=50, blank=True, help_text="Financial period, e.g. '2025-26', if given."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The larger line this amount is part of (the £5m is part of the £10m).",
    )
    same_money_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="other_figures",
        help_text="Another source's figure for the same money. If the amounts differ the "
        "tracker flags the disagreement; keep both.",
    )
    may_overlap = models.BooleanField(
        "may overlap another figure",
        default=False,
        help_text="The sources do not say whether this amount is new money or part of another "
        "figure on record (and nothing reconciles them): it is shown and flagged, but not "
        "added to totals.",
    )
    note = PlainTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    version = IntegerVersionField()
    history = HistoricalRecords()

    objects = FundingLineQuerySet.as_manager()

    class Meta:
        ordering = ["stated_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="commitments_fundingline_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="commitments_fundingline_not_own_parent",
                violation_error_message="A funding line cannot be its own parent.",
            ),
            models.CheckConstraint(
                condition=~Q(same_money_as=F("pk")),
                name="commitments_fundingline_not_own_alternative",
                violation_error_message="A funding line cannot be another figure for itself.",
            ),
        ]

    def __str__(self):
        return f"£{self.amount:,.0f} {self.get_stage_display().lower()} – {self.commitment}"

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#funding-{self.pk}"

    def is_public_row(self) -> bool:
        return self.commitment.is_public and self.citations.exists()

    @property
    def parts_add_up(self) -> bool | None:
        """None when this sum has no parts; else whether its parts' amounts add up to it. Reads
        the `children_total` that `with_flags()` annotates, or sums the parts when the row was
        loaded without it."""
        if hasattr(self, "children_total"):
            total = self.children_total
        else:
            total = self.children.aggregate(total=Sum("amount"))["total"]
        return None if total is None else total == self.amount


class CitationQuerySet(models.QuerySet):
    def of_pledges(self):
        """Citations of a commitment's pledge (no announcement, no funding line)."""
        return self.filter(announcement__isnull=True, funding_line__isnull=True)

    def public(self, on: Date):
        """The citations shown on `on`: of a commitment with a page, from a source published
        by then (or undated), for a claim on record by then (the pledge, an evidenced event
        dated by then, an amount stated by then or undated)."""
        return self.filter(
            Q(source__published_on__lte=on) | Q(source__published_on__isnull=True),
            commitment__in=Commitment.objects.public(on),
        ).filter(
            Q(announcement__isnull=True, funding_line__isnull=True)
            | Q(announcement__date__lte=on, announcement__in=Announcement.objects.evidenced())
            | Q(funding_line__stated_on__lte=on)
            | Q(funding_line__isnull=False, funding_line__stated_on__isnull=True)
        )

    def failing(self) -> list["Citation"]:
        """The citations whose quote is not in their source's stored text.

        Each source's text is normalised once, however many citations quote it.
        """
        failing, source_id, haystack = [], None, ""
        rows = self.select_related("source", "commitment").order_by("source_id", "pk")
        for citation in rows.iterator(chunk_size=500):
            if citation.source_id != source_id:
                source_id, haystack = citation.source_id, normalise(citation.source.text)
            if not contains_quote(haystack, citation.quote, normalised=True):
                failing.append(citation)
        return failing


class Citation(models.Model):
    """Ties one claim to the verbatim passage of a source that supports it.

    The claim is the commitment's pledge (no announcement, no funding line), one announcement,
    or one funding line: never two.
    """

    lock_with = "commitment"  # locked before this row on a save (sources.conflicts)

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="citations",
        help_text="Set automatically from the announcement or funding line when one is chosen.",
    )
    announcement = models.ForeignKey(
        Announcement,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        help_text="The event this quote supports. Leave blank when citing the pledge.",
    )
    funding_line = models.ForeignKey(
        FundingLine,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        help_text="The amount this quote supports. Leave blank when citing the pledge.",
    )
    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="citations")
    quote = PlainTextField(
        help_text="Copied verbatim from the source's stored text. Only whitespace, curly quotes "
        "and dashes may differ; anything else is refused."
    )
    locator = PlainCharField(
        max_length=200, blank=True, help_text="Where in the source: paragraph, column, UIN."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    version = IntegerVersionField()
    history = HistoricalRecords()

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [
            # A commitment's pledge citations in order, read without a sort (the commitments
            # export's first pledge source: 7 -> 2 us a row in EXPLAIN ANALYZE).
            models.Index(
                fields=["commitment", "id"],
                condition=Q(announcement__isnull=True, funding_line__isnull=True),
                name="commitments_pledge_citations",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(announcement__isnull=True) | Q(funding_line__isnull=True),
                name="commitments_citation_targets_one_claim",
                violation_error_message="A citation supports one claim: the pledge, one "
                "announcement or one funding line.",
            ),
            models.CheckConstraint(
                condition=~Q(quote=""),
                name="commitments_citation_quote_not_empty",
                violation_error_message="A citation needs a quote.",
            ),
        ]

    def __str__(self):
        return f"“{self.quote[:60]}” – {self.source.title}"

    def save(self, *args, **kwargs):
        owner = self._owner_from_claim()
        if owner is not None:
            self.commitment_id = owner
        if message := self.quote_error():
            raise ValidationError({"quote": message})
        if message := self.unpublishing_error():
            raise ValidationError(message)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.source.get_absolute_url()}#citation-{self.pk}"

    @property
    def is_of_pledge(self) -> bool:
        return self.announcement_id is None and self.funding_line_id is None

    @staticmethod
    def unpublishing_message(commitment_id, *, leaving: set) -> str | None:
        """Why the pledge citations `leaving` may not stop citing this commitment's pledge:
        it is public and no other citation of its pledge would remain (None when they may)."""
        commitment = Commitment.objects.filter(pk=commitment_id, is_public=True).first()
        if commitment is None:
            return None
        others = Citation.objects.of_pledges().filter(commitment_id=commitment_id)
        if others.exclude(pk__in=leaving).exists():
            return None
        return (
            f"“{commitment.title}” would no longer be public: this is the last citation of its "
            "pledge, and nothing is shown without one. Add another citation of the pledge "
            "first; a commitment is taken off the site only by deleting it."
        )

    def unpublishing_error(self) -> str | None:
        """Why this save would unpublish a commitment (a pledge citation turned into another
        claim's, or moved to another commitment), or None."""
        if self.pk is None:
            return None
        before = (
            Citation._base_manager.filter(pk=self.pk)
            .values("commitment_id", "announcement_id", "funding_line_id")
            .first()
        )
        if before is None or before["announcement_id"] or before["funding_line_id"]:
            return None  # it did not cite a pledge
        if self.is_of_pledge and self.commitment_id == before["commitment_id"]:
            return None
        return Citation.unpublishing_message(before["commitment_id"], leaving={self.pk})

    def is_public_row(self) -> bool:
        """A citation is what makes a claim public: every one comes through a reviewed draft."""
        return True

    @property
    def claim(self):
        return self.announcement or self.funding_line or self.commitment

    # What a citation supports: the first of these it points to, else the pledge. Read by
    # `claim_kind` on a row and by `claim_kind_expression()` in a query (the exports).
    CLAIMS = (("announcement", "announcement"), ("funding_line", "funding line"))
    PLEDGE = "pledge"

    @property
    def claim_kind(self) -> str:
        for field, kind in self.CLAIMS:
            if getattr(self, f"{field}_id"):
                return kind
        return self.PLEDGE

    @classmethod
    def claim_kind_expression(cls) -> Case:
        """`claim_kind` as SQL."""
        whens = [
            When(**{f"{field}__isnull": False}, then=Value(kind)) for field, kind in cls.CLAIMS
        ]
        return Case(*whens, default=Value(cls.PLEDGE), output_field=models.CharField())

    def quote_error(self) -> str | None:
        """Why the quote fails verification, or None when it appears in the source."""
        if self.source.contains_quote(self.quote):
            return None
        message = (
            f"This quote does not appear in the stored text of source #{self.source.pk} "
            f"(“{self.source.title}”). Copy it verbatim: only whitespace, curly quotes and "
            "dashes may differ."
        )
        nearest = self.nearest_passage()
        if nearest is None:
            return f"{message} Nothing in the source resembles it."
        differ = "; ".join(
            f"you have “{quote or '(nothing)'}” where the source has “{source or '(nothing)'}”"
            for quote, source in nearest.differences
        )
        return f"{message} The closest passage reads “{nearest.passage}”" + (
            f": {differ}." if differ else "."
        )

    def nearest_passage(self) -> Nearest | None:
        """The passage of the source closest to a quote that is not in it."""
        return nearest_passage(self.source.text, self.quote)

    def _owner_from_claim(self):
        owner = self.announcement or self.funding_line
        return owner.commitment_id if owner is not None else None

    def clean(self):
        super().clean()
        errors = {}
        owner = self._owner_from_claim()
        if owner is not None and self.commitment_id and owner != self.commitment_id:
            errors["__all__"] = "The announcement or funding line belongs to another commitment."
        if self.source_id and self.quote and (message := self.quote_error()):
            errors["quote"] = message
        if message := self.unpublishing_error():
            errors.setdefault("__all__", message)
        if errors:
            raise ValidationError(errors)


class CorrectionQuerySet(models.QuerySet):
    def public(self, on: Date):
        """Corrections made by `on` to commitments that have a page on `on`."""
        return self.filter(corrected_on__lte=on, commitment__in=Commitment.objects.public(on))


class Correction(models.Model):
    """One field of a published record that was wrong, as it read before and after it was put
    right, and why. Written when a reviewer publishes a draft marked "correction"; one row per
    field, `change` grouping the fields corrected together. Public: the corrections page, each
    commitment's page, a feed and a CSV."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="corrections"
    )
    change = models.PositiveBigIntegerField(help_text="The draft that made it.")
    corrected_on = models.DateField()
    record = PlainCharField(max_length=300, help_text="What was corrected, e.g. “event of …”.")
    record_url = models.CharField(max_length=300, help_text="Where it is shown on this site.")
    field = PlainCharField(max_length=100)
    before = PlainTextField(blank=True)
    after = PlainTextField(blank=True)
    reason = PlainTextField()

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-corrected_on", "-change", "pk"]

    def __str__(self):
        return f"{self.corrected_on}: {self.record}, {self.field}"

    def get_absolute_url(self):
        return f"{reverse('commitments:corrections')}#correction-{self.change}"


class DataVersion(models.Model):
    """One number that grows with every change to the public data (see commitments.cache)."""

    SINGLETON = 1
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "data version"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="commitments_dataversion_singleton")
        ]

    def __str__(self):
        return f"data version {self.number}"

    @classmethod
    def current(cls) -> int:
        """The number, read on every cached page: one fixed statement, without building an
        ORM query each time (which cost more than running it)."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [cls.SINGLETON])  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row is not None else 0


# -- bills ------------------------------------------------------------------------------------


class BillQuerySet(models.QuerySet):
    def recorded(self):
        """Bills whose stages are stored from Parliament's record (a source): the only ones
        shown publicly. A bill an editor named but no one has fetched yet shows nothing."""
        return self.filter(source__isnull=False)

    def standing(self, on):
        """Annotate where each bill stood on `on` (a date, or an expression giving one, as the
        exports' row date), in this one query: `stage_id` (the latest
        stage, in Parliament's order, with a sitting on or before `on`), `stage`, `stage_house`,
        `stage_on` (its first sitting), and `next_stage`, `next_stage_house`, `next_stage_on`
        (the stage Parliament lists after it, and its first sitting, if one is listed)."""
        reached = BillStage.objects.filter(bill=OuterRef("pk"), sat_on__lte=on).order_by(
            "-sort_order", "-pk"
        )
        qs = self.annotate(
            stage_id=Subquery(reached.values("pk")[:1]),
            stage=Subquery(reached.values("description")[:1]),
            stage_house=Subquery(reached.values("house")[:1]),
            stage_on=Subquery(reached.values("sat_on")[:1]),
            stage_last_on=Subquery(reached.values("last_sat_on")[:1]),
            stage_order=Subquery(reached.values("sort_order")[:1]),
        )
        after = BillStage.objects.filter(bill=OuterRef("pk")).order_by("sort_order", "pk")
        after = after.filter(
            sort_order__gt=Coalesce(
                OuterRef("stage_order"), Value(-1), output_field=models.IntegerField()
            )
        )
        return qs.annotate(
            next_stage=Subquery(after.values("description")[:1]),
            next_stage_house=Subquery(after.values("house")[:1]),
            next_stage_on=Subquery(after.values("sat_on")[:1]),
        )


class Bill(models.Model):
    """A bill in Parliament that carries one or more commitments (the Crime and Policing Bill
    carried the mandatory reporting duty). Editors name it by Parliament's id and link the
    commitments; everything else (title, stages, whether it became an Act) comes from
    Parliament's Bills API, stored as a source whose text lists every stage (parliament.bills),
    so each stage shown publicly is a line of a stored primary source. Royal Assent is not
    commencement: commencement is its own cited event on the commitment."""

    parliament_id = models.PositiveIntegerField(
        "Parliament's bill id",
        help_text="The number in the bill's address on bills.parliament.uk, e.g. 3938 for "
        "https://bills.parliament.uk/bills/3938.",
    )
    title = PlainCharField(
        max_length=300, help_text="The bill's short title (replaced by Parliament's own)."
    )
    commitments = models.ManyToManyField(
        Commitment,
        related_name="bills",
        blank=True,
        help_text="The commitments this bill carries.",
    )
    source = models.OneToOneField(
        SourceDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bill",
        editable=False,
        help_text="Parliament's record of the bill's stages, as last fetched.",
    )
    is_act = models.BooleanField(default=False, editable=False)
    is_defeated = models.BooleanField(default=False, editable=False)
    withdrawn_on = models.DateField(null=True, blank=True, editable=False)
    parliament_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[commitments])

    objects = BillQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parliament_id"],
                name="commitments_bill_parliament_id_unique",
                violation_error_message="This bill is already tracked.",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def url(self) -> str:
        return f"https://bills.parliament.uk/bills/{self.parliament_id}"

    @property
    def reached_line(self) -> str:
        """The stage reached (annotated by `standing()`), as the bill's source lists it."""
        if getattr(self, "stage_id", None) is None:
            return ""
        return stage_line(self.stage, self.stage_house, self.stage_on, self.stage_last_on)

    def is_public_row(self) -> bool:
        """A bill linked to a public commitment is read-only but to a superuser."""
        return self.commitments.filter(is_public=True).exists()


class BillStage(models.Model):
    """One stage of a bill as Parliament's Bills API lists it (e.g. "2nd reading", Commons),
    with its first and last sitting. Written only by parliament.bills, from the API."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="stages")
    parliament_id = models.PositiveIntegerField(help_text="The API's id of this bill stage.")
    description = PlainCharField(max_length=200)
    abbreviation = PlainCharField(max_length=20, blank=True)
    house = PlainCharField(max_length=20, blank=True)
    sort_order = models.IntegerField()
    sat_on = models.DateField(null=True, blank=True, help_text="Its first sitting.")
    last_sat_on = models.DateField(null=True, blank=True, help_text="Its last sitting.")

    class Meta:
        ordering = ["bill_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill", "parliament_id"], name="commitments_billstage_unique"
            )
        ]

    def __str__(self):
        return self.line

    @property
    def line(self) -> str:
        """The stage as the bill's source lists it, word for word (parliament.bills)."""
        return stage_line(self.description, self.house, self.sat_on, self.last_sat_on)


HOUSES = {"Commons": "House of Commons", "Lords": "House of Lords"}


def stage_line(description: str, house: str, first: Date | None, last: Date | None) -> str:
    """One stage as a line of text: "2nd reading, House of Commons: 10 March 2025"."""
    where = f"{description}, {HOUSES[house]}" if house in HOUSES else description
    if first is None:
        return f"{where}: no sitting listed"
    when = f"{first:%-d %B %Y}"
    if last is not None and last != first:
        when += f" to {last:%-d %B %Y}"
    return f"{where}: {when}"
