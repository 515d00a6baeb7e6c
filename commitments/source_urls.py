from django.urls import path

from . import source_views
from .cache import cached_page

app_name = "sources"
urlpatterns = [
    path("", cached_page(source_views.SourceListView.as_view()), name="list"),
    path("<int:pk>/", cached_page(source_views.SourceDetailView.as_view()), name="detail"),
]
