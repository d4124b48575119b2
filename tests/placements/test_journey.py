"""A guide takes a participant from a match to an employment and an exit, through the API."""

import datetime as dt

import pytest
import time_machine

from employers.models import TaskProfile
from matching.models import MatchDecision, Participant
from placements.models import FollowUp, Placement, PlacementTransition
from tests.factories.employers import ContactPersonFactory
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_from_suggestion_to_behalla_and_exit(api, guide, participant, task_profile, employer):
    client = api(guide)
    supervisor = ContactPersonFactory(employer=employer, is_supervisor=True)
    proposed = client.post(
        "/api/v1/placements/",
        {
            "participant": participant.pk,
            "task_profile": task_profile.pk,
            "planned_start": "2026-12-01",
            "planned_end": "2027-02-26",
            "hours_per_week": 15,
            "supervisor": supervisor.pk,
            "agreed_adaptations": ["quiet-space"],
            "goals_short": "Klara plock med stöd",
            "goals_long": "Anställning på lagret",
            "note": "Bra match enligt förslag",
        },
    )
    assert proposed.status_code == 201, proposed.json()
    pid = proposed.json()["id"]
    decision = MatchDecision.objects.get(pk=proposed.json()["match_decision"])
    assert (decision.decision, decision.participant, decision.task_profile) == (
        "proposed",
        participant,
        task_profile,
    )

    assert client.post(f"/api/v1/placements/{pid}/agree/").json()["status"] == "agreed"
    assert TaskProfile.objects.get(pk=task_profile.pk).slots_taken == 1
    # Each step on its own day: a start, a hiring, a follow-up and an exit are recorded when they
    # happen (placements.rules.DATE_RULES), never ahead of time.
    day = time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
    day.start()
    started = client.post(f"/api/v1/placements/{pid}/start/", {"date": "2026-12-01"}).json()
    assert started["status"] == "ongoing"
    planned = list(FollowUp.objects.filter(placement_id=pid).values_list("planned_on", flat=True))
    assert planned[:3] == [dt.date(2026, 12, 8), dt.date(2026, 12, 15), dt.date(2026, 12, 29)]
    assert dt.date(2027, 2, 1) in planned  # then monthly

    evaluated = client.post(
        f"/api/v1/placements/{pid}/evaluate/",
        {"evaluated_on": "2026-12-01", "progress": "Lär sig rutinerna", "rating": 4},
    )
    assert evaluated.status_code == 200 and evaluated.json()["evaluations"][0]["rating"] == 4
    extended = client.post(
        f"/api/v1/placements/{pid}/extend/",
        {"new_end": "2027-03-31", "reason": "Behöver mer tid med truck"},
    )
    assert extended.status_code == 200 and extended.json()["planned_end"] == "2027-03-31"

    job = client.post(
        f"/api/v1/placements/{pid}/to-employment/",
        {"hours_per_week": 25, "subsidy_type": "lonestod"},
    )
    assert job.status_code == 200, job.json()
    assert (job.json()["kind"], job.json()["phase"], job.json()["subsidy_type"]) == (
        "employment",
        "fa",
        "lonestod",
    )
    assert Participant.objects.get(pk=participant.pk).phase == "fa"

    day.stop()
    day = time_machine.travel(dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC), tick=False)
    day.start()
    hired = client.post(f"/api/v1/placements/{pid}/hire/", {"hired_on": "2027-01-10"})
    assert hired.status_code == 200 and hired.json()["phase"] == "behalla"
    assert Participant.objects.get(pk=participant.pk).phase == "behalla"
    keep = FollowUp.objects.filter(
        placement_id=pid, status="planned", planned_on__gt=dt.date(2027, 1, 10)
    )
    assert max(keep.values_list("planned_on", flat=True)) == dt.date(
        2027, 4, 10
    )  # three months after hiring

    first = (
        FollowUp.objects.filter(placement_id=pid, status="planned").order_by("planned_on").first()
    )
    recorded = client.post(
        f"/api/v1/follow-ups/{first.pk}/record/",
        {
            "done_on": "2026-12-08",
            "with_whom": "both",
            "rating_tasks": 4,
            "rating_social": 3,
            "rating_attendance": 5,
            "notes": "Trivs",
        },
    )
    assert recorded.status_code == 200 and recorded.json()["status"] == "done"

    exited = client.post(
        "/api/v1/exits/",
        {"participant": participant.pk, "exited_on": "2027-01-20", "outcome": "work_subsidised"},
    )
    day.stop()
    assert exited.status_code == 201, exited.json()
    placement = Placement.objects.get(pk=pid)
    assert (
        placement.status == "ended" and Participant.objects.get(pk=participant.pk).phase == "exited"
    )
    assert TaskProfile.objects.get(pk=task_profile.pk).slots_taken == 0
    steps = list(
        PlacementTransition.objects.filter(placement=placement).values_list(
            "to_status", "to_phase", "by"
        )
    )
    assert steps[0][:2] == ("proposed", "finna") and ("ended", "behalla", guide.pk) == steps[-1]
    assert all(by == guide.pk for *_rest, by in steps)


