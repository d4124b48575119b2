"""The whole cast with one object of every kind, for the schema-wide tests (schemathesis and the
permission matrix). ``world`` gives the users by role name and the ids of the objects."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from rest_framework.authtoken.models import Token

ROLES = [
    "coordinator",
    "guide",  # the participant's assigned guide
    "colleague_guide",  # a guide of the same unit, not assigned
    "foreign_guide",  # a guide of another unit
    "manager",
    "admin_user",
    "employer_user",
    "other_employer_user",
    None,  # anonymous
]


@dataclass
class World:
    users: dict
    ids: dict = field(default_factory=dict)

    def headers(self, role):
        user = self.users.get(role)
        if user is None:
            return {}
        token, _ = Token.objects.get_or_create(user=user)
        return {"Authorization": f"Token {token.key}"}


@pytest.fixture
def world(request, db):
    from matching.models import Consent, OcnCase
    from matching.participants.services.consents import consent_record
    from placements.models import FollowUp
    from tests.factories.employers import ContactPersonFactory, InteractionFactory, SiteFactory

    users = {r: request.getfixturevalue(r) for r in ROLES if r}
    participant = request.getfixturevalue("participant")
    placement = request.getfixturevalue("placement")
    employer = request.getfixturevalue("employer")
    site = request.getfixturevalue("site")
    task_profile = request.getfixturevalue("task_profile")
    contact = ContactPersonFactory(employer=employer, site=site)
    other_employer = request.getfixturevalue("other_employer")
    SiteFactory(employer=other_employer, name="Bageriet")  # fiona's employer can ask for profiles
    interaction = InteractionFactory(employer=employer, by=users["coordinator"], contact=contact)
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date.today())
    consent = consent_record(
        participant=participant,
        by=users["guide"],
        purpose="Praktik",
        scopes=["skills"],
        given_on=dt.date.today(),
        method="signed_paper",
        employer=employer,
    )
    from core.models import OcnModule, OcnProgramme

    programme, _ = OcnProgramme.objects.get_or_create(
        code="SEC-LAGER", defaults={"name": "Lager och logistik", "occupational_area": "Lager"}
    )
    module, free_module = (
        OcnModule.objects.get_or_create(
            programme=programme, code=code, defaults={"name": name, "level": 2}
        )[0]
        for code, name in (("SEC-1", "Truck"), ("SEC-2", "Plock"))
    )
    case = OcnCase.objects.create(participant=participant, module=module)
    from matching.models import RecomputeJob

    # Ids of rows that exist in every database (PostgreSQL does not restart sequences per test).
    job = RecomputeJob.objects.create(unit_id=participant.unit_id, started_by=users["guide"])
    world = World(users=users)
    world.ids = {
        "recompute-jobs": job.pk,
        "auth": users["guide"].pk,
        "participants": participant.pk,
        "placements": placement.pk,
        "employers": employer.pk,
        "sites": site.pk,
        "task-profiles": task_profile.pk,
        "contacts": contact.pk,
        "interactions": interaction.pk,
        "follow-ups": followup.pk,
        "consents": consent.pk,
        "ocn-cases": case.pk,
        "ocn-programmes": programme.pk,
        "ocn-module-free": free_module.pk,  # a module the participant has no case for
        "other-employer": other_employer.pk,
        "units": participant.unit_id,
        "regions": participant.unit.region_id,
        "tokens": users["guide"].pk,
    }
    assert Consent.objects.filter(pk=consent.pk).exists()
    return world


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request; the test database
    lives in the test's transaction, so keep it open (as Django's test client does)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
