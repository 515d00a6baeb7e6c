from django.urls import path

from . import source_views
from .cache import cached_page
from .decorators import read_only

app_name = "sources"
urlpatterns = [
    path("", read_only(cached_page(source_views.SourceListView.as_view())), name="list"),
    path(
        "<int:pk>/",
        read_only(cached_page(source_views.SourceDetailView.as_view())),
        name="detail",
    ),
]
