"""Regional profiles, proposals across units and regional participants (three units, two regions)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import DomainError, NotAllowed
from employers.models import Interaction, TaskProfile
from matching import features
from matching.participants.services.consents import consent_withdraw
from matching.regional import participant_regional_set, regional_participants_for
from matching.services.suggestions import rank_profiles_for
from placements.models import Placement
from placements.regional import placement_host_answer
from placements.services.placements import placement_agree, placement_propose
from tests.factories.employers import TaskProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engines():
    features.forget()
    yield
    features.forget()


@pytest.fixture
def regional_profile(shared_employer, shared_site, unit_k):
    return TaskProfileFactory(
        employer=shared_employer, site=shared_site, unit=unit_k, title="Hamnarbete", regional=True
    )


@pytest.fixture
def local_profile(shared_employer, shared_site, unit_k):
    return TaskProfileFactory(
        employer=shared_employer, site=shared_site, unit=unit_k, title="Kontor Kalmar"
    )


def _propose(participant, profile, by):
    return placement_propose(
        participant=participant,
        task_profile=profile,
        by=by,
        planned_start=dt.date(2026, 12, 1),
        planned_end=dt.date(2027, 2, 26),
        hours_per_week=15,
    )


def test_regional_profiles_are_ranked_for_another_units_participants(
    participant_t, participant_v, regional_profile, local_profile
):
    ranked_t = {m["task_profile"] for m in rank_profiles_for(participant_t, include_excluded=True)}
    assert regional_profile.pk in ranked_t
    assert local_profile.pk not in ranked_t
    ranked_v = {m["task_profile"] for m in rank_profiles_for(participant_v, include_excluded=True)}
    assert not ranked_v & {regional_profile.pk, local_profile.pk}


def test_regional_profiles_visible_to_the_region_only(
    regional_profile, local_profile, coord_t, coord_k, coord_v, guide_t
):
    assert set(TaskProfile.objects.visible_to(coord_k)) == {regional_profile, local_profile}
    assert set(TaskProfile.objects.visible_to(coord_t)) == {regional_profile}
    assert set(TaskProfile.objects.visible_to(guide_t)) == {regional_profile}
    assert not TaskProfile.objects.visible_to(coord_v).exists()


def test_regional_flag_through_the_api(api, shared_employer, shared_site, coord_t, coord_v):
    payload = {
        "employer": shared_employer.pk,
        "site": shared_site.pk,
        "title": "Regional truck",
        "regional": True,
    }
    response = api(coord_t).post("/api/v1/task-profiles/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["regional"] is True and body["unit"] == coord_t.unit_id
    assert api(coord_v).post("/api/v1/task-profiles/", payload, format="json").status_code in (
        400,
        403,
        404,
    )


def test_proposal_from_another_unit_waits_for_the_profiles_coordinator(
    participant_t, guide_t, coord_k, coord_t, regional_profile
):
    placement = _propose(participant_t, regional_profile, guide_t)
    step = Interaction.objects.get(employer=regional_profile.employer, next_step_done=False)
    assert step.unit_id == coord_k.unit_id and step.by == coord_k
    assert participant_t.code in step.next_step and participant_t.last_name not in step.next_step
    with pytest.raises(ValidationError):
        placement_agree(placement=placement, by=guide_t)
    with pytest.raises(NotAllowed):
        placement_host_answer(placement=placement, by=coord_t, accept=True)
    placement_host_answer(placement=placement, by=coord_k, accept=True)
    step.refresh_from_db()
    assert step.next_step_done
    placement = placement_agree(placement=placement, by=guide_t)
    assert placement.status == "agreed"


def test_the_host_coordinator_gets_an_e_mail_with_the_code_only(
    participant_t,
    guide_t,
    coord_k,
    regional_profile,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    coord_k.email = "koordinator@kalmar.se"
    coord_k.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        _propose(participant_t, regional_profile, guide_t)
    (mail,) = mailoutbox
    assert mail.to == ["koordinator@kalmar.se"]
    assert participant_t.code in mail.body and regional_profile.title in mail.body
    assert participant_t.last_name not in mail.body + mail.subject
    assert participant_t.first_name not in mail.body + mail.subject


def test_a_proposal_within_the_unit_sends_no_host_e_mail(
    participant_t,
    guide_t,
    coord_t,
    shared_employer,
    shared_site,
    unit_t,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    coord_t.email = "koordinator@torsas.se"
    coord_t.save(update_fields=["email"])
    own = TaskProfileFactory(employer=shared_employer, site=shared_site, unit=unit_t)
    with django_capture_on_commit_callbacks(execute=True):
        _propose(participant_t, own, guide_t)
    assert not mailoutbox


def test_declined_proposal_is_withdrawn(participant_t, guide_t, coord_k, regional_profile):
    placement = placement_host_answer(
        placement=_propose(participant_t, regional_profile, guide_t), by=coord_k, accept=False
    )
    assert placement.status == "ended" and placement.withdraw_reason == "employer_declined"


def test_host_requests_page_shows_code_not_identity(
    client, participant_t, guide_t, coord_k, coord_v, regional_profile
):
    placement = _propose(participant_t, regional_profile, guide_t)
    client.force_login(coord_k)
    page = client.get("/regionala-forslag/").content.decode()
    assert participant_t.code in page and participant_t.last_name not in page
    client.post("/regionala-forslag/", {"placement": placement.pk, "answer": "accept"})
    placement.refresh_from_db()
    assert placement.host_accepted_at is not None
    client.force_login(coord_v)
    assert participant_t.code not in client.get("/regionala-forslag/").content.decode()


def test_non_regional_profile_of_another_unit_refuses_proposals(
    participant_t, guide_t, local_profile
):
    with pytest.raises(ValidationError):
        _propose(participant_t, local_profile, guide_t)


def test_opening_for_regional_matching_needs_consent(participant_t, guide_t, guide_k):
    with pytest.raises(NotAllowed):
        participant_regional_set(participant=participant_t, by=guide_t, open=True)
    assert not Placement.objects.exists()


def test_only_the_guide_opens_regional_matching(participant_t, guide_k, other_unit_consent):
    with pytest.raises(DomainError):
        participant_regional_set(participant=participant_t, by=guide_k, open=True)
    participant_t.refresh_from_db()
    assert participant_t.regional_matching is False


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("coord_k", True),
        ("guide_k", True),
        ("manager_k", True),
        ("regional_admin_k", False),  # administers the region; a consent names a unit's staff
        ("coord_t", False),  # own unit: uses the ordinary participant pages
        ("coord_v", False),
        ("guide_v", False),
        ("shared_employer_user", False),
    ],
)
def test_regional_participant_visibility_per_role(
    request, api, who, sees, participant_t, guide_t, other_unit_consent
):
    participant_regional_set(participant=participant_t, by=guide_t, open=True)
    user = request.getfixturevalue(who)
    response = api(user).get("/api/v1/regional-participants/")
    codes = [row["code"] for row in response.json()] if response.status_code == 200 else []
    assert (participant_t.code in codes) is sees
    assert participant_t.last_name not in response.content.decode()
    assert participant_t.first_name not in response.content.decode()


def test_anonymous_gets_no_regional_participants(api):
    assert api(None).get("/api/v1/regional-participants/").status_code in (401, 403)


def test_identity_stays_hidden_from_other_units(
    api, client, participant_t, guide_t, coord_k, other_unit_consent
):
    participant_regional_set(participant=participant_t, by=guide_t, open=True)
    assert api(coord_k).get(f"/api/v1/participants/{participant_t.pk}/").status_code == 404
    client.force_login(coord_k)
    assert client.get(f"/deltagare/{participant_t.pk}/").status_code == 404
    page = client.get("/regionala-deltagare/").content.decode()
    assert participant_t.code in page and participant_t.last_name not in page


def test_identity_shown_after_agreed_placement_when_consent_covers_it(
    api, participant_t, guide_t, coord_k, regional_profile, other_unit_consent
):
    participant_regional_set(participant=participant_t, by=guide_t, open=True)
    placement = _propose(participant_t, regional_profile, guide_t)
    placement_host_answer(placement=placement, by=coord_k, accept=True)
    rows = api(coord_k).get("/api/v1/regional-participants/").json()
    assert rows[0]["name"] is None  # proposed, not agreed
    placement_agree(placement=placement, by=guide_t)
    rows = api(coord_k).get("/api/v1/regional-participants/").json()
    assert rows[0]["name"] == "Tilda Torsson"


def test_withdrawing_the_consent_hides_the_participant_at_once(
    participant_t, guide_t, coord_k, other_unit_consent
):
    participant_regional_set(participant=participant_t, by=guide_t, open=True)
    assert list(regional_participants_for(coord_k)) == [participant_t]
    consent_withdraw(consent=other_unit_consent, by=guide_t)
    assert not regional_participants_for(coord_k).exists()


def test_guide_switch_through_api_and_page(api, client, participant_t, guide_t, other_unit_consent):
    response = api(guide_t).post(
        f"/api/v1/participants/{participant_t.pk}/regional/", {"open": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["regional_matching"] is True
    client.force_login(guide_t)
    client.post(f"/deltagare/{participant_t.pk}/regional/", {"open": "0"})
    participant_t.refresh_from_db()
    assert participant_t.regional_matching is False


def test_other_units_see_how_a_regional_participant_fits_their_regional_profiles(
    api,
    client,
    participant_t,
    guide_t,
    coord_k,
    coord_v,
    regional_profile,
    local_profile,
    other_unit_consent,
):
    participant_regional_set(participant=participant_t, by=guide_t, open=True)
    rows = api(coord_k).get("/api/v1/regional-participants/").json()
    matched = [m["task_profile"] for m in rows[0]["matches"]]
    assert matched == [regional_profile.pk]  # the local profile is not open to Torsås
    assert 0 < rows[0]["matches"][0]["score"] <= 1
    client.force_login(coord_k)
    page = client.get("/regionala-deltagare/").content.decode()
    assert regional_profile.title in page and local_profile.title not in page
    assert participant_t.last_name not in page
