"""The demo's vocabulary at the labour market's size: the JobTech Taxonomy export in
``settings.TAXONOMY_DIR`` (SSYK 2012 with all 2 412 occupation names, 6 657 skills, SNI,
substitutability), imported before the demo's employers and participants so real ads' occupations
are found. Without the folder the demo keeps the small seeded vocabulary (and says so)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from core.importers.jobtech import import_folder


def build(*, rng, stdout) -> None:
    folder = getattr(settings, "TAXONOMY_DIR", "")
    if not folder or not Path(folder).is_dir():
        stdout.write("taxonomy: no export folder (BRYGGA_TAXONOMY_DIR); the seeded vocabulary only")
        return
    started = time.monotonic()
    result = import_folder(folder)  # an upsert: a second run changes nothing
    counts = ", ".join(f"{key} {n}" for key, n in result.counts.items())
    stdout.write(f"taxonomy: imported {counts} from {folder} in {time.monotonic() - started:.1f} s")
