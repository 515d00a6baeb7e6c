from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the tracker: backups and their restore."""

    name = "ops"
