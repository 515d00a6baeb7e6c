import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database (DATABASE_URL) to one file: pg_dump's custom format on "
        "PostgreSQL, SQLite's online backup otherwise. The site may keep serving meanwhile."
    )

    def add_arguments(self, parser):
        stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        parser.add_argument(
            "--output", type=Path, default=Path("backups") / f"tracker-{stamp}.backup"
        )

    def handle(self, *args, output, **options):
        try:
            written = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {written} ({written.stat().st_size:,} bytes)")
