"""A consent covers exactly its named recipients (issue 20).

Kalmar län has three units: Kalmar (``unit_k``), Torsås (``unit_t``) and Västervik (made here);
Kronoberg has Växjö (``unit_v``). Tilda belongs to Torsås. For each kind of recipient — a unit, an
employer, a partner agency — she consents to one named recipient with every scope, and everyone
else (the region's other units, other employers, the regional administrator, the other region)
sees nothing of her: not in the regional API list, not on the regional page,
not in participant details, not in the employer portal.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from core.choices import Role
from matching.models import Participant, ParticipantSkill
from matching.participants.services.consents import consent_record, may_share, shared_scopes
from tests.factories.core import UnitFactory, UserFactory, municipality
from tests.factories.employers import (
    EmployerFactory,
    MembershipFactory,
    SiteFactory,
    TaskProfileFactory,
)
from tests.factories.placements import PlacementFactory

pytestmark = pytest.mark.django_db

ALL_SCOPES = ["identity", "skills", "adaptation_needs", "validations", "placement"]


@pytest.fixture
def unit_w(region_k):
    return UnitFactory(name="AME Västervik", region=region_k, municipalities=[municipality("0883")])


@pytest.fixture
def staff_w(unit_w):
    """Västervik's coordinator, guide and manager."""
    return [
        UserFactory(username="wilma", role=Role.COORDINATOR, unit=unit_w),
        UserFactory(username="william", role=Role.GUIDE, unit=unit_w),
        UserFactory(username="wanja", role=Role.MANAGER, unit=unit_w),
    ]


@pytest.fixture
def tilda(participant_t, unit_k, unit_w):
    """Tilda of Torsås, with a skill another unit would see and open for regional matching (set
    directly, so every kind of consent is tried with the door already open)."""
    ParticipantSkill.objects.create(participant=participant_t, free_text="Truckkort A")
    Participant.objects.filter(pk=participant_t.pk).update(regional_matching=True)
    participant_t.refresh_from_db()
    return participant_t


def _consent(participant, by, **recipient):
    return consent_record(
        participant=participant,
        by=by,
        purpose="Matchning",
        scopes=ALL_SCOPES,
        given_on=dt.date.today() - dt.timedelta(days=1),
        method="signed_paper",
        **recipient,
    )


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _sees_nothing(user, participant):
    """The user finds no trace of the participant in the regional list (API and page) or the
    participant's record (API and page)."""
    secrets = (participant.code, participant.last_name, "Truckkort A")
    response = _client(user).get("/api/v1/regional-participants/")
    assert response.status_code in (200, 403), response.status_code
    if response.status_code == 200:
        assert response.json() == []
    body = response.content.decode()
    assert not any(s in body for s in secrets), user.username
    assert _client(user).get(f"/api/v1/participants/{participant.pk}/").status_code in (403, 404)
    page_client = APIClient()
    page_client.force_login(user)
    page = page_client.get("/regionala-deltagare/")
    assert page.status_code in (200, 403)
    assert not any(s in page.content.decode() for s in secrets), user.username
    assert page_client.get(f"/deltagare/{participant.pk}/").status_code in (403, 404)


# --- a consent to a named unit ------------------------------------------------------------------


def test_a_consent_to_a_unit_reaches_that_units_staff_only(
    tilda,
    guide_t,
    unit_k,
    coord_k,
    guide_k,
    manager_k,
    staff_w,
    coord_v,
    guide_v,
    regional_admin_k,
    superadmin,
    shared_employer_user,
):
    consent = _consent(tilda, guide_t, recipient_kind="other_unit", agency="ame kalmar r")
    assert consent.recipient_unit == unit_k and consent.agency == "AME Kalmar R"
    for user in (coord_k, guide_k, manager_k):
        rows = _client(user).get("/api/v1/regional-participants/").json()
        assert [r["code"] for r in rows] == [tilda.code]
        assert rows[0]["skills"] == ["Truckkort A"] and rows[0]["name"] is None
        page_client = APIClient()
        page_client.force_login(user)
        assert tilda.code in page_client.get("/regionala-deltagare/").content.decode()
    # Västervik is in the same region and was not named: it sees nothing (the reported leak).
    for user in (*staff_w, coord_v, guide_v, regional_admin_k, shared_employer_user):
        _sees_nothing(user, tilda)
    # The administrator reads participant records by another rule (administration), never
    # through another unit's consent.
    assert _client(superadmin).get("/api/v1/regional-participants/").status_code == 403


