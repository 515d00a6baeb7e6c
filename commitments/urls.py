from django.urls import path

from . import views

app_name = "commitments"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("commitments/", views.CommitmentListView.as_view(), name="list"),
    path("commitments/<slug:slug>/", views.CommitmentDetailView.as_view(), name="detail"),
    path("funding/", views.FundingView.as_view(), name="funding"),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
]
