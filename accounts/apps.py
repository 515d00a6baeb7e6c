from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    """Staff sign-in: two-factor (django-otp), lockout (django-axes), request logs, headers."""

    default = True
    name = "accounts"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)


class TrackerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the tracker's own site (accounts.site.TrackerAdminSite) as
    `admin.site`: every ModelAdmin registered anywhere lands on it."""

    default = False
    default_site = "accounts.site.TrackerAdminSite"
