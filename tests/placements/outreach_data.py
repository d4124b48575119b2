"""Historical ads in JobTech's format for the outreach tests."""

from __future__ import annotations

from stdnum import luhn


def orgnr(n: int) -> str:
    base = f"55{6100000 + n:07d}"
    return base + luhn.calc_check_digit(base)


def ad(
    i: int,
    *,
    org: str,
    name: str,
    ssyk: str = "9111",
    label: str = "Städare",
    municipality: str = "0880",
    published: str = "2026-10-01",
    vacancies: int = 1,
    coordinates=(16.3568, 56.6634),
) -> dict:
    return {
        "id": f"hist-{i}",
        "headline": f"{label} sökes",
        "publication_date": f"{published}T08:00:00",
        "employer": {"organization_number": org, "name": name, "workplace": name},
        "occupation": {"label": label, "concept_id": f"c{ssyk}", "legacy_ams_taxonomy_id": "1"},
        "occupation_group": {"label": label, "legacy_ams_taxonomy_id": ssyk},
        "workplace_address": {
            "municipality_code": municipality,
            "municipality": "Kalmar",
            "region_code": "08",
            "coordinates": list(coordinates),
        },
        "number_of_vacancies": vacancies,
    }


def stored(n: int) -> str:
    """The organisation number as the register stores it."""
    raw = orgnr(n)
    return f"{raw[:6]}-{raw[6:]}"
