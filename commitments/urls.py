from django.urls import path

from . import feeds, views
from .cache import cached_page
from .changes import ChangesForm
from .decorators import read_only
from .filters import CommitmentFilter

app_name = "commitments"
urlpatterns = [
    path("", read_only(cached_page(views.HomeView.as_view())), name="home"),
    path(
        "commitments/",
        read_only(
            cached_page(
                views.CommitmentListView.as_view(), params=[*CommitmentFilter.base_filters, "page"]
            )
        ),
        name="list",
    ),
    path(
        "commitments/<slug:slug>/",
        read_only(cached_page(views.CommitmentDetailView.as_view())),
        name="detail",
    ),
    path("funding/", read_only(cached_page(views.FundingView.as_view())), name="funding"),
    path("export/changes.csv", read_only(views.changes_csv), name="changes_csv"),
    path("export/changes.xlsx", read_only(views.changes_xlsx), name="changes_xlsx"),
    path("export/<slug:dataset>.xlsx", read_only(views.export_xlsx), name="export_xlsx"),
    path("export/<slug:dataset>.csv", read_only(views.export_csv), name="export"),
    path(
        "changes/",
        read_only(cached_page(views.changes_view, params=ChangesForm.PARAMS)),
        name="changes",
    ),
    path(
        "corrections/",
        read_only(cached_page(views.CorrectionsView.as_view())),
        name="corrections",
    ),
    path("feeds/updates.atom", read_only(feeds.UpdatesFeed()), name="feed"),
    path("feeds/corrections.atom", read_only(feeds.CorrectionsFeed()), name="corrections_feed"),
    path(
        "feeds/commitments/<slug:slug>.atom",
        read_only(feeds.CommitmentFeed()),
        name="commitment_feed",
    ),
    path(
        "methodology/",
        read_only(cached_page(views.MethodologyView.as_view())),
        name="methodology",
    ),
]
