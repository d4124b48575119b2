"""Build the deterministic Kalmar county demo dataset (idempotent: a second run adds nothing)."""

import importlib
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DEMO_PASSWORD

# Order matters: each part builds on the ones before it.
DEMO_PARTS = [
    "core.demo_taxonomy",
    "core.demo",
    "employers.demo",
    "matching.demo",
    "placements.demo",
    "placements.demo_method",
    "employers.demo_ads",  # with its own seeded generator: the parts above draw as before
    "matching.transit.demo",  # draws nothing: the timetable and travel times for what is above
]


class Command(BaseCommand):
    help = "Build the Kalmar county demo dataset (same data every run)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed: int, **options):
        from core.demo import demo_unit
        from matching.services.recompute import recompute_job_start, refreshes_suppressed

        rng = random.Random(seed)
        with refreshes_suppressed():
            for name in DEMO_PARTS:
                module = importlib.import_module(name)
                with transaction.atomic():
                    module.build(rng=rng, stdout=self.stdout)
        # One full recompute of the stored suggestions, run by the background worker.
        with transaction.atomic():
            job = recompute_job_start(unit=demo_unit(), by=None)
        self.stdout.write(f"matching: full recompute queued (job {job.pk})")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo password: {DEMO_PASSWORD}"))
