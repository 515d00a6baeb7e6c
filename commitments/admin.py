from concurrency.admin import ConcurrentModelAdmin
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from desk.models import CHANGEABLE
from sources.admin_history import TidyHistoryMixin
from sources.conflicts import (
    ConflictSafeAdminMixin,
    LockingConcurrentForm,
    LockingInlineFormSet,
    LockingInlineMixin,
)

from .models import (
    Announcement,
    Bill,
    BillStage,
    Citation,
    Commitment,
    CommitmentLink,
    FundingLine,
    Status,
)


class StatusFilter(admin.SimpleListFilter):
    """Filter on the status derived from the timeline today."""

    title = "status today"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("none", "Not yet announced (no sourced status)"), *Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(status__isnull=True)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class PublicRowsThroughDraftsMixin:
    """What the public sees changes only through a draft a second person publishes (desk):
    here, a row that is public is read-only to everyone but a superuser. Rows that are not
    public yet (an uncited announcement, a commitment with no cited pledge) stay editable."""

    @staticmethod
    def is_public(obj) -> bool:
        return obj.is_public_row()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or request.user.is_superuser or not allowed:
            return allowed
        return not self.is_public(obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or request.user.is_superuser or not allowed:
            return allowed
        return not self.is_public(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["public_read_only"] = (
            obj is not None and not request.user.is_superuser and self.is_public(obj)
        )
        context["propose_url"] = (
            reverse("admin:desk_draft_propose", args=[obj._meta.model_name, obj.pk])
            if context["public_read_only"] and obj._meta.model_name in CHANGEABLE
            else ""
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


class RecordAdmin(
    PublicRowsThroughDraftsMixin,
    TidyHistoryMixin,
    ConflictSafeAdminMixin,
    ConcurrentModelAdmin,
    SimpleHistoryAdmin,
):
    """The admin of a record of the tracker: versioned (a stale save is refused), with its
    history, errors summarised first, and read-only once public except through the desk."""


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue today"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_overdue=self.value() == "yes")
        return queryset


class ClaimInCommitmentForm(LockingConcurrentForm):
    """Citation form on a commitment's page: the claim is limited to that commitment's."""

    class Meta:
        model = Citation
        fields = ["announcement", "funding_line", "source", "quote", "locator", "version"]


class PledgeKeepingFormSet(LockingInlineFormSet):
    """The citations on a commitment's page: a save that would leave a public commitment with
    no citation of its pledge (deleting it, or turning it into an event's citation) is
    refused, with the reason above the citations."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        leaving = set()
        for form in self.initial_forms:
            stored = form.initial  # form.instance already carries the posted values
            if not form.instance.pk or stored.get("announcement") or stored.get("funding_line"):
                continue  # not a pledge citation before this save
            data = getattr(form, "cleaned_data", {})
            if (
                self._should_delete_form(form)
                or data.get("announcement")
                or data.get("funding_line")
            ):
                leaving.add(form.instance.pk)
        if leaving and (
            message := Citation.unpublishing_message(self.instance.pk, leaving=leaving)
        ):
            raise ValidationError(message)


class CitationInline(LockingInlineMixin, admin.StackedInline):
    model = Citation
    form = ClaimInCommitmentForm
    formset = PledgeKeepingFormSet
    fk_name = "commitment"
    extra = 0
    classes = ["collapse"]  # open by a click, or by itself when it holds an error
    autocomplete_fields = ["source"]
    verbose_name = "citation"
    verbose_name_plural = "citations (of the pledge when no announcement or funding line is set)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        fields["announcement"].queryset = Announcement.objects.filter(commitment=obj)
        fields["funding_line"].queryset = FundingLine.objects.filter(commitment=obj)
        return formset


class AnnouncementInline(LockingInlineMixin, admin.StackedInline):
    model = Announcement
    extra = 0
    classes = ["collapse"]  # open by a click, or by itself when it holds an error
    fields = [
        ("date", "kind"),
        "summary",
        ("new_status", "new_deadline", "deadline_wording"),
        "note",
        "version",
    ]
    show_change_link = True


class FundingLineInline(LockingInlineMixin, admin.TabularInline):
    model = FundingLine
    fk_name = "commitment"
    extra = 0
    classes = ["collapse"]  # open by a click, or by itself when it holds an error
    fields = [
        "amount",
        "stage",
        "stated_on",
        "purpose",
        "recipient",
        "period",
        "parent",
        "same_money_as",
        "version",
    ]
    autocomplete_fields = ["parent", "same_money_as"]
    show_change_link = True


class CommitmentLinkInline(admin.TabularInline):
    model = CommitmentLink
    fk_name = "from_commitment"
    extra = 0
    autocomplete_fields = ["to_commitment"]
    verbose_name = "link to another commitment"
    verbose_name_plural = "links to other commitments"


@admin.register(Commitment)
class CommitmentAdmin(RecordAdmin):
    change_form_template = "admin/commitments/commitment/change_form.html"
    list_display = [
        "title",
        "status_today",
        "status_since",
        "deadline",
        "overdue",
        "theme",
        "lead_department",
        "parent",
    ]
    list_filter = [StatusFilter, OverdueFilter, "theme", "lead_department"]
    search_fields = ["title", "slug", "pledge_text", "summary", "references"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    inlines = [AnnouncementInline, FundingLineInline, CitationInline, CommitmentLinkInline]
    fields = [
        "title",
        "slug",
        "pledge_text",
        "summary",
        ("theme", "lead_department"),
        "parent",
        "references",
        "version",
    ]

    readonly_fields = ["timeline"]

    def get_queryset(self, request):
        return super().get_queryset(request).as_of(timezone.localdate())

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [*fields, "timeline"] if obj is not None else [f for f in fields if f != "timeline"]

    @admin.display(description="timeline")
    def timeline(self, obj):
        """Every event in one compact row each, with a link to edit it: the form stays short
        and only what is being edited is open."""
        events = obj.announcements.annotate(n=Count("citations")).order_by("date", "pk")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td><a href='{}'>{}</a></td></tr>",
            (
                (
                    event.date.isoformat(),
                    event.get_kind_display(),
                    event.get_new_status_display() or "–",
                    event.new_deadline.isoformat() if event.new_deadline else "–",
                    Truncator(event.summary).chars(90),
                    f"{event.n} · {'public' if event.n and obj.is_public else 'not public'}",
                    reverse("admin:commitments_announcement_change", args=[event.pk]),
                    "open",
                )
                for event in events
            ),
        )
        return format_html(
            "<table class='desk-timeline'><thead><tr><th>Date</th><th>Event</th><th>Status"
            "</th><th>Deadline</th><th>Summary</th><th>Citations</th><th></th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows or format_html("<tr><td colspan='7'>No events yet.</td></tr>"),
        )

    @admin.display(description="status today", ordering="status")
    def status_today(self, obj):
        return obj.state.get_status_display()

    @admin.display(description="since", ordering="status_since")
    def status_since(self, obj):
        return obj.status_since

    @admin.display(ordering="deadline")
    def deadline(self, obj):
        return obj.deadline

    @admin.display(description="overdue", ordering="is_overdue")
    def overdue(self, obj):
        days = obj.state.days_overdue
        return f"{days} day{'s' if days != 1 else ''}" if days else "-"


class CitationOfClaimInline(LockingInlineMixin, admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "locator", "version"]


class AnnouncementCitationInline(CitationOfClaimInline):
    fk_name = "announcement"


class FundingCitationInline(CitationOfClaimInline):
    fk_name = "funding_line"


@admin.register(Announcement)
class AnnouncementAdmin(RecordAdmin):
    list_display = ["date", "commitment", "kind", "new_status", "new_deadline", "short_summary"]
    list_filter = ["kind", "new_status", "commitment__theme"]
    search_fields = ["summary", "note", "commitment__title"]
    date_hierarchy = "date"
    list_select_related = ["commitment"]
    autocomplete_fields = ["commitment"]
    inlines = [AnnouncementCitationInline]

    @admin.display(description="summary")
    def short_summary(self, obj):
        return Truncator(obj.summary).chars(100)


@admin.register(FundingLine)
class FundingLineAdmin(RecordAdmin):
    list_display = ["commitment", "amount", "stage", "stated_on", "purpose", "parent"]
    list_filter = ["stage"]
    search_fields = ["purpose", "recipient", "note", "commitment__title"]
    date_hierarchy = "stated_on"
    list_select_related = ["commitment", "parent__commitment"]
    autocomplete_fields = ["commitment", "parent", "same_money_as"]
    inlines = [FundingCitationInline]


@admin.register(Citation)
class CitationAdmin(RecordAdmin):
    list_display = ["short_quote", "commitment", "claim_kind", "source", "locator"]
    list_filter = ["source__kind", "source__provenance"]
    search_fields = ["quote", "locator", "commitment__title", "source__title"]
    list_select_related = ["commitment", "source", "announcement", "funding_line"]
    autocomplete_fields = ["commitment", "announcement", "funding_line", "source"]

    def get_actions(self, request):
        # Deleting citations one at a time lets each deletion be checked and explained
        # (a public commitment's last pledge citation cannot be deleted).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and obj.is_of_pledge:
            message = Citation.unpublishing_message(obj.commitment_id, leaving={obj.pk})
            if message:
                self.message_user(request, f"Not deleted. {message}", messages.ERROR)
                return redirect("admin:commitments_citation_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)

    @admin.display(description="quote")
    def short_quote(self, obj):
        return obj.quote if len(obj.quote) <= 90 else f"{obj.quote[:87]}…"


@admin.register(CommitmentLink)
class CommitmentLinkAdmin(PublicRowsThroughDraftsMixin, SimpleHistoryAdmin):
    list_display = ["from_commitment", "kind", "to_commitment"]
    list_filter = ["kind"]
    search_fields = ["from_commitment__title", "to_commitment__title", "note"]
    list_select_related = ["from_commitment", "to_commitment"]
    autocomplete_fields = ["from_commitment", "to_commitment"]


class BillStageInline(admin.TabularInline):
    """A bill's stages, as Parliament lists them: read-only (watch_parliament writes them)."""

    model = BillStage
    fields = ["description", "house", "sat_on", "last_sat_on", "sort_order"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Bill)
class BillAdmin(PublicRowsThroughDraftsMixin, SimpleHistoryAdmin):
    """Name a bill by Parliament's id and link the commitments it carries; watch_parliament
    fills in its title, stages and outcome from the Bills API."""

    list_display = ["title", "parliament_id", "where_it_stands", "is_act", "checked_at"]
    search_fields = ["title", "=parliament_id", "commitments__title"]
    autocomplete_fields = ["commitments"]
    readonly_fields = ["parliament_page", "source", "is_act", "is_defeated", "withdrawn_on",
                       "parliament_updated_at", "checked_at"]  # fmt: skip
    inlines = [BillStageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).standing(timezone.localdate())

    @admin.display(description="where it stands today")
    def where_it_stands(self, obj):
        if obj.stage is None:
            return "not fetched yet" if obj.source_id is None else "no stage sat yet"
        return f"{obj.stage} ({obj.stage_house or 'both Houses'}), {obj.stage_on:%-d %b %Y}"

    @admin.display(description="on Parliament's website")
    def parliament_page(self, obj):
        return format_html('<a href="{0}">{0}</a>', obj.url) if obj.pk else "–"
