"""Demo data for the core: the Kalmar county unit, its staff and the demo logins.

Every app adds its own part in ``<app>/demo.py`` with ``build(*, rng, stdout)``; the
``seed_demo`` command runs them in order on one seeded random generator, so the dataset is the same
every time.
"""

from __future__ import annotations

from django.contrib.auth.models import Group

from core.choices import Role
from core.models import Municipality, Unit, User

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


def demo_unit() -> Unit:
    return Unit.objects.get(name="AME Kalmar län")


def build(*, rng, stdout) -> None:
    unit, _ = Unit.objects.get_or_create(name="AME Kalmar län")
    unit.municipalities.set(Municipality.objects.filter(code__in=KALMAR_COUNTY))
    for username, first, last, role in DEMO_STAFF:
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
    stdout.write(f"core: unit {unit.name} with {len(DEMO_STAFF)} staff users")
