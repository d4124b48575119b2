"""Demo data for the core: the Kalmar county unit, its staff and the demo logins.

Every app adds its own part in ``<app>/demo.py`` with ``build(*, rng, stdout)``; the
``seed_demo`` command runs them in order on one seeded random generator, so the dataset is the same
every time.
"""

from __future__ import annotations

from django.contrib.auth.models import Group

from core.choices import Role
from core.models import County, Municipality, Region, Unit, User

DEMO_PASSWORD = "brygga-demo"

# The eleven municipalities of the Kalmar county project.
KALMAR_COUNTY = {
    "0885": "Borgholm",
    "0862": "Emmaboda",
    "0860": "Hultsfred",
    "0880": "Kalmar",
    "0861": "Mönsterås",
    "0840": "Mörbylånga",
    "0881": "Nybro",
    "0882": "Oskarshamn",
    "0834": "Torsås",
    "0884": "Vimmerby",
    "0883": "Västervik",
}

# username, first name, last name, role
DEMO_STAFF = [
    ("koordinator", "Karin", "Lindqvist", Role.COORDINATOR),
    ("koordinator2", "Ahmed", "Hassan", Role.COORDINATOR),
    ("jobbguide", "Johanna", "Berg", Role.GUIDE),
    ("jobbguide2", "Mikael", "Nyström", Role.GUIDE),
    ("jobbguide3", "Sara", "Ekström", Role.GUIDE),
    ("chef", "Eva", "Holm", Role.MANAGER),
    ("admin", "Anders", "Sjöberg", Role.ADMIN),
]


# Two more units of the county (issue 12): they share the region's employer register.
# unit name, municipality codes, [(username, first, last, role)]
REGIONAL_UNITS = [
    (
        "AME Torsås",
        ["0834"],
        [
            ("koordinator.torsas", "Tove", "Åkesson", Role.COORDINATOR),
            ("jobbguide.torsas", "Tim", "Gustavsson", Role.GUIDE),
        ],
    ),
    (
        "AME Västervik",
        ["0883"],
        [
            ("koordinator.vastervik", "Vera", "Lund", Role.COORDINATOR),
            ("jobbguide.vastervik", "Viktor", "Sandberg", Role.GUIDE),
        ],
    ),
]
REGIONAL_ADMIN = ("regionadmin", "Rakel", "Persson", Role.REGIONAL_ADMIN)


def demo_region() -> Region:
    county = County.objects.get(code="08")
    region = Region.objects.filter(county=county).first()
    if region is None:
        region, _ = Region.objects.get_or_create(name=county.name, defaults={"county": county})
        if region.county_id is None:
            region.county = county
            region.save(update_fields=["county"])
    return region


def _staff(username, first, last, role, unit) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@brygga.example.se",
            "unit": unit,
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def demo_unit() -> Unit:
    return Unit.objects.get(name="AME Kalmar län")


def build(*, rng, stdout) -> None:
    region = demo_region()
    unit, _ = Unit.objects.get_or_create(name="AME Kalmar län", defaults={"region": region})
    if unit.region_id != region.pk and not unit.employers.exists():
        unit.region = region
        unit.save(update_fields=["region"])
    unit.municipalities.set(Municipality.objects.filter(code__in=KALMAR_COUNTY))
    for username, first, last, role in DEMO_STAFF:
        _staff(username, first, last, role, unit)
    _staff(*REGIONAL_ADMIN, unit)
    for name, codes, staff in REGIONAL_UNITS:
        other, _ = Unit.objects.get_or_create(name=name, defaults={"region": region})
        other.municipalities.set(Municipality.objects.filter(code__in=codes))
        for username, first, last, role in staff:
            _staff(username, first, last, role, other)
    stdout.write(
        f"core: region {region.name}, unit {unit.name} with {len(DEMO_STAFF)} staff users, "
        f"{len(REGIONAL_UNITS)} more units"
    )