def test_employment_ended_after_six_weeks_returns_the_participant_to_matching(
    api, guide, participant, task_profile
):
    client = api(guide)
    pid = client.post(
        "/api/v1/placements/",
        {
            "participant": participant.pk,
            "task_profile": task_profile.pk,
            "kind": "employment",
            "planned_start": "2026-09-01",
            "hours_per_week": 30,
        },
    ).json()["id"]
    client.post(f"/api/v1/placements/{pid}/agree/")
    client.post(f"/api/v1/placements/{pid}/start/", {"date": "2026-09-01"})
    assert Participant.objects.get(pk=participant.pk).phase == "fa"
    client.post(f"/api/v1/placements/{pid}/hire/", {"hired_on": "2026-10-01"})
    ended = client.post(
        f"/api/v1/placements/{pid}/end/",
        {"ended_on": "2026-11-12", "reason": "Arbetsgivaren gick i konkurs"},
    )
    assert ended.status_code == 200 and ended.json()["ended_early"] is True
    person = Participant.objects.get(pk=participant.pk)
    # Back in matching since the employment ended, not since the day it was recorded.
    assert person.phase == "finna" and person.returned_to_matching_on == dt.date(2026, 11, 12)
    change = person.phase_changes.first()
    assert change.to_phase == "finna" and "konkurs" in change.reason and change.by == guide
    listing = client.get("/api/v1/participants/?phase=finna").json()["results"]
    assert any(
        p["id"] == person.pk and p["returned_to_matching_on"] == "2026-11-12" for p in listing
    )


def test_employment_ended_after_the_keep_period_does_not_reopen_matching(
    api, guide, participant, task_profile
):
    client = api(guide)
    pid = client.post(
        "/api/v1/placements/",
        {
            "participant": participant.pk,
            "task_profile": task_profile.pk,
            "kind": "employment",
            "planned_start": "2026-06-01",
            "hours_per_week": 30,
        },
    ).json()["id"]
    for step, body in (
        ("agree", {}),
        ("start", {"date": "2026-06-01"}),
        ("hire", {"hired_on": "2026-07-01"}),
    ):
        client.post(f"/api/v1/placements/{pid}/{step}/", body)
    client.post(f"/api/v1/placements/{pid}/end/", {"ended_on": "2026-11-20", "reason": "Ny tjänst"})
    assert Participant.objects.get(pk=participant.pk).phase == "behalla"