def test_a_unit_consent_is_not_an_agency_consent_of_the_same_name(tilda, guide_t, unit_k, unit_w):
    _consent(tilda, guide_t, recipient_kind="other_unit", agency="AME Kalmar R")
    assert may_share(participant=tilda, unit=unit_k, scope="skills")
    assert not may_share(participant=tilda, unit=unit_w, scope="skills")
    assert not may_share(participant=tilda, agency="AME Kalmar R", scope="skills")
    assert not may_share(participant=tilda, agency="AME Västervik", scope="skills")


def test_a_consent_to_another_unit_must_name_a_unit_of_the_region(tilda, guide_t, unit_v):
    for name in ("Annan enhet", "Another labour-market unit", unit_v.name, tilda.unit.name, ""):
        with pytest.raises(ValidationError) as error:
            _consent(tilda, guide_t, recipient_kind="other_unit", agency=name)
        assert "agency" in error.value.message_dict or "employer" in error.value.message_dict
    assert not tilda.consents.exists()


def test_the_api_refuses_an_unnamed_unit_with_a_field_message(tilda, guide_t, unit_w):
    body = {
        "participant": tilda.pk,
        "recipient_kind": "other_unit",
        "agency": "Annan enhet",
        "purpose": "Regional matchning",
        "scopes": ["skills"],
        "given_on": str(dt.date.today()),
        "method": "signed_paper",
    }
    response = _client(guide_t).post("/api/v1/consents/", body, format="json")
    assert response.status_code == 400
    assert "AME Västervik" in str(response.json()["agency"])
    body["agency"] = "AME Västervik"
    response = _client(guide_t).post("/api/v1/consents/", body, format="json")
    assert response.status_code == 201, response.content
    assert shared_scopes(participant=tilda, unit=unit_w) == {"skills"}


def test_opening_for_regional_matching_needs_a_named_unit(tilda, guide_t, coord_k):
    """A consent to an agency or employer does not open the participant to the region."""
    from core.exceptions import NotAllowed
    from matching.regional import participant_regional_set

    _consent(tilda, guide_t, recipient_kind="social_services", agency="Socialtjänsten Torsås")
    with pytest.raises(NotAllowed):
        participant_regional_set(participant=tilda, by=guide_t, open=True)
    _consent(tilda, guide_t, recipient_kind="other_unit", agency="AME Kalmar R")
    participant_regional_set(participant=tilda, by=guide_t, open=True)


# --- a consent to a named employer --------------------------------------------------------------


@pytest.fixture
def other_employer_k(unit_t):
    return EmployerFactory(
        name="Torsås Snickeri AB", unit=unit_t, municipality=municipality("0834")
    )


@pytest.fixture
def other_employer_k_user(other_employer_k):
    user = UserFactory(username="snickarchef", role=Role.EMPLOYER)
    MembershipFactory(user=user, employer=other_employer_k)
    return user


