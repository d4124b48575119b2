"""Generated historical job ads for the demo region (Kalmar county), in JobTech's historical-ads
format, imported through the real importer so the coordinator's "Vem kontaktar jag nu?" shows a
real list. Also used by the benchmark to make a county's worth of ads.

Deterministic: its own seeded generator (so adding it does not shift the draws of the demo parts
before it) and dates counted back from today, as the rest of the demo does.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from django.utils import timezone
from stdnum import luhn

from core.demo import KALMAR_COUNTY
from core.seed_taxonomy import OCCUPATIONS, SSYK_GROUPS

# Occupations this kind of unit's participants often start in, by how common their ads are.
COMMON_SSYK = {
    "9111": 8,
    "5321": 10,
    "5222": 7,
    "4322": 6,
    "5120": 5,
    "9412": 5,
    "8344": 3,
    "5230": 3,
    "9120": 2,
}
DEMO_ADS = 2500
DEMO_UNREGISTERED = 60
HORIZON_DAYS = 700


def _orgnr(rng: random.Random, used: set[str]) -> str:
    while True:
        base = "55" + "".join(str(rng.randrange(10)) for _ in range(7))
        number = base + luhn.calc_check_digit(base)
        if number not in used:
            used.add(number)
            return number


def _ssyk_weights() -> tuple[list[str], list[float]]:
    codes = sorted({code for _label, code, _syn in OCCUPATIONS if code in SSYK_GROUPS})
    return codes, [float(COMMON_SSYK.get(code, 1)) for code in codes]


def generate_ads(
    rng: random.Random,
    *,
    employers: list[tuple[str, str, str]],
    n_ads: int,
    today: dt.date,
    municipalities: dict[str, tuple[str, float, float]],
    id_prefix: str = "demo",
) -> list[dict]:
    """``n_ads`` ads spread over ``employers`` (orgnr, name, home municipality code): a few
    employers hire a lot, most a little (a Zipf-like draw), in one to three occupations each,
    mostly at home and sometimes in a neighbouring municipality; older ads are fewer."""
    codes, weights = _ssyk_weights()
    profile: dict[str, list[str]] = {}
    activity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(employers))]
    order = list(range(len(employers)))
    rng.shuffle(order)
    draw = [activity[order[i]] for i in range(len(employers))]
    muni_codes = sorted(municipalities)
    ads = []
    for i in range(n_ads):
        orgnr, name, home = employers[rng.choices(range(len(employers)), weights=draw)[0]]
        if orgnr not in profile:
            profile[orgnr] = rng.choices(codes, weights=weights, k=rng.randint(1, 3))
        ssyk = rng.choice(profile[orgnr])
        where = home if home in municipalities and rng.random() < 0.8 else rng.choice(muni_codes)
        muni_name, lat, lon = municipalities[where]
        age = int(HORIZON_DAYS * rng.random() ** 1.4)
        published = today - dt.timedelta(days=age)
        ads.append(
            {
                "id": f"{id_prefix}-{i + 1}",
                "headline": f"{SSYK_GROUPS[ssyk]} till {name}",
                "publication_date": f"{published.isoformat()}T08:00:00",
                "employer": {"organization_number": orgnr, "name": name, "workplace": name},
                "occupation": {
                    "label": SSYK_GROUPS[ssyk],
                    "concept_id": "",
                    "legacy_ams_taxonomy_id": "",
                },
                "occupation_group": {"label": SSYK_GROUPS[ssyk], "legacy_ams_taxonomy_id": ssyk},
                "workplace_address": {
                    "municipality_code": where,
                    "municipality": muni_name,
                    "region_code": "08",
                    "coordinates": [
                        round(lon + rng.uniform(-0.03, 0.03), 5),
                        round(lat + rng.uniform(-0.02, 0.02), 5),
                    ],
                },
                "number_of_vacancies": rng.choices([1, 2, 3, 5], weights=[70, 18, 8, 4])[0],
            }
        )
    return ads


UNREGISTERED_NAMES = [
    "{place} Städservice",
    "{place} Omsorg",
    "Café {place}",
    "{place} Bygg & Montage",
    "{place} Lagerlogistik",
    "Restaurang {place}",
    "{place} Fastighetsskötsel",
    "{place} Hemtjänst",
]


def build(*, rng, stdout) -> None:
    from core.demo import demo_unit
    from core.models import Municipality
    from employers.importing.historical_ads import import_historical_ads
    from employers.models import Employer, HistoricalAd

    unit = demo_unit()
    if HistoricalAd.objects.filter(region_id=unit.region_id).exists():
        stdout.write("historical ads: demo data already present")
        return
    own = random.Random(f"brygga-demo-historical-ads-{rng.random()}")
    municipalities = {
        m.code: (m.name, m.latitude, m.longitude)
        for m in Municipality.objects.filter(code__in=KALMAR_COUNTY).order_by("code")
    }
    registered = [
        (orgnr.replace("-", ""), name, muni)
        for orgnr, name, muni in Employer.objects.filter(region_id=unit.region_id)
        .exclude(orgnr="")
        .order_by("pk")
        .values_list("orgnr", "name", "municipality_id")
    ]
    used = {o for o, _n, _m in registered}
    codes = sorted(municipalities)
    extra = []
    for i in range(DEMO_UNREGISTERED):
        code = codes[i % len(codes)]
        name = UNREGISTERED_NAMES[i % len(UNREGISTERED_NAMES)].format(place=municipalities[code][0])
        if i >= len(UNREGISTERED_NAMES) * len(codes) // 2:
            name = f"{name} {i}"
        extra.append((_orgnr(own, used), f"{name} AB", code))
    ads = generate_ads(
        own,
        employers=registered + extra,
        n_ads=DEMO_ADS,
        today=timezone.localdate(),
        municipalities=municipalities,
    )
    content = "\n".join(json.dumps(a, ensure_ascii=False) for a in ads).encode()
    report = import_historical_ads(
        content=content, region=unit.region, dry_run=False, max_bytes=len(content) + 1
    )
    stdout.write(
        f"historical ads: {report.created} ads from {report.employers} employers "
        f"({report.registered_employers} in the register)"
    )
