from django.core.management.base import BaseCommand, CommandError

from core.geography import import_postal_codes


class Command(BaseCommand):
    help = "Import a postal code → locality → municipality CSV (postal_code,locality,municipality_code,...)."

    def add_arguments(self, parser):
        parser.add_argument("csv_path")

    def handle(self, *args, csv_path, **options):
        try:
            count = import_postal_codes(csv_path)
        except (OSError, KeyError) as exc:
            raise CommandError(f"Could not import {csv_path}: {exc}") from exc
        self.stdout.write(f"postal codes: {count}")
