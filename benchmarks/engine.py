"""Engine benchmark on the demo data (issue 14, "Fast under load"): what a matches request costs the
server when its unit's engine is warm, right after a change, with excluded results, and how many
times N processes build one unit's engine.

    BRYGGA_VAR_DIR=/tmp/demo SECRET_KEY=x uv run python manage.py seed_demo
    BRYGGA_VAR_DIR=/tmp/demo SECRET_KEY=x uv run python benchmarks/engine.py [--repeats 30] [--processes 4]

Requests go through Django's full stack in this process (test client, the demo guide signed in):
middleware, authentication, permission checks, ranking, explanations, audit of the read, JSON.
CPU is ``time.process_time`` per request; queries are counted on one request. Targets are printed
next to the figures, not asserted (a shared machine is noisy).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGETS = {"warm_cpu_ms": 5.0, "after_change_x_warm": 2.0, "excluded_200_ms": 100.0, "builds": 1}

CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django; django.setup()
from matching import features
start = time.process_time()
features.unit_engine({unit})
print(features.BUILDS[{unit}], round((time.process_time() - start) * 1000, 1))
"""


def setup():
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def measure(client, url: str, repeats: int) -> tuple[float, float, int]:
    """(median CPU ms, median wall ms, queries) of a warm GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    cpu, wall = [], []
    for _ in range(repeats):
        c, w = time.process_time(), time.perf_counter()
        client.get(url)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(cpu), statistics.median(wall), len(queries)


def measure_view(view, user, repeats: int, **kwargs) -> tuple[float, int]:
    """(median CPU ms, queries) of the API view alone: no middleware, no session (a token
    client's request minus the token lookup)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIRequestFactory, force_authenticate

    factory = APIRequestFactory()

    def call():
        request = factory.get("/")
        force_authenticate(request, user=user)
        response = view(request, **kwargs)
        response.render()
        assert response.status_code == 200, response.content[:200]

    for _ in range(3):
        call()
    cpu = []
    for _ in range(repeats):
        c = time.process_time()
        call()
        cpu.append((time.process_time() - c) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call()
    return statistics.median(cpu), len(queries)


def after_change(client, url: str, participant, repeats: int) -> tuple[float, float, float]:
    """Median CPU and wall ms of the first matches request after a guide changed the participant
    (an edit through the API, as the pages and the API make it), and the edit's own CPU ms.

    The edit's request publishes the participant's engine record when it ends (for the other
    processes); this process patches its own engine from that record as another process would."""
    from matching.models import Participant

    edit_url = f"/api/v1/participants/{participant.pk}/"
    cpu, wall, edits = [], [], []
    for i in range(repeats):
        hours = participant.hours_max - 1 if i % 2 else participant.hours_max + 1
        c = time.process_time()
        response = client.patch(edit_url, {"hours_max": hours}, content_type="application/json")
        edits.append((time.process_time() - c) * 1000)
        assert response.status_code == 200, response.content[:200]
        c, w = time.process_time(), time.perf_counter()
        assert client.get(url).status_code == 200
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    person = Participant.objects.get(pk=participant.pk)
    person.hours_max = participant.hours_max
    person.save()
    return statistics.median(cpu), statistics.median(wall), statistics.median(edits)


def builds_across_processes(unit_id: int, processes: int, store: bool) -> tuple[int, float]:
    """Start ``processes`` fresh processes at once, each asking for the unit's engine with an
    empty shared store (or none): (full builds in total, slowest process's CPU ms)."""
    with tempfile.TemporaryDirectory() as directory:
        env = {**os.environ, "ENGINE_STORE_DIR": directory if store else ""}
        code = CHILD.format(root=str(ROOT), unit=unit_id)
        children = [
            subprocess.Popen(
                [sys.executable, "-c", code],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            for _ in range(processes)
        ]
        outputs = [child.communicate(timeout=300)[0].split() for child in children]
    return sum(int(o[0]) for o in outputs), max(float(o[1]) for o in outputs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    setup()
    from django.test import Client

    from core.models import User
    from employers.models import TaskProfile
    from matching import features
    from matching.models import Participant

    guide = User.objects.get(username="jobbguide")
    client = Client()
    client.force_login(guide)
    ue = features.unit_engine(guide.unit_id)
    engine = ue.engine
    visible = set(
        Participant.objects.visible_to(guide).filter(active=True).values_list("pk", flat=True)
    )
    participant_id = max(
        (int(i) for i in engine.tables.participants.ids if int(i) in visible),
        key=lambda pid: (len(engine.rank_profiles(pid)), -pid),
    )
    participant = Participant.objects.get(pk=participant_id)
    profile = (
        TaskProfile.objects.visible_to(guide)
        .filter(pk__in=[int(i) for i in engine.tables.profiles.ids])
        .order_by("pk")
        .first()
    )
    urls = {
        "participant → profiles": f"/api/v1/participants/{participant.pk}/matches/",
        "profile → participants": f"/api/v1/task-profiles/{profile.pk}/matches/",
    }
    print(
        f"Brygga engine benchmark — demo unit {guide.unit_id}: {engine.tables.participants.size} "
        f"participants, {engine.tables.profiles.size} profiles; {args.repeats} requests each"
    )
    cpu, wall, queries = measure(client, "/api/v1/me/", args.repeats)
    print(
        f"  floor: the same stack answering /api/v1/me/ (session, user, second-factor check, "
        f"middleware, JSON): {cpu:.2f} ms CPU, {queries} queries"
    )
    warm = {}
    for name, url in urls.items():
        cpu, wall, queries = measure(client, url, args.repeats)
        warm[name] = cpu
        print(
            f"  warm matches request, {name}: {cpu:6.2f} ms CPU ({wall:.1f} ms wall), "
            f"{queries} queries   [target ≤ {TARGETS['warm_cpu_ms']:.0f} ms CPU]"
        )
    from matching.api.match_views import ParticipantMatchesView, ProfileMatchesView

    for name, view, pk in (
        ("participant → profiles", ParticipantMatchesView.as_view(), participant.pk),
        ("profile → participants", ProfileMatchesView.as_view(), profile.pk),
    ):
        cpu, queries = measure_view(view, guide, args.repeats, pk=pk)
        print(
            f"  the view alone (no middleware, no session), {name}: {cpu:6.2f} ms CPU, {queries} queries"
        )
    url = urls["participant → profiles"]
    cpu, wall, edit = after_change(client, url, participant, max(5, args.repeats // 3))
    ratio = cpu / warm["participant → profiles"]
    print(
        f"  first request after a guide's edit of one participant: {cpu:6.2f} ms CPU ({wall:.1f} "
        f"ms wall) = {ratio:.1f}× warm   [target ≤ {TARGETS['after_change_x_warm']:.0f}× warm]"
    )
    print(f"    (the edit itself, publishing the participant's engine record: {edit:.1f} ms CPU)")
    start = time.process_time()
    features.build_unit_engine(guide.unit_id)
    print(
        f"  for comparison, a full build from the database: "
        f"{(time.process_time() - start) * 1000:6.1f} ms CPU"
    )
    excluded = f"{url}?include_excluded=true&page_size=200"
    cpu, wall, queries = measure(client, excluded, max(5, args.repeats // 3))
    count = len(client.get(excluded).json()["results"])
    print(
        f"  include_excluded, {count} results: {cpu:6.1f} ms CPU ({wall:.1f} ms wall), "
        f"{queries} queries   [target < {TARGETS['excluded_200_ms']:.0f} ms]"
    )
    for store in (True, False):
        builds, slowest = builds_across_processes(guide.unit_id, args.processes, store)
        label = "shared store" if store else "no store (before)"
        print(
            f"  {args.processes} fresh processes, {label}: {builds} full build(s), slowest "
            f"process {slowest:.0f} ms CPU" + (f"   [target {TARGETS['builds']}]" if store else "")
        )


if __name__ == "__main__":
    main()
