from django.apps import AppConfig


class ParliamentConfig(AppConfig):
    """Parliament's public APIs read into the tracker: written answers and statements into
    sources, bills' stages into commitments' bills. It uses `sources` and `commitments`;
    neither knows it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "parliament"
