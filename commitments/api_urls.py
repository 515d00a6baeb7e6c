from django.urls import path

from . import api
from .decorators import read_only

app_name = "api"
urlpatterns = [
    path("commitments/", read_only(api.commitment_list), name="commitments"),
    path("commitments/<slug:slug>/", read_only(api.commitment_detail), name="commitment"),
    path("changes/", read_only(api.change_list), name="changes"),
    path("sources/", read_only(api.source_list), name="sources"),
    path("sources/<int:pk>/", read_only(api.source_detail), name="source"),
]
