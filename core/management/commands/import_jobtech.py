from django.core.management.base import BaseCommand, CommandError

from core.importers.jobtech import import_folder


class Command(BaseCommand):
    help = "Import the JobTech Taxonomy exports (SSYK, occupations, skills, SNI, substitutability) from a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        try:
            result = import_folder(folder)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for key, count in result.counts.items():
            self.stdout.write(f"{key}: {count}")
        if result.missing_files:
            self.stdout.write(self.style.WARNING("Not found: " + ", ".join(result.missing_files)))
