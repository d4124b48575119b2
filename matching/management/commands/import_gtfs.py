from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Unit
from matching.transit.feeds import TransitFeedRefused, transit_feed_check, transit_feed_store
from matching.transit.refresh import schedule_transit_refresh_for_units


class Command(BaseCommand):
    help = (
        "Check a GTFS zip (public-transport timetable) and print what it holds and what is wrong "
        "with it; without --dry-run, store it for a unit (--unit ID) or as the shared feed."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip_path")
        parser.add_argument("--dry-run", action="store_true", help="Only check and report.")
        parser.add_argument("--unit", type=int, help="The unit's id (default: the shared feed).")

    def handle(self, *args, zip_path, dry_run, unit, **options):
        source = Path(zip_path)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        if unit is not None and not Unit.objects.filter(pk=unit).exists():
            raise CommandError(f"No unit with id {unit}.")
        try:
            if dry_run:
                report, stored = transit_feed_check(source=source).report(), None
            else:
                stored, report = transit_feed_store(source=source, unit_id=unit)
        except TransitFeedRefused as error:
            raise CommandError(f"Refused {source.name}: {error}") from error
        for key in ("stops", "routes", "prebooked_routes", "trips", "stop_times", "services"):
            self.stdout.write(f"{key}: {report[key]}")
        self.stdout.write(
            f"service: {report['first_service_date']} – {report['last_service_date']}"
        )
        self.stdout.write(f"problems: {len(report['problems'])}")
        for problem in report["problems"]:
            self.stdout.write(f"  - {problem}")
        if stored is None:
            self.stdout.write("dry run: nothing stored")
        else:
            self.stdout.write(f"stored: {stored}")
            units = [unit] if unit is not None else list(Unit.objects.values_list("pk", flat=True))
            queued = schedule_transit_refresh_for_units(units)
            self.stdout.write(f"travel-time runs queued: {queued}")
