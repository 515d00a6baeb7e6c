"""The editors' desk in the admin: record a development (one form, one save, previewed),
propose a change to a published record (update or correction, with a reason), review drafts
(publish or send back; never one's own), and the inbox of what watch_parliament brought in."""

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from commitments.models import Commitment
from sources.admin_errors import error_items
from sources.models import SourceDocument, SourceKind, WatchTerm

from .forms import DevelopmentForm, ProposalForm, QuoteFormSet, change_form_class
from .models import (
    CHANGEABLE,
    Draft,
    DraftKind,
    DraftState,
    InboxItem,
    InboxState,
    describe_record,
)
from .suggest import Corpus


def error_summary(form, quotes, effect=None) -> list[dict]:
    """Every error on the record form, first on the page."""
    titled = [("", form)] + [(f"Passage {n}: ", q) for n, q in enumerate(quotes.forms, 1)]
    extra = [("Passages", error, "passages") for error in quotes.non_form_errors()]
    if effect is not None:
        extra += [("Cannot be saved", error, "effect") for error in effect.errors]
    return error_items(titled, extra)


class StateFilter(admin.SimpleListFilter):
    """By state, showing what waits (`default`) unless asked otherwise."""

    title = "state"
    parameter_name = "state"
    ALL = "all"
    states, default = DraftState, DraftState.PENDING

    def lookups(self, request, model_admin):
        return [*self.states.choices, (self.ALL, "All")]

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value == self.ALL else queryset.filter(state=value)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["event", "public_effect", "author", "created_at", "state"]
    list_filter = [StateFilter]
    list_per_page = 25  # each row's public effect is worked out live
    search_fields = ["commitment__title", "announcement"]
    change_list_template = "admin/desk/draft/change_list.html"

    # -- the list: what awaits review ---------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment", "author", "reviewer")

    @admin.display(description="what", ordering="commitment__title")
    def event(self, draft):
        title = Truncator(draft.commitment.title).chars(50)
        if draft.kind == DraftKind.CHANGE:
            fields = ", ".join(row["label"].lower() for row in draft.changed_fields())
            kind = draft.get_change_type_display().split(":")[0]
            return f"{title} – {kind} of {fields}: {Truncator(draft.reason).chars(80)}"
        summary = Truncator(draft.announcement.get("summary", "")).chars(80)
        return f"{title} – {draft.event_date:%-d %b %Y}: {summary}"

    @admin.display(description="public effect today")
    def public_effect(self, draft):
        if draft.state != DraftState.PENDING:
            return "-"
        effect = draft.effect()
        return describe(effect)

    def changelist_view(self, request, extra_context=None):
        extra = {
            "summaries_to_check": Commitment.objects.filter(summary_needs_review=True).order_by(
                "title"
            ),
            "record_url": reverse("admin:desk_draft_add"),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    # -- record a development ----------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = DevelopmentForm(request.POST)
            quotes = QuoteFormSet(request.POST, prefix="quotes")
            effect = None
            if form.is_valid() and quotes.is_valid():
                cited = [q.cleaned_data for q in quotes.forms if q.cleaned_data]
                draft = Draft.from_forms(form.cleaned_data, cited, author=request.user)
                effect = draft.effect()
                if "save" in request.POST and not effect.errors:
                    draft.save()
                    InboxItem.objects.filter(
                        source__in=[c["source"] for c in draft.citations], state=InboxState.NEW
                    ).update(
                        state=InboxState.RECORDED,
                        handled_by=request.user,
                        handled_at=timezone.now(),
                    )
                    messages.success(
                        request,
                        "Saved as a draft. Nothing is public until a reviewer other than you "
                        "publishes it.",
                    )
                    return redirect(draft.get_absolute_url())
        else:
            form = DevelopmentForm(initial=self._initial(request, "commitment", Commitment))
            source = self._initial(request, "source", SourceDocument)
            quotes = QuoteFormSet(prefix="quotes", initial=[source] if source else None)
            effect = None
        return TemplateResponse(
            request,
            "admin/desk/draft/record.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Record a development",
                "form": form,
                "quotes": quotes,
                "effect": effect,
                "errors": error_summary(form, quotes, effect) if form.is_bound else [],
                "today_state": self._today(form),
                "panes": self._panes(request, quotes),
                "media": self.media
                + form.media
                + quotes.media
                + forms.Media(js=["desk/quote_picker.js"], css={"all": ["desk/desk.css"]}),
            },
        )

    @staticmethod
    def _initial(request, name, model) -> dict:
        value = request.GET.get(name, "")
        if value.isdigit() and model.objects.filter(pk=value).exists():
            return {name: int(value)}
        return {}

    @staticmethod
    def _today(form):
        value = form["commitment"].value()
        commitment = Commitment.objects.filter(pk=value).first() if str(value).isdigit() else None
        if commitment is None:
            return None
        return {"commitment": commitment, "state": commitment.state_on(timezone.localdate())}

    @staticmethod
    def _panes(request, quotes) -> list[SourceDocument]:
        """The stored text of each chosen source, to pick the quote from."""
        ids = []
        for quote_form in quotes.forms:
            value = quote_form["source"].value()
            if value and str(value).isdigit():
                ids.append(int(value))
        if not ids and request.GET.get("source", "").isdigit():
            ids.append(int(request.GET["source"]))
        found = SourceDocument.objects.in_bulk(ids)
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

    # -- propose a change to a published record --------------------------------------------

    def get_urls(self):
        propose = path(
            "propose/<str:model_name>/<int:pk>/",
            self.admin_site.admin_view(self.propose_view),
            name="desk_draft_propose",
        )
        checked = path(
            "summary-checked/<int:pk>/",
            self.admin_site.admin_view(self.summary_checked_view),
            name="desk_summary_checked",
        )
        return [propose, checked, *super().get_urls()]

    def summary_checked_view(self, request, pk):
        """An editor read the summary against the new state and it still holds: the prompt
        goes (nothing public changes, so no draft is needed)."""
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        commitment = get_object_or_404(Commitment, pk=pk)
        Commitment.objects.filter(pk=pk).update(summary_needs_review=False)
        messages.success(request, f"The summary of “{commitment}” is marked as checked.")
        return redirect("admin:desk_draft_changelist")

    def propose_view(self, request, model_name, pk):
        if model_name not in CHANGEABLE or not self.has_add_permission(request):
            raise PermissionDenied
        model = apps.get_model("commitments", model_name)
        record = get_object_or_404(model, pk=pk)
        if not self.admin_site._registry[model].has_view_permission(request, record):
            raise PermissionDenied
        form_class = change_form_class(model)
        effect = draft = None
        if request.method == "POST":
            form = form_class(request.POST, instance=record)
            proposal = ProposalForm(request.POST)
            if form.is_valid() and proposal.is_valid():
                if not form.changed_data:
                    form.add_error(None, "Nothing is changed: change a field, or go back.")
                else:
                    draft = Draft.for_change(
                        form,
                        proposal.cleaned_data["reason"],
                        proposal.cleaned_data["change_type"],
                        author=request.user,
                    )
                    effect = draft.effect()
                    if "save" in request.POST and not effect.errors:
                        draft.save()
                        messages.success(
                            request,
                            "Saved as a draft. Nothing changes publicly until a reviewer other "
                            "than you publishes it.",
                        )
                        return redirect(draft.get_absolute_url())
        else:
            form, proposal = form_class(instance=record), ProposalForm()
        titled = [("", form), ("", proposal)]
        extra = [
            ("Cannot be saved", error, "effect") for error in (effect.errors if effect else [])
        ]
        return TemplateResponse(
            request,
            "admin/desk/draft/propose.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Propose a change to {describe_record(record)}",
                "record": record,
                "form": form,
                "proposal": proposal,
                "effect": effect,
                "changes": draft.changed_fields() if draft is not None else [],
                "errors": error_items(titled, extra) if form.is_bound else [],
                "media": self.media + form.media + forms.Media(css={"all": ["desk/desk.css"]}),
            },
        )

    # -- review --------------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        draft = get_object_or_404(Draft.objects.select_related("commitment"), pk=object_id)
        if not self.has_view_permission(request, draft):
            raise PermissionDenied
        if request.method == "POST":
            return self._review(request, draft)
        announcement, citations = draft.build()
        change = draft.kind == DraftKind.CHANGE
        return TemplateResponse(
            request,
            "admin/desk/draft/review.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Draft #{draft.pk}",
                "draft": draft,
                "announcement": announcement,
                "citations": citations,
                "effect": draft.effect() if draft.state == DraftState.PENDING else None,
                "changes": draft.changed_fields() if change else [],
                "can_review": draft.can_be_reviewed_by(request.user),
                "is_author": draft.author_id == request.user.pk,
            },
        )

    def _review(self, request, draft):
        action, note = request.POST.get("action"), request.POST.get("note", "")
        if action in ("publish", "send_back") and not request.user.has_perm("desk.publish_draft"):
            raise PermissionDenied
        try:
            if action == "publish":
                announcement = draft.publish(request.user, note)
                messages.success(
                    request,
                    format_html(
                        "Published. <a href='{}'>See it on the public page</a>.",
                        announcement.get_absolute_url(),
                    ),
                )
            elif action == "send_back":
                draft.send_back(request.user, note)
                messages.success(request, f"Sent back to {draft.author}.")
            elif action == "withdraw" and draft.author_id == request.user.pk:
                if draft.state != DraftState.PENDING:
                    raise ValidationError("Only a draft awaiting review can be withdrawn.")
                draft.delete()
                messages.success(request, "Draft withdrawn.")
                return redirect("admin:desk_draft_changelist")
            else:
                raise PermissionDenied
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(draft.get_absolute_url())

    def has_change_permission(self, request, obj=None):
        return False  # a draft is reviewed, not edited: send it back and record it again

    def has_delete_permission(self, request, obj=None):
        return False  # its author withdraws it from its page


