"""Public pages for sources. They live here, not in the sources app, because they show which
claims of which commitments cite each passage; the sources app knows nothing of commitments."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from sources.filters import source_filterset
from sources.models import SourceDocument
from sources.search import search_terms
from sources.text import quote_span, segments, term_spans

from .models import Citation
from .views import FilteredListView


class SourceListView(FilteredListView):
    template_name = "sources/source_list.html"
    context_object_name = "sources"

    def get_filterset(self, request):
        return source_filterset(request)

    def get_context_data(self, **kwargs):
        # The words searched for travel to each source's page, which marks them.
        return super().get_context_data(searched_q=self.request.GET.get("q", ""), **kwargs)


# What marks the words a reader searched for, among the spans cut by `segments`.
SEARCHED = object()


class SourceDetailView(DetailView):
    """A source's stored text with every cited passage marked and numbered; reached from a
    search (`?q=`), the searched words are marked too, apart from the citations' marks."""

    template_name = "sources/source_detail.html"
    context_object_name = "source"

    def get_object(self, queryset=None):
        on = self.request.as_of
        cited = (
            Citation.objects.public(on)
            # A claim's link names its commitment: fetched with it, not once per citation.
            .select_related("commitment", "announcement__commitment", "funding_line__commitment")
            .order_by("pk")
        )
        queryset = SourceDocument.objects.prefetch_related(
            Prefetch("citations", queryset=cited, to_attr="public_citations")
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        source = self.object
        passages: dict[tuple[int, int], dict] = {}
        unplaced = []
        for citation in source.public_citations:
            span = quote_span(source.text, citation.quote)
            if span is None:  # cannot happen for a verified citation; shown, never hidden
                unplaced.append(citation)
                continue
            passage = passages.setdefault(span, {"span": span, "citations": []})
            passage["citations"].append(citation)
        ordered = sorted(passages.values(), key=lambda p: p["span"])
        for number, passage in enumerate(ordered, start=1):
            passage["number"] = number
            passage["anchor"] = f"citation-{passage['citations'][0].pk}"
        spans = [(*p["span"], p) for p in ordered]
        q = self.request.GET.get("q", "")[:200].strip()
        searched = term_spans(source.text, search_terms(q))
        spans += [(start, end, SEARCHED) for start, end in searched]
        pieces = segments(source.text, spans)
        for piece in pieces:
            piece["cited"] = any(mark is not SEARCHED for mark in piece["marks"])
            piece["searched"] = any(mark is SEARCHED for mark in piece["marks"])
            piece["starts"] = [start for start in piece["starts"] if start is not SEARCHED]
        return super().get_context_data(
            pieces=pieces,
            searched_for=q if searched else "",
            searched_missing=q if q and not searched else "",
            searched_count=len(searched),
            passages=ordered,
            unplaced=unplaced,
            **kwargs,
        )
