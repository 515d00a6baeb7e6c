from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, restore, table_counts


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the database (DATABASE_URL), replacing what it "
        "holds. A database that already holds rows is only replaced with --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="replace a database that holds data"
        )

    def handle(self, *args, backup_file, replace, **options):
        holding = {table: n for table, n in table_counts().items() if n}
        if holding and not replace:
            raise CommandError(
                f"The database holds data ({sum(holding.values()):,} rows in {len(holding)} "
                "tables); pass --replace to overwrite it with the backup."
            )
        try:
            restore(backup_file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = table_counts()
        self.stdout.write(
            f"Restored {backup_file}: {sum(counts.values()):,} rows in {len(counts)} tables"
        )
