"""Weekly-list benchmark (issue 25): "Vem kontaktar jag nu?" for a county.

    uv run python benchmarks/outreach.py [--employers 2000] [--ads 50000] [--participants 1000]

Builds a throw-away SQLite database in ``var/`` with a county's worth of data — registered
employers (about 60 % of those that advertise) with sites, profiles and a contact log, historical
ads in JobTech's format imported through the real importer, and waiting participants with desired
occupations, skills and commute limits — then times the coordinator's list as the page builds it
(``outreach_list_show``: settle outcomes, gather, score, word the reasons, record what is shown).
Target: ≤ 5 s on 2 cores; printed, not asserted (a shared machine is noisy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_LIST_SECONDS = 5.0


def setup_database() -> None:
    db = ROOT / "var" / "bench-outreach.sqlite3"
    db.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    print("migrating a fresh database …", flush=True)
    call_command("migrate", verbosity=0)


def populate(n_employers: int, n_ads: int, n_participants: int, seed: int):
    from django.utils import timezone
    from stdnum import luhn

    from core.choices import Role
    from core.demo import KALMAR_COUNTY
    from core.models import Municipality, Occupation, Region, Skill, Unit
    from employers.demo_ads import generate_ads
    from employers.importing.historical_ads import import_historical_ads
    from employers.models import Employer, Interaction, Site, TaskProfile, TaskProfileSkill
    from matching.models import Participant, ParticipantSkill
    from tests.factories.core import UserFactory

    rng = random.Random(seed)
    today = timezone.localdate()
    region = Region.objects.create(name="Kalmar län (bench)")
    unit = Unit.objects.create(name="AME Bench", region=region)
    munis = {
        m.code: (m.name, m.latitude, m.longitude)
        for m in Municipality.objects.filter(code__in=KALMAR_COUNTY).order_by("code")
    }
    unit.municipalities.set(munis)
    coordinator = UserFactory(username="bench-koordinator", role=Role.COORDINATOR, unit=unit)
    codes = sorted(munis)
    numbers = set()
    employers = []
    while len(employers) < n_employers:
        base = "55" + "".join(str(rng.randrange(10)) for _ in range(7))
        number = base + luhn.calc_check_digit(base)
        if number in numbers:
            continue
        numbers.add(number)
        employers.append((number, f"Företag {len(employers)} AB", rng.choice(codes)))
    registered = employers[: int(n_employers * 0.6)]
    rows = Employer.objects.bulk_create(
        Employer(
            name=name,
            orgnr=f"{o[:6]}-{o[6:]}",
            unit=unit,
            region=region,
            municipality_id=m,
            status="active",
        )
        for o, name, m in registered
    )
    sites = Site.objects.bulk_create(
        Site(
            employer=e,
            unit=unit,
            name="Huvudkontor",
            municipality_id=e.municipality_id,
            latitude=munis[e.municipality_id][1] + rng.uniform(-0.05, 0.05),
            longitude=munis[e.municipality_id][2] + rng.uniform(-0.05, 0.05),
        )
        for e in rows
    )
    occupations = list(Occupation.objects.exclude(ssyk=None).order_by("pk"))
    skills = list(Skill.objects.order_by("pk"))
    profiles = TaskProfile.objects.bulk_create(
        TaskProfile(
            employer=s.employer,
            unit=unit,
            site=s,
            title="Praktik",
            occupation=rng.choice(occupations),
            kind="practice",
            hours_min=rng.choice([10, 15, 20]),
            hours_max=40,
            slots_total=2,
            status=rng.choice(["open", "open", "filled", "closed"]),
        )
        for s in rng.sample(sites, min(len(sites), n_employers // 4))
    )
    TaskProfileSkill.objects.bulk_create(
        TaskProfileSkill(profile=p, skill=s, weight=3, required=rng.random() < 0.3)
        for p in profiles
        for s in rng.sample(skills, 3)
    )
    Interaction.objects.bulk_create(
        Interaction(
            employer=rng.choice(rows),
            unit=unit,
            by=coordinator,
            kind="call",
            occurred_on=today - dt.timedelta(days=rng.randint(0, 400)),
            notes="Samtal",
        )
        for _ in range(n_employers)
    )
    people = Participant.objects.bulk_create(
        Participant(
            code=f"B{i:07d}",
            first_name="Bench",
            last_name=f"P{i}",
            unit=unit,
            municipality_id=(m := rng.choice(codes)),
            latitude=munis[m][1] + rng.uniform(-0.1, 0.1),
            longitude=munis[m][2] + rng.uniform(-0.1, 0.1),
            commute_means=rng.choice([["bike"], ["public_transport"], ["car"], ["walk", "bike"]]),
            has_driving_licence=True,
            has_car=rng.random() < 0.4,
            hours_max=rng.choice([10, 20, 30, 40]),
        )
        for i in range(n_participants)
    )
    through = Participant.desired_occupations.through
    through.objects.bulk_create(
        through(participant_id=p.pk, occupation_id=o.pk)
        for p in people
        for o in rng.sample(occupations, rng.randint(1, 3))
    )
    ParticipantSkill.objects.bulk_create(
        ParticipantSkill(participant=p, skill=s, source="self_reported")
        for p in people
        for s in rng.sample(skills, rng.randint(1, 5))
    )
    ads = generate_ads(
        rng, employers=employers, n_ads=n_ads, today=today, municipalities=munis, id_prefix="b"
    )
    content = "\n".join(json.dumps(a, ensure_ascii=False) for a in ads).encode()
    t0 = time.perf_counter()
    report = import_historical_ads(
        content=content, region=region, dry_run=False, max_bytes=len(content) + 1
    )
    t1 = time.perf_counter()
    print(
        f"import: {report.created} ads from {report.employers} employers in {t1 - t0:.2f} s "
        f"({len(content) / 1e6:.1f} MB)"
    )
    return coordinator


def run(n_employers: int = 2000, n_ads: int = 50_000, n_participants: int = 1000, seed: int = 7):
    """Set up, populate and time the list; returns the seconds the coordinator waits."""
    setup_database()
    coordinator = populate(n_employers, n_ads, n_participants, seed)
    from placements.outreach.services import outreach_list_show

    t0 = time.perf_counter()
    listing = outreach_list_show(by=coordinator)
    t1 = time.perf_counter()
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in listing.timings.items())
    print(
        f"weekly list: {listing.candidates} candidate employers, {listing.ads} ads, "
        f"{listing.waiting} waiting participants → {len(listing.rows)} rows"
    )
    print(f"weekly list built in {t1 - t0:.2f} s (target ≤ {TARGET_LIST_SECONDS:.0f} s; {timings})")
    for row in listing.rows[:3]:
        print(f"  {row.rank}. {row.name}: {'; '.join(row.reason_texts)}")
    return t1 - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employers", type=int, default=2000)
    parser.add_argument("--ads", type=int, default=50_000)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    run(args.employers, args.ads, args.participants, args.seed)


if __name__ == "__main__":
    main()
