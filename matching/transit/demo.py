"""Demo part: a generated Kalmar-county timetable (``synthetic``) with feeder lines to the demo's
homes and sites, stored as the shared feed, and every unit's travel times computed from it, so the
demo's pages show real trip explanations ("52 min med buss 503 …"). Idempotent: an existing
shared feed is kept; the travel times are computed again."""

from __future__ import annotations

import tempfile
from pathlib import Path

from core.models import Unit
from employers.models import Site
from matching.models import Participant
from matching.transit.feeds import transit_feed_path, transit_feed_store
from matching.transit.matrix import transit_matrix_store
from matching.transit.synthetic import FeedBuilder

DEMO_FEED_SEED = 24
DEMO_FEED_STOPS = 2_500


def build(*, rng, stdout) -> None:
    if not transit_feed_path(unit_id=None).is_file():
        homes = Participant.objects.filter(latitude__isnull=False).values_list(
            "latitude", "longitude"
        )
        sites = Site.objects.filter(latitude__isnull=False).values_list("latitude", "longitude")
        anchors = sorted({(round(a, 4), round(b, 4)) for a, b in [*homes, *sites]})
        feed = FeedBuilder(DEMO_FEED_SEED, max_stops=DEMO_FEED_STOPS, anchors=anchors).build()
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "kalmar-lan-demo.zip"
            source.write_bytes(feed)
            _path, report = transit_feed_store(source=source, unit_id=None)
        stdout.write(
            f"transit: demo timetable with {report['stops']} stops, {report['trips']} trips"
        )
    for unit in Unit.objects.order_by("pk"):
        counts = transit_matrix_store(unit_id=unit.pk)
        if counts:
            stdout.write(
                f"transit: {unit.name}: {counts['participants']} by public transport × "
                f"{counts['profiles']} profiles, {counts['pairs_with_trip']} pairs with a trip"
            )