def describe(effect) -> str:
    """One line for the review list: what publishing would change today."""
    if effect.errors:
        return f"Cannot be published: {effect.errors[0]}"
    before, after = effect.before, effect.after
    parts = []
    if not effect.public_after:
        parts.append("Not public: the commitment has no public page")
    elif (before.status, before.status_since) != (after.status, after.status_since):
        parts.append(
            f"{before.get_status_display()} → {after.get_status_display()}"
            + (f" from {after.status_since:%-d %b %Y}" if after.status_since else "")
        )
    if after is not None and before.deadline != after.deadline:
        parts.append(f"deadline {before.deadline or 'none'} → {after.deadline or 'none'}")
    if effect.public_after and not effect.event_shown:
        parts.append("the event does not show today")
    return "; ".join(parts) or "Adds to the timeline; status and deadline unchanged"


def snippet(source: SourceDocument, terms: list[str], width: int = 110) -> dict:
    """The words around the first watch term found in the source: before, match, after. A
    bill's record matches no term: its last lines (the newest stages) are shown."""
    if source.kind == SourceKind.BILL:
        return {"before": "…" + source.text[-2 * width :], "match": "", "after": ""}
    text = " ".join((source.answer_text or source.text).split())
    lowered = text.lower()
    found = [(lowered.find(term.lower()), term) for term in terms]
    found = [(at, term) for at, term in found if at >= 0]
    if not found:
        return {"before": text[: 2 * width], "match": "", "after": ""}
    at, term = min(found)
    end = at + len(term)
    before = ("…" if at > width else "") + text[max(0, at - width) : at]
    after = text[end : end + width] + ("…" if end + width < len(text) else "")
    return {"before": before, "match": text[at:end], "after": after}


