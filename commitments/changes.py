"""What changed between two dates: every status change, deadline change, new commitment, new
money and correction dated in a range, each with the citation it rests on. Derived from the
timelines and the corrections log as the tracker holds them on the range's last day (the public
rule of that day), never stored.

`changes(start, end)` gives the rows; CHANGES declares their columns for the CSV (written by the
same cell writers as every export, formulas neutralised) and the JSON API.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Prefetch
from django.urls import reverse

from sources.filters import PublicForm

from .exports.columns import Column, Dataset
from .models import Announcement, Citation, Commitment, Correction, FundingLine, Status

STATUS_CHANGE, DEADLINE_CHANGE = "status_changed", "deadline_changed"
NEW_COMMITMENT, NEW_MONEY, CORRECTION = "new_commitment", "new_money", "correction"
KINDS = {
    NEW_COMMITMENT: "New commitment on record",
    STATUS_CHANGE: "Status changed",
    DEADLINE_CHANGE: "Deadline set or moved",
    NEW_MONEY: "Money stated",
    CORRECTION: "Correction",
}
ORDER = list(KINDS)


@dataclass(frozen=True)
class Change:
    date: datetime.date
    kind: str
    commitment: Commitment
    before: str
    after: str
    summary: str
    citation: Citation | None
    path: str  # where it is shown on this site

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def values(self, site: str) -> tuple:
        """The row as CHANGES's columns' values."""
        source = self.citation.source if self.citation else None
        return (
            self.date, self.kind, self.kind_label, self.commitment.slug, self.commitment.title,
            self.before, self.after, self.summary,
            self.citation.quote if self.citation else None,
            source.title if source else None, source.publisher if source else None,
            source.published_on if source else None,
            source.provenance if source else None, source.url if source else None,
            site + self.path,
        )  # fmt: skip


def _status_label(value: str | None) -> str:
    return Status(value).label if value else ""


def changes(start: datetime.date, end: datetime.date) -> list[Change]:
    """Every change dated from `start` to `end` (both included), as public on `end`: in date
    order, then by kind (new commitment, status, deadline, money, correction) and title."""
    public = Commitment.objects.public(end)
    cited = Citation.objects.select_related("source").order_by("pk")
    events = (
        Announcement.objects.evidenced()
        .filter(commitment__in=public, date__lte=end)
        .select_related("commitment")
        .prefetch_related(Prefetch("citations", queryset=cited))
        .order_by("commitment_id", "date", "pk")
    )
    rows: list[Change] = []
    status: dict[int, str] = {}
    deadline: dict[int, datetime.date | None] = {}
    for event in events:
        pk, first = event.commitment_id, event.citations.all()[0]
        in_range = start <= event.date
        if event.new_status and event.new_status != status.get(pk):
            if in_range:
                kind = STATUS_CHANGE if pk in status else NEW_COMMITMENT
                rows.append(Change(
                    event.date, kind, event.commitment, _status_label(status.get(pk)),
                    _status_label(event.new_status), event.summary, first,
                    event.get_absolute_url(),
                ))  # fmt: skip
            status[pk] = event.new_status
        if event.new_deadline is not None and event.new_deadline != deadline.get(pk):
            if in_range:
                before = deadline.get(pk)
                rows.append(Change(
                    event.date, DEADLINE_CHANGE, event.commitment,
                    before.isoformat() if before else "", event.new_deadline.isoformat(),
                    event.summary, first, event.get_absolute_url(),
                ))  # fmt: skip
            deadline[pk] = event.new_deadline
    money = (
        FundingLine.objects.public(end)
        .filter(stated_on__gte=start, stated_on__lte=end)
        .select_related("commitment", "same_money_as")
        .prefetch_related(Prefetch("citations", queryset=cited))
    )
    for line in money:
        what = f"£{line.amount:,.2f}".replace(".00", "") + f" {line.get_stage_display().lower()}"
        if line.same_money_as_id:
            what += " (another source's figure for money already on record)"
        elif line.may_overlap:
            what += " (may overlap another figure)"
        rows.append(Change(
            line.stated_on, NEW_MONEY, line.commitment, "", what, line.purpose,
            line.citations.all()[0], line.get_absolute_url(),
        ))  # fmt: skip
    corrections = (
        Correction.objects.public(end).filter(corrected_on__gte=start).select_related("commitment")
    )
    for correction in corrections:
        rows.append(Change(
            correction.corrected_on, CORRECTION, correction.commitment, correction.before,
            correction.after, f"{correction.record}, {correction.field}: {correction.reason}",
            None, correction.get_absolute_url(),
        ))  # fmt: skip
    rows.sort(key=lambda c: (c.date, ORDER.index(c.kind), c.commitment.title.casefold()))
    return rows


CHANGES = Dataset(
    "changes",
    "Changes between two dates",
    "one row per change: a status changed, a deadline set or moved, a new commitment, money "
    "stated, a correction",
    (
        Column("date", "date", "Date of the change (the event's date; the day the money was stated; the day of the correction).", "2025-06-16", None),
        Column("change", "text", "What kind of change: " + ", ".join(KINDS) + ".", "status_changed", None),
        Column("change_label", "text", "The same in words.", "Status changed", None),
        Column("commitment_slug", "text", "The commitment it belongs to.", "casey-national-audit", None),
        Column("commitment_title", "text", "Its title.", "Baroness Casey's rapid national audit…", None),
        Column("before", "text", "What it was before (a status, a deadline as YYYY-MM-DD; empty for a first).", "In progress", None),
        Column("after", "text", "What it became.", "Delivered", None),
        Column("summary", "text", "What happened, or what the money is for, or why a correction was made.", "The Home Secretary reports the audit…", None),
        Column("quote", "text", "The first quote it rests on (corrections rest on the log).", "With permission, I will update the House…", None),
        Column("source_title", "text", "That quote's source.", "Child Sexual Exploitation: Casey Report", None),
        Column("source_publisher", "text", "Who published it.", "Parallel Parliament", None),
        Column("source_published_on", "date", "When (empty if the source shows no date).", "2025-06-16", None),
        Column("source_provenance", "text", "primary, primary_mirror or secondary.", "primary_mirror", None),
        Column("source_url", "url", "The source's original address.", "https://…", None),
        Column("page_url", "url", "Where the change is shown on this site.", "https://…/commitments/casey-national-audit/#event-12", None),
    ),
)  # fmt: skip


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 30 days, to `today`."""
    return today - datetime.timedelta(days=30), today