def test_a_consent_to_an_employer_reaches_that_employer_only(
    tilda,
    guide_t,
    unit_k,
    shared_employer,
    shared_site,
    shared_employer_user,
    other_employer_k,
    other_employer_k_user,
    coord_k,
    guide_k,
    staff_w,
    regional_admin_k,
    coord_v,
):
    _consent(tilda, guide_t, employer=shared_employer)
    profile = TaskProfileFactory(employer=shared_employer, site=shared_site, unit=unit_k)
    placement = PlacementFactory(
        participant=tilda, task_profile=profile, status="ongoing", started_on=dt.date(2026, 11, 2)
    )
    # The named employer sees what the consent covers ...
    assert may_share(participant=tilda, employer=shared_employer, scope="identity")
    own = _client(shared_employer_user).get(f"/api/v1/placements/{placement.pk}/")
    assert own.status_code == 200 and "Torsson" in own.content.decode()
    # ... another employer of the region nothing, in the API and the portal ...
    SiteFactory(employer=other_employer_k)
    assert not shared_scopes(participant=tilda, employer=other_employer_k)
    outsider = _client(other_employer_k_user)
    assert outsider.get(f"/api/v1/placements/{placement.pk}/").status_code == 404
    listed = outsider.get("/api/v1/placements/")
    assert tilda.code not in listed.content.decode()
    portal = APIClient()
    portal.force_login(other_employer_k_user)
    page = portal.get("/arbetsgivarportal/").content.decode()
    assert tilda.code not in page and "Torsson" not in page
    # ... and no unit of the region, nor the regional administrator, gets her through it.
    for unit in (unit_k, staff_w[0].unit):
        assert not shared_scopes(participant=tilda, unit=unit)
    for user in (coord_k, guide_k, *staff_w, regional_admin_k, coord_v):
        _sees_nothing(user, tilda)


# --- a consent to a named partner agency --------------------------------------------------------


def test_a_consent_to_an_agency_reaches_that_agency_only(
    tilda, guide_t, unit_k, unit_w, coord_k, guide_k, manager_k, staff_w, regional_admin_k, guide_v
):
    _consent(tilda, guide_t, recipient_kind="social_services", agency="Socialtjänsten Torsås")
    assert may_share(participant=tilda, agency=" socialtjänsten torsås ", scope="identity")
    assert not may_share(participant=tilda, agency="Socialtjänsten Kalmar", scope="identity")
    assert not may_share(participant=tilda, agency="AME Kalmar R", scope="identity")
    for unit in (unit_k, unit_w):
        assert not shared_scopes(participant=tilda, unit=unit)
    for user in (coord_k, guide_k, manager_k, *staff_w, regional_admin_k, guide_v):
        _sees_nothing(user, tilda)


# --- the participant's own digital consent (invitation) names the unit too ----------------------


def test_an_invitation_to_another_unit_must_name_it_and_covers_that_unit_only(
    tilda, guide_t, unit_k, unit_w
):
    from matching.participants.services import consent_links as links

    def invite(name):
        return links.consent_invitation_create(
            participant=tilda,
            by=guide_t,
            recipients=[
                {
                    "kind": "other_unit",
                    "agency": name,
                    "purpose": "Regional matchning",
                    "scopes": ["skills"],
                }
            ],
            channel="email",
            email="tilda@example.se",
            base_url="https://brygga.test",
        )

    with pytest.raises(ValidationError) as error:
        invite("")  # used to become "Another labour-market unit", i.e. every unit
    assert "AME Kalmar R" in str(error.value) and "AME Västervik" in str(error.value)
    issued = invite("AME Västervik")
    row = issued.invitation.recipients.get()
    links.consent_invitation_answer(invitation=issued.invitation, decisions={row.pk: True})
    assert shared_scopes(participant=tilda, unit=unit_w) == {"skills"}
    assert not shared_scopes(participant=tilda, unit=unit_k)


# --- consents recorded before units were named ----------------------------------------------------


def test_existing_unit_consents_are_linked_by_name_and_unnamed_ones_cover_nobody(
    tilda, guide_t, unit_k, unit_w, coord_k
):
    import importlib

    from django.apps import apps

    from matching.models import Consent

    migration = importlib.import_module("matching.migrations.0010_consent_recipient_unit")

    def old_style(name):
        return Consent.objects.create(
            participant=tilda,
            agency=name,
            recipient_kind="other_unit",
            purpose="Regional matchning",
            scopes=["skills"],
            given_on=dt.date.today() - dt.timedelta(days=1),
            method="signed_paper",
            recorded_by=guide_t,
        )

    named, unnamed = old_style("ame västervik"), old_style("Annan enhet")
    migration.link_named_units(apps, None)
    named.refresh_from_db()
    unnamed.refresh_from_db()
    assert named.recipient_unit == unit_w and named.agency == "AME Västervik"
    assert unnamed.recipient_unit is None
    assert not shared_scopes(participant=tilda, unit=unit_k)
    _sees_nothing(coord_k, tilda)
