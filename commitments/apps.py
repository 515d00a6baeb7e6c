from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = "Commitments"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