def page_path() -> str:
    return reverse("commitments:changes")


class ChangesForm(PublicForm):
    """The range of /changes/: `from` and `to`, ISO dates, `to` no later than today."""

    PARAMS = ("from", "to")  # the page's query parameters (commitments.cache keeps only these)

    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, today: datetime.date, default_end: datetime.date):
        # The parameters are `from` and `to`; `from` is a Python keyword, hence the renaming.
        super().__init__({"start": data.get("from", ""), "end": data.get("to", "")})
        self.today, self.default_end = today, default_end

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.default_end
        start = data.get("start") or default_range(end)[0]
        if end > self.today:
            raise forms.ValidationError("“to” cannot be after today.")
        if start > end:
            raise forms.ValidationError("“from” must be on or before “to”.")
        data["start"], data["end"] = start, end
        return data


def changes_range(request):
    """(start, end) of a request to /changes/, or the form's errors as one message."""
    form = ChangesForm(request.GET, today=request.today, default_end=request.as_of)
    if not form.is_valid():
        errors = [f"{'from' if name == 'start' else 'to'}: {' '.join(e)}" if name != "__all__"
                  else " ".join(e) for name, e in form.errors.items()]  # fmt: skip
        return form, None, "; ".join(errors)
    return form, (form.cleaned_data["start"], form.cleaned_data["end"]), ""
