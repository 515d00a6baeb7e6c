from django.urls import path

from . import source_views

app_name = "sources"
urlpatterns = [
    path("", source_views.SourceListView.as_view(), name="list"),
    path("<int:pk>/", source_views.SourceDetailView.as_view(), name="detail"),
]
