"""Build the deterministic Kalmar county demo dataset (idempotent: a second run adds nothing)."""

import importlib
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DEMO_PASSWORD

# Order matters: each part builds on the ones before it.
DEMO_PARTS = ["core.demo", "employers.demo", "matching.demo", "placements.demo"]


class Command(BaseCommand):
    help = "Build the Kalmar county demo dataset (same data every run)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed: int, **options):
        rng = random.Random(seed)
        for name in DEMO_PARTS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            with transaction.atomic():
                module.build(rng=rng, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo password: {DEMO_PASSWORD}"))