@pytest.mark.parametrize(
    ("step", "body", "field"),
    [
        ("hire", {"hired_on": "2026-11-20"}, "phase"),
        ("extend", {"new_end": "2027-06-01", "reason": ""}, "reason"),
        ("extend", {"new_end": "2026-12-01", "reason": "Mer tid"}, "new_end"),
        ("end", {"ended_on": "2026-10-01", "reason": "x"}, "ended_on"),
        ("to-employment", {"hours_per_week": 0}, "hours_per_week"),
        ("evaluate", {"evaluated_on": "2026-11-20", "progress": "ok", "rating": 9}, "rating"),
    ],
)
def test_bad_steps_are_400_naming_the_problem(api, guide, placement, step, body, field):
    before = (placement.status, placement.phase, placement.planned_end)
    response = api(guide).post(f"/api/v1/placements/{placement.pk}/{step}/", body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    placement.refresh_from_db()
    assert (placement.status, placement.phase, placement.planned_end) == before


def test_out_of_order_status_is_refused(api, guide, placement):
    response = api(guide).post(f"/api/v1/placements/{placement.pk}/agree/")
    assert response.status_code == 400 and "status" in response.json()


def test_proposal_dates_and_practice_end(api, guide, participant, task_profile):
    client = api(guide)
    base = {"participant": participant.pk, "task_profile": task_profile.pk, "hours_per_week": 10}
    backwards = client.post(
        "/api/v1/placements/", {**base, "planned_start": "2026-12-10", "planned_end": "2026-12-01"}
    )
    assert backwards.status_code == 400 and "planned_end" in backwards.json()
    open_ended = client.post("/api/v1/placements/", {**base, "planned_start": "2026-12-10"})
    assert open_ended.status_code == 400 and "planned_end" in open_ended.json()
    assert Placement.objects.count() == 0 and MatchDecision.objects.count() == 0


def test_agreeing_a_full_profile_is_refused_and_nothing_changes(
    api, guide, participant, task_profile
):
    TaskProfile.objects.filter(pk=task_profile.pk).update(slots_total=1)
    client = api(guide)
    body = {
        "participant": participant.pk,
        "task_profile": task_profile.pk,
        "planned_start": "2026-12-01",
        "planned_end": "2027-01-31",
        "hours_per_week": 10,
    }
    other = ParticipantFactory(unit=participant.unit, guide=participant.guide)
    first = client.post("/api/v1/placements/", body).json()["id"]
    second = client.post("/api/v1/placements/", {**body, "participant": other.pk}).json()["id"]
    assert client.post(f"/api/v1/placements/{first}/agree/").status_code == 200
    profile = TaskProfile.objects.get(pk=task_profile.pk)
    assert (profile.slots_taken, profile.status) == (1, "filled")
    response = client.post(f"/api/v1/placements/{second}/agree/")
    assert response.status_code == 400 and "task_profile" in response.json()
    assert Placement.objects.get(pk=second).status == "proposed"
    # ending the first frees the slot and reopens the profile
    client.post(f"/api/v1/placements/{first}/end/", {"ended_on": "2026-11-24", "reason": "Avbröt"})
    profile.refresh_from_db()
    assert (profile.slots_taken, profile.status) == (0, "open")
    assert client.post(f"/api/v1/placements/{second}/agree/").status_code == 200


def test_reschedule_keeps_history(api, guide, placement):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 26))
    response = api(guide).post(
        f"/api/v1/follow-ups/{followup.pk}/reschedule/",
        {"planned_on": "2026-11-30", "reason": "Handledaren sjuk"},
    )
    assert response.status_code == 201
    new = FollowUp.objects.get(pk=response.json()["id"])
    followup.refresh_from_db()
    assert (followup.status, new.rescheduled_from, new.planned_on) == (
        "rescheduled",
        followup,
        dt.date(2026, 11, 30),
    )
    assert "sjuk" in followup.reschedule_reason and followup.rescheduled_by == guide


def test_followup_in_the_future_cannot_be_recorded_done(api, guide, placement):
    followup = FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 26))
    response = api(guide).post(
        f"/api/v1/follow-ups/{followup.pk}/record/", {"done_on": "2026-12-24"}
    )
    assert response.status_code == 400 and "done_on" in response.json()


def test_my_followups_today_week_overdue(api, guide, colleague_guide, placement):
    rows = {
        d: FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, d))
        for d in (10, 24, 27)
    }
    FollowUp.objects.create(placement=placement, planned_on=dt.date(2026, 11, 5), status="done")
    client = api(guide)

    def ids(when):
        return [
            r["id"] for r in client.get(f"/api/v1/follow-ups/mine/?when={when}").json()["results"]
        ]

    assert ids("overdue") == [rows[10].pk]
    assert ids("today") == [rows[24].pk]
    assert ids("week") == [rows[24].pk, rows[27].pk]
    assert client.get("/api/v1/follow-ups/mine/?when=yesterday").status_code == 400
    assert api(colleague_guide).get("/api/v1/follow-ups/mine/?when=overdue").json()["results"] == []
    assert client.get(f"/api/v1/follow-ups/{rows[10].pk}/").json()["is_overdue"] is True