class InboxStateFilter(StateFilter):
    states, default = InboxState, InboxState.NEW


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    """New material from Parliament, newest first, each with up to three suggested
    commitments and the words that matched."""

    list_display = ["heading", "facts", "state"]
    list_filter = [InboxStateFilter]
    list_per_page = 20
    search_fields = ["source__title", "source__uin", "source__text"]
    list_select_related = ["source"]
    change_list_template = "admin/desk/inboxitem/change_list.html"

    @admin.display(description="answer", ordering="source__title")
    def heading(self, item):
        return item.source.label

    @admin.display(description="house, dates, minister")
    def facts(self, item):
        source = item.source
        parts = [f"UIN {source.uin}" if source.uin else "", source.department]
        if source.asked_on:
            parts.append(f"asked {source.asked_on:%-d %b %Y}")
        if source.answered_on:
            parts.append(f"answered {source.answered_on:%-d %b %Y}")
        if source.answered_by:
            parts.append(f"by {source.answered_by}")
        return " · ".join(part for part in parts if part)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data") and "cl" in response.context_data:
            corpus = Corpus.build()
            terms = list(WatchTerm.objects.filter(active=True).values_list("term", flat=True))
            response.context_data["cards"] = [
                {
                    "item": item,
                    "snippet": snippet(item.source, terms),
                    "suggestions": corpus.suggest(item.source),
                    "record": reverse("admin:desk_draft_add"),
                }
                for item in response.context_data["cl"].result_list
            ]
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = get_object_or_404(InboxItem.objects.select_related("source"), pk=object_id)
        if request.method == "POST":
            if not self.has_change_permission(request, item):
                raise PermissionDenied
            reason = request.POST.get("because", "").strip()
            if not reason:
                messages.error(request, "Say why it is dismissed, so the next editor knows.")
            else:
                item.state, item.dismissed_because = InboxState.DISMISSED, reason
                item.handled_by, item.handled_at = request.user, timezone.now()
                item.save()
                messages.success(request, f"Dismissed: {item.source.label}.")
                return redirect("admin:desk_inboxitem_changelist")
        return redirect(f"{reverse('admin:desk_inboxitem_changelist')}?q={item.source.uin}")

    def has_add_permission(self, request):
        return False  # items arrive from watch_parliament

    def has_delete_permission(self, request, obj=None):
        return False  # dismiss, with a reason
