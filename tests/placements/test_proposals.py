"""One open proposal per participant and profile (service, database, API); withdrawing a proposal
with a structured reason; follow-ups that are recorded only with content and moved with a reason."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.exceptions import InvalidTransition
from matching.models import MatchDecision
from placements import rules
from placements.models import FollowUp, Placement
from placements.services.exits import participant_exit
from placements.services.followups import followup_record, followup_request_confirmation
from placements.services.placements import placement_end, placement_propose, placement_withdraw
from tests.factories.matching import ParticipantFactory
from tests.factories.placements import PlacementFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def body(participant, task_profile, **extra):
    return {
        "participant": participant.pk,
        "task_profile": task_profile.pk,
        "planned_start": "2026-12-01",
        "planned_end": "2027-02-26",
        "hours_per_week": 15,
        **extra,
    }


def propose(participant, task_profile, by):
    return placement_propose(
        participant=participant,
        task_profile=task_profile,
        by=by,
        planned_start=dt.date(2026, 12, 1),
        planned_end=dt.date(2027, 2, 26),
        hours_per_week=15,
    )


def test_a_second_proposal_for_the_same_pair_is_refused_by_the_service(
    guide, participant, task_profile
):
    propose(participant, task_profile, guide)
    with pytest.raises(ValidationError) as exc:
        propose(participant, task_profile, guide)
    assert "redan ett öppet förslag" in str(exc.value.message_dict["task_profile"])
    assert Placement.objects.count() == 1
    assert MatchDecision.objects.count() == 1  # no half-write: the refused one left nothing


@pytest.mark.parametrize("status", ["proposed", "agreed", "ongoing"])
def test_the_database_refuses_two_open_placements_for_one_pair(participant, task_profile, status):
    PlacementFactory(participant=participant, task_profile=task_profile, status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(participant=participant, task_profile=task_profile, status="proposed")


def test_the_constraint_message_is_readable_in_full_clean(participant, task_profile):
    PlacementFactory(participant=participant, task_profile=task_profile, status="agreed")
    second = PlacementFactory.build(
        participant=participant, task_profile=task_profile, status="proposed"
    )
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "redan ett öppet förslag eller en placering" in " ".join(exc.value.messages)


def test_an_ended_placement_does_not_block_a_new_proposal(guide, participant, task_profile):
    PlacementFactory(participant=participant, task_profile=task_profile, status="ended")
    assert propose(participant, task_profile, guide).status == "proposed"


def test_the_api_refuses_a_duplicate_with_a_field_error(api, guide, participant, task_profile):
    client = api(guide)
    assert client.post("/api/v1/placements/", body(participant, task_profile)).status_code == 201
    again = client.post("/api/v1/placements/", body(participant, task_profile))
    assert again.status_code == 400
    assert "redan ett öppet förslag" in again.json()["task_profile"][0]
    assert Placement.objects.count() == 1


def test_withdrawing_a_proposal_records_the_reason_and_frees_the_pair(
    api, guide, participant, task_profile
):
    client = api(guide)
    pid = client.post("/api/v1/placements/", body(participant, task_profile)).json()["id"]
    assert client.get(f"/api/v1/placements/{pid}/").json()["allowed_actions"] == [
        "agree",
        "withdraw",
    ]
    response = client.post(
        f"/api/v1/placements/{pid}/withdraw/",
        {"reason": "employer_declined", "note": "Vill vänta till våren"},
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["status"], data["withdraw_reason"], data["ended_on"]) == (
        "ended",
        "employer_declined",
        "2026-11-24",
    )
    transition = Placement.objects.get(pk=pid).transitions.last()
    assert (transition.to_status, transition.by, transition.reason) == (
        "ended",
        guide,
        "Vill vänta till våren",
    )
    assert client.post("/api/v1/placements/", body(participant, task_profile)).status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"reason": "because"}, "reason"), ({}, "reason"), ({"reason": "other"}, "note")],
)
def test_withdrawing_needs_a_known_reason(api, guide, participant, task_profile, payload, field):
    client = api(guide)
    pid = client.post("/api/v1/placements/", body(participant, task_profile)).json()["id"]
    response = client.post(f"/api/v1/placements/{pid}/withdraw/", payload)
    assert response.status_code == 400 and field in response.json()
    assert Placement.objects.get(pk=pid).status == "proposed"


def test_only_a_proposal_is_withdrawn_and_a_proposal_is_not_ended(guide, placement, unit):
    with pytest.raises(InvalidTransition):
        placement_withdraw(placement=placement, by=guide, reason="not_suitable")
    proposal = PlacementFactory(
        participant=ParticipantFactory(unit=unit, guide=guide),
        task_profile=placement.task_profile,
        status="proposed",
    )
    with pytest.raises(InvalidTransition):
        placement_end(placement=proposal, by=guide, ended_on=dt.date(2026, 11, 24), reason="x")


def test_another_guide_cannot_withdraw(api, colleague_guide, guide, participant, task_profile):
    pid = api(guide).post("/api/v1/placements/", body(participant, task_profile)).json()["id"]
    response = api(colleague_guide).post(
        f"/api/v1/placements/{pid}/withdraw/", {"reason": "not_suitable"}
    )
    assert response.status_code == 403
    assert Placement.objects.get(pk=pid).status == "proposed"


def test_exit_withdraws_open_proposals(guide, participant, task_profile):
    proposal = propose(participant, task_profile, guide)
    participant_exit(
        participant=participant, by=guide, exited_on=dt.date(2026, 11, 24), outcome="studies"
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.withdraw_reason) == ("ended", "participant_exited")


@pytest.mark.parametrize(
    ("status", "phase", "kind", "expected"),
    [
        ("proposed", "finna", "practice", ["agree", "withdraw"]),
        ("agreed", "finna", "practice", ["start", "extend", "end"]),
        ("ongoing", "finna", "practice", ["evaluate", "extend", "to_employment", "end"]),
        ("ongoing", "fa", "employment", ["evaluate", "hire", "end"]),
        ("ongoing", "behalla", "employment", ["evaluate", "end"]),
        ("ended", "finna", "practice", []),
    ],
)
def test_allowed_actions_follow_the_state(status, phase, kind, expected):
    placement = Placement(status=status, phase=phase, kind=kind, planned_end=dt.date(2027, 1, 1))
    assert rules.allowed_actions(placement) == expected


def test_an_untouched_followup_is_not_recorded_as_done(api, guide, placement):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 20))
    with pytest.raises(ValidationError):
        followup_record(followup=followup, by=guide, done_on=dt.date(2026, 11, 24))
    response = api(guide).post(
        f"/api/v1/follow-ups/{followup.pk}/record/",
        {"done_on": "2026-11-24", "with_whom": "both", "notes": "  "},
    )
    assert response.status_code == 400 and "non_field_errors" in response.json()
    followup.refresh_from_db()
    assert (followup.status, followup.rating_tasks) == ("planned", None)
    recorded = followup_record(
        followup=followup, by=guide, done_on=dt.date(2026, 11, 24), rating_social=4
    )
    assert (recorded.status, recorded.rating_tasks, recorded.rating_social) == ("done", None, 4)


def test_rescheduling_needs_a_reason(api, guide, placement):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 26))
    response = api(guide).post(
        f"/api/v1/follow-ups/{followup.pk}/reschedule/", {"planned_on": "2026-11-30"}
    )
    assert response.status_code == 400 and "reason" in response.json()
    followup.refresh_from_db()
    assert followup.status == "planned"


def test_confirmation_is_asked_once_with_who_and_when(guide, placement, employer_user):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 26))
    asked = followup_request_confirmation(followup=followup, by=guide)
    assert asked.confirmation_requested_by == guide and asked.confirmation_requested_at
    with pytest.raises(InvalidTransition):
        followup_request_confirmation(followup=followup, by=guide)
