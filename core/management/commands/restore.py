"""``manage.py restore FILE --yes``: replace the database's contents with a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a backup made by `manage.py backup` (replaces all data)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--yes", action="store_true", help="confirm: all current data is replaced"
        )

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError("Restoring replaces all current data; add --yes to confirm.")
        try:
            restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored from {file}"))
