"""``manage.py backup [FILE]``: a backup of the whole database (see core/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (PostgreSQL: pg_dump custom format; SQLite: online backup)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="default: var/backups/brygga-<time>.<ext>")

    def handle(self, *args, file=None, **options):
        ext = "dump" if connection.vendor == "postgresql" else "sqlite3"
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        target = Path(file) if file else settings.VAR_DIR / "backups" / f"brygga-{stamp}.{ext}"
        try:
            path = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {path} ({path.stat().st_size} bytes)")
        )
