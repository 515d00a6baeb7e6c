from concurrency.admin import ConcurrentModelAdmin
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from .admin_history import TidyHistoryMixin
from .conflicts import ConflictSafeAdminMixin
from .forms import SourceImportConfirmForm, SourceImportForm
from .importing import REFUSED, UNCHANGED, UPDATED, import_document
from .models import SourceDocument, WatchTerm
from .parsing import parse

RECORD = "Save it and record a development citing it"


@admin.register(SourceDocument)
class SourceDocumentAdmin(
    TidyHistoryMixin, ConflictSafeAdminMixin, ConcurrentModelAdmin, SimpleHistoryAdmin
):
    list_display = [
        "title",
        "kind",
        "uin",
        "published_on",
        "publisher",
        "provenance",
        "is_excerpt",
    ]
    list_filter = ["kind", "provenance", "is_excerpt", "department"]
    search_fields = ["title", "url", "uin", "answered_by", "text"]
    date_hierarchy = "published_on"
    readonly_fields = ["sha256", "imported_at", "imported_from"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_select_related = True
    fieldsets = [
        (None, {"fields": ["kind", "title", "url", "publisher", "department", "provenance"]}),
        ("Dates", {"fields": ["published_on", "captured_at", "imported_at", "imported_from"]}),
        (
            "Parliamentary question",
            {
                "classes": ["collapse"],
                "fields": [
                    "uin",
                    "asked_on",
                    "answered_on",
                    "asked_by",
                    "answered_by",
                    "question_text",
                    "answer_text",
                ],
            },
        ),
        ("Stored text", {"fields": ["text", "is_excerpt", "sha256", "notes", "version"]}),
    ]

    change_list_template = "admin/sources/sourcedocument/change_list.html"
    change_form_template = "admin/sources/sourcedocument/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        # The stored text changes only through an import with "Replace the stored text",
        # which checks every citation of the source against the new text first.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "text"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        *rest, (name, options) = fieldsets
        note = (
            "The stored text cannot be edited here: citations quote it. To replace it, use "
            "Import from a capture with “Replace the stored text”; every citation is checked "
            "against the new text first, and a text that would break one is refused."
        )
        return [*rest, (name, {**options, "description": note})]

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="sources_sourcedocument_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        """Upload or paste a capture, check what the parser read, then save it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a source from a capture",
        }
        if request.method == "POST" and "confirm" in request.POST:
            confirm = SourceImportConfirmForm(request.POST)
            if confirm.is_valid():
                data = confirm.cleaned_data
                if data["update"] and not self.has_change_permission(request):
                    raise PermissionDenied
                name = data["filename"] or "pasted in the admin"
                if parse(data["content"], filename=name).sha256 != data["sha256"]:
                    messages.error(request, "The text changed after the preview; nothing saved.")
                    return redirect("admin:sources_sourcedocument_import")
                outcome = import_document(data["content"], name=name, update=data["update"])
                if outcome.status != REFUSED:
                    messages.success(request, _admin_message(outcome))
                    if request.POST["confirm"] == RECORD:
                        record = reverse("admin:desk_draft_add")
                        return redirect(f"{record}?source={outcome.source.pk}")
                    return redirect("admin:sources_sourcedocument_change", outcome.source.pk)
                messages.error(request, f"Refused: {outcome.reason}")
                return self._preview(
                    request, context, data["content"], data["filename"], data["update"], confirm
                )
            messages.error(request, "The preview was incomplete; start again.")
            return redirect("admin:sources_sourcedocument_import")
        form = SourceImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            return self._preview(
                request, context, data["content"], data["filename"], data["update"]
            )
        return TemplateResponse(
            request, "admin/sources/sourcedocument/import.html", {**context, "form": form}
        )

    def _preview(self, request, context, content, filename, update, confirm=None):
        name = filename or "pasted in the admin"
        outcome = import_document(content, name=name, update=update, dry_run=True)
        parsed = outcome.parsed
        if confirm is None and outcome.status != REFUSED:
            confirm = SourceImportConfirmForm(
                initial={
                    "content": content,
                    "filename": filename,
                    "sha256": parsed.sha256,
                    "update": update,
                }
            )
        fields = parsed.fields() if parsed and not parsed.refused else {}
        existing = None
        if outcome.status in {UNCHANGED, UPDATED}:
            existing = outcome.source
        elif parsed and not parsed.refused and parsed.values.get("url"):
            existing = SourceDocument.objects.filter(url=parsed.values["url"]).first()
        return TemplateResponse(
            request,
            "admin/sources/sourcedocument/import_preview.html",
            {
                **context,
                "title": "Check what was read before saving",
                "outcome": outcome,
                "parsed": parsed,
                "fields": [_labelled(name, value) for name, value in fields.items()],
                "existing": existing,
                "confirm": confirm if outcome.status != REFUSED else None,
                "filename": name,
                "record": RECORD,
            },
        )


def _admin_message(outcome) -> str:
    source = outcome.source
    text = {
        UNCHANGED: f"Source #{source.pk} already stores this exact text: nothing changed.",
        UPDATED: f"Updated source #{source.pk}: {outcome.reason}.",
    }.get(outcome.status, f"Created source #{source.pk} from {outcome.file}.")
    if outcome.missing:
        text += (
            " Not in the capture, so left empty: "
            + ", ".join(outcome.missing)
            + ". Fill them in from the original document if you can."
        )
    return text


def _labelled(name: str, value):
    """(label, value) for the preview table, in the words of the change form."""
    try:
        model_field = SourceDocument._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " "), value
    if model_field.choices and value is not None:
        value = dict(model_field.flatchoices).get(value, value)
    elif isinstance(value, bool):
        value = "yes" if value else "no"
    return model_field.verbose_name, value


@admin.register(WatchTerm)
class WatchTermAdmin(admin.ModelAdmin):
    """The words watch_parliament searches written answers for."""

    list_display = ["term", "active", "checked_through"]
    list_editable = ["active"]
    search_fields = ["term"]
    readonly_fields = ["checked_through"]
