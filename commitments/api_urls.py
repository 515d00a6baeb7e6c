from django.urls import path

from . import api

app_name = "api"
urlpatterns = [
    path("commitments/", api.commitment_list, name="commitments"),
    path("commitments/<slug:slug>/", api.commitment_detail, name="commitment"),
    path("sources/", api.source_list, name="sources"),
    path("sources/<int:pk>/", api.source_detail, name="source"),
]
