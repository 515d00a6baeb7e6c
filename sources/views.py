from django.views.generic import DetailView

from .models import SourceDocument


class SourceDetailView(DetailView):
    model = SourceDocument
    template_name = "sources/source_detail.html"
    context_object_name = "source"

    def get_queryset(self):
        # The reverse accessor `citations` is added by the commitments app; sources only
        # reads it, so this page lists whatever cites the document.
        return SourceDocument.objects.prefetch_related(
            "citations__commitment",
            "citations__announcement__commitment",
            "citations__funding_line__commitment",
        )
