"""The FilterSet for sources: the /sources/ page and, later, its CSV and JSON."""

import django_filters
from django import forms

from .models import Provenance, SourceDocument, SourceKind
from .search import search_sources


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SourceFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        after, before = data.get("published_after"), data.get("published_before")
        if after and before and after > before:
            raise forms.ValidationError(
                "“Published after” must be on or before “published before”."
            )
        return data


class SourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search the stored texts", method="filter_q", help_text="Words in the title or text."
    )
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices, empty_label="Any kind")
    department = django_filters.ChoiceFilter(
        choices=[], empty_label="Any department", label="Department"
    )
    provenance = django_filters.ChoiceFilter(
        choices=Provenance.choices, empty_label="Any provenance"
    )
    published_after = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", widget=_date_widget(),
        label="Published on or after",
    )  # fmt: skip
    published_before = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", widget=_date_widget(),
        label="Published on or before",
    )  # fmt: skip

    class Meta:
        model = SourceDocument
        fields = []
        form = SourceFilterForm

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].extra["choices"] = [(d, d) for d in departments]

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        return search_sources(queryset, value).order_by("-rank", "-published_on", "title", "pk")
