from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commitments.curated import CuratedDataError, load_curated


class Command(BaseCommand):
    help = (
        "Load the curated dataset (fixtures/curated.toml and the source texts beside it). "
        "Idempotent; all or nothing: if any citation fails to verify, nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "curated.toml"),
            help="The dataset file (default: fixtures/curated.toml).",
        )

    def handle(self, *args, path, **options):
        try:
            report = load_curated(Path(path))
        except CuratedDataError as error:
            raise CommandError(f"Curated dataset not loaded, nothing saved: {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Curated dataset loaded ({report.changed} objects changed).")
        )
