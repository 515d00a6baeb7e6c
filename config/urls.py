from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from commitments.decorators import read_only
from commitments.views import healthz

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz/", read_only(healthz), name="healthz"),
    path("sources/", include("commitments.source_urls")),
    path("api/", include("commitments.api_urls")),
    path("", include("commitments.urls")),
]

handler400 = "commitments.errors.bad_request"
handler404 = "commitments.errors.page_not_found"
