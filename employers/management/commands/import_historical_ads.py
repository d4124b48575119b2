"""``manage.py import_historical_ads <file> --region NAME [--dry-run]``: an operator imports a
file of JobTech historical ads (JSON lines or a JSON list) into a region's hiring signal."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Region
from employers.services.hiring import historical_ads_import

# The command reads a file on the server, so it takes a larger file than an upload does.
COMMAND_MAX_BYTES = 2 * 1024 * 1024 * 1024


class Command(BaseCommand):
    help = "Import historical job ads (JobTech format) as a region's hiring signal."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--region", help="The region's name or id (needed when there are several)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; store nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        region = self._region(options.get("region"))
        report = historical_ads_import(
            by=None,
            content=path.read_bytes(),
            dry_run=options["dry_run"],
            region=region,
            max_bytes=COMMAND_MAX_BYTES,
        )
        if report.file_errors:
            raise CommandError("; ".join(report.file_errors))
        verb = "would be imported" if report.dry_run else "imported"
        self.stdout.write(
            f"{report.ads_read} ads read: {report.created} {verb}, "
            f"{report.already_imported} already imported, {report.refused_count} refused; "
            f"{report.employers} employers ({report.registered_employers} in the register), "
            f"{report.occupations} occupations, {report.municipalities} municipalities"
        )
        for row in report.refused[:20]:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in row.errors.items())
            self.stdout.write(f"  row {row.row} ({row.ad_id or '-'}): {problems}")

    def _region(self, value: str | None) -> Region:
        regions = Region.objects.all()
        if value:
            found = regions.filter(pk=int(value)) if value.isdigit() else regions.filter(name=value)
            region = found.first()
            if region is None:
                raise CommandError(f"No region {value!r}.")
            return region
        if regions.count() != 1:
            raise CommandError("Name the region with --region.")
        return regions.get()
