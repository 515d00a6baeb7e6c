from django.urls import path

from . import feeds, views
from .cache import cached_page

app_name = "commitments"
urlpatterns = [
    path("", cached_page(views.HomeView.as_view()), name="home"),
    path("commitments/", cached_page(views.CommitmentListView.as_view()), name="list"),
    path(
        "commitments/<slug:slug>/",
        cached_page(views.CommitmentDetailView.as_view()),
        name="detail",
    ),
    path("funding/", cached_page(views.FundingView.as_view()), name="funding"),
    path("export/<slug:dataset>.csv", views.export_csv, name="export"),
    path("feeds/updates.atom", feeds.UpdatesFeed(), name="feed"),
    path("feeds/commitments/<slug:slug>.atom", feeds.CommitmentFeed(), name="commitment_feed"),
    path("methodology/", cached_page(views.MethodologyView.as_view()), name="methodology"),
]
