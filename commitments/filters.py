"""The one FilterSet for commitments: the list page, its CSV and its JSON all go through it, so
what a reader sees is what they download.

Parameters (see DESIGN.md): `q`, `status` (repeatable), `theme`, `department`, `overdue`,
`missed_deadline` (overdue, or closed after its deadline), `has_funding`, `firmness`
(repeatable; `not_stated` for none), `claims_more` (the government's claim goes further than
the tracker's verdict), `announced_after`, `announced_before`, `as_of`, `sort`; `page` is the
view's.
A value the form cannot accept makes the FilterSet invalid; views answer that with a 400 page
that says what is wrong, never with a 500 and never by silently ignoring it.
"""

import django_filters
from django import forms
from django.db.models import Exists, F, Min, OuterRef, Q, Subquery

from sources.filters import PublicForm, check_date_order

from .models import Announcement, Commitment, Department, Firmness, FundingLine, Status, Theme
from .search import search_commitments

YES_NO = [("true", "Yes"), ("false", "No")]
NOT_STATED = "not_stated"

# sort value -> (label, ordering). Nulls go last whatever the direction.
SORTS = {
    "title": ("Title (A to Z)", [F("title").asc(), "pk"]),
    "-updated": ("Latest evidence first", [F("last_evidence_on").desc(nulls_last=True), "title"]),
    "deadline": ("Deadline (soonest first)", [F("deadline").asc(nulls_last=True), "title"]),
    "-deadline": ("Deadline (latest first)", [F("deadline").desc(nulls_last=True), "title"]),
    "since": ("Status unchanged longest", [F("status_since").asc(nulls_last=True), "title"]),
    "-since": ("Status changed most recently", [F("status_since").desc(nulls_last=True), "title"]),
    "announced": ("First announced (earliest)", [F("announced_on").asc(nulls_last=True), "title"]),
    "-announced": ("First announced (latest)", [F("announced_on").desc(nulls_last=True), "title"]),
    "status": ("Status", ["status", "title"]),
    "relevance": ("Best match (with a search)", [F("rank").desc(nulls_last=True), "title"]),
}


class CommitmentFilterForm(PublicForm):
    def clean(self):
        data = super().clean()
        check_date_order(
            data, "announced_after", "announced_before", ("Announced after", "announced before")
        )
        if data.get("sort") == "relevance" and not data.get("q"):
            self.add_error("sort", "Sorting by best match needs a search (q).")
        return data


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommitmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_q",
        help_text="Words in the pledge, its timeline or its sources.",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
        label="Status",
    )
    theme = django_filters.ChoiceFilter(choices=Theme.choices, empty_label="Any theme")
    department = django_filters.ChoiceFilter(
        field_name="lead_department", choices=Department.choices, empty_label="Any department",
        label="Lead department",
    )  # fmt: skip
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", empty_label="Either", label="Overdue"
    )
    missed_deadline = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_missed_deadline", empty_label="Either",
        label="Missed its deadline (overdue, or done late)",
    )  # fmt: skip
    firmness = django_filters.MultipleChoiceFilter(
        choices=[*Firmness.choices, (NOT_STATED, "Not stated")],
        method="filter_firmness",
        widget=forms.CheckboxSelectMultiple,
        label="How firmly committed",
    )
    claims_more = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_claims_more", empty_label="Either",
        label="The government claims more than the evidence shows",
    )  # fmt: skip
    has_funding = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_has_funding", empty_label="Either", label="Has money"
    )
    announced_after = django_filters.DateFilter(
        method="filter_announced_after", widget=_date_widget(), label="First announced on or after"
    )
    announced_before = django_filters.DateFilter(
        method="filter_announced_before",
        widget=_date_widget(),
        label="First announced on or before",
    )
    as_of = django_filters.DateFilter(
        method="filter_as_of", widget=_date_widget(), label="As of",
        help_text="Show the tracker as it stood on this date.",
    )  # fmt: skip
    sort = django_filters.ChoiceFilter(
        choices=[(value, label) for value, (label, _) in SORTS.items()],
        method="filter_sort", empty_label="Default", label="Sort by",
    )  # fmt: skip

    class Meta:
        model = Commitment
        fields = []
        form = CommitmentFilterForm

    @property
    def as_of_date(self):
        """The date the results describe: `as_of` as the AsOfMiddleware read it (it answers a
        bad one before any view runs), else today. The field is here for the form only."""
        return self.request.as_of

    def filter_queryset(self, queryset):
        on = self.as_of_date
        queryset = queryset.on_record(on).for_list(on)
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("sort"):
            default = "relevance" if data.get("q") else "title"
            queryset = self.filter_sort(queryset, "sort", default)
        return queryset

    # Each method receives the queryset already annotated with the state on `as_of`.

    def filter_as_of(self, queryset, name, value):
        return queryset  # applied in filter_queryset, before every other filter

    def filter_q(self, queryset, name, value):
        return (
            search_commitments(queryset, value, on=self.as_of_date) if value.strip() else queryset
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value) if value else queryset

    def filter_firmness(self, queryset, name, value):
        if not value:
            return queryset
        chosen = Q(firmness__in=[v for v in value if v != NOT_STATED])
        return queryset.filter(
            chosen | Q(firmness__isnull=True) if NOT_STATED in value else chosen
        )

    def filter_claims_more(self, queryset, name, value):
        return queryset.filter(claims_more=(value == "true"))

    def filter_missed_deadline(self, queryset, name, value):
        if value == "true":
            return queryset.filter(Q(is_overdue=True) | Q(deadline_met=False))
        # Spelled out: deadline_met is NULL for what is open or has no deadline.
        return queryset.filter(
            Q(deadline_met=True) | Q(deadline_met__isnull=True), is_overdue=False
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=(value == "true"))

    def filter_has_funding(self, queryset, name, value):
        on = self.as_of_date
        lines = FundingLine.objects.evidenced().stated_by(on).filter(commitment=OuterRef("pk"))
        return (
            queryset.filter(Exists(lines)) if value == "true" else queryset.exclude(Exists(lines))
        )

    def _with_announced_on(self, queryset):
        if "announced_on" in queryset.query.annotations:
            return queryset
        first = (
            Announcement.objects.evidenced()
            .filter(commitment=OuterRef("pk"), date__lte=self.as_of_date)
            .order_by()
            .values("commitment")
            .annotate(first=Min("date"))
            .values("first")
        )
        return queryset.annotate(announced_on=Subquery(first))

    def filter_announced_after(self, queryset, name, value):
        return self._with_announced_on(queryset).filter(announced_on__gte=value)

    def filter_announced_before(self, queryset, name, value):
        return self._with_announced_on(queryset).filter(announced_on__lte=value)

    def filter_sort(self, queryset, name, value):
        if value in ("announced", "-announced"):
            queryset = self._with_announced_on(queryset)
        if value == "relevance" and "rank" not in queryset.query.annotations:
            value = "title"
        return queryset.order_by(*SORTS[value][1])


def commitment_filterset(request) -> CommitmentFilter:
    """The CommitmentFilter of a request, over the public commitments. The list page, its
    exports and the JSON API share it."""
    return CommitmentFilter(request.GET, queryset=Commitment.objects.published(), request=request)
