from django.urls import path

from sources.filters import SourceFilter

from . import source_views
from .cache import cached_page
from .decorators import read_only

app_name = "sources"
urlpatterns = [
    path(
        "",
        read_only(
            cached_page(
                source_views.SourceListView.as_view(), params=[*SourceFilter.base_filters, "page"]
            )
        ),
        name="list",
    ),
    path(
        "<int:pk>/",
        read_only(cached_page(source_views.SourceDetailView.as_view(), params=["q"])),
        name="detail",
    ),
]
