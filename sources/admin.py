from concurrency.admin import ConcurrentModelAdmin
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(ConcurrentModelAdmin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "published_on", "department", "provenance", "is_excerpt"]
    list_filter = ["kind", "provenance", "is_excerpt", "department"]
    search_fields = ["title", "url", "uin", "answered_by", "text"]
    date_hierarchy = "published_on"
    readonly_fields = ["sha256"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_select_related = True
    fieldsets = [
        (None, {"fields": ["kind", "title", "url", "publisher", "department", "provenance"]}),
        ("Dates", {"fields": ["published_on", "captured_at"]}),
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
