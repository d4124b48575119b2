"""Issue 19: the participant's lifecycle has one truth. An end or an exit closes what is still
planned (with the reason), the participant has one state everywhere, dates follow one table
(``placements.rules.DATE_RULES``) in the services, the API and the forms, and the employer that
just ended a placement is marked when the participant is matched again."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from matching import features
from matching.models import Participant
from matching.participants.selectors import participant_state
from matching.services.suggestions import rank_profiles_for
from placements import rules
from placements.models import FollowUp, Placement
from placements.selectors import exit_context, my_followups
from placements.services.exits import participant_exit
from placements.services.followups import followup_create
from placements.services.phases import placement_hire, placement_to_employment
from placements.services.placements import (
    placement_agree,
    placement_end,
    placement_propose,
    placement_start,
)
from portal import placement_forms

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False):
        yield


def _employment(guide, participant, profile, *, started, hired=None) -> Placement:
    """A practice started on ``started`` that became an adapted job (få), hired on ``hired``."""
    placement = placement_propose(
        participant=participant,
        task_profile=profile,
        by=guide,
        planned_start=started,
        planned_end=started + dt.timedelta(weeks=12),
        hours_per_week=20,
    )
    placement_agree(placement=placement, by=guide)
    placement_start(placement=placement, by=guide, started_on=started)
    placement_to_employment(placement=placement, by=guide, hours_per_week=25)
    if hired:
        placement_hire(placement=Placement.objects.get(pk=placement.pk), by=guide, hired_on=hired)
    return Placement.objects.get(pk=placement.pk)


# --- an end or an exit closes what is still planned ---------------------------------------------


def test_an_end_cancels_every_planned_followup_with_the_reason(guide, participant, task_profile):
    placement = _employment(guide, participant, task_profile, started=dt.date(2026, 9, 1))
    due = placement.followups.filter(status="planned", planned_on__lte=dt.date(2026, 11, 20))
    assert due.count() >= 3  # week 1, 2, 4 and monthly ones, never recorded: overdue

    placement_end(placement=placement, by=guide, ended_on=dt.date(2026, 11, 20), reason="Konkurs")

    assert not FollowUp.objects.filter(placement=placement, status="planned").exists()
    cancelled = FollowUp.objects.filter(placement=placement, status="cancelled")
    assert cancelled.count() >= 3
    assert all("Konkurs" in f.cancel_reason for f in cancelled)
    assert not my_followups(guide, when="overdue").exists()
    assert not FollowUp.objects.overdue(TODAY).exists()


def test_an_exit_withdraws_proposals_cancels_followups_and_leaves_one_state(
    api, guide, participant, task_profile, other_employer
):
    from tests.factories.employers import SiteFactory, TaskProfileFactory

    # An employment that ended early sends the participant back to matching …
    job = _employment(
        guide, participant, task_profile, started=dt.date(2026, 9, 1), hired=dt.date(2026, 10, 1)
    )
    placement_end(placement=job, by=guide, ended_on=dt.date(2026, 11, 10), reason="Omorganisation")
    participant.refresh_from_db()
    assert participant_state(participant).code == "back_in_matching"
    assert participant_state(participant).since == dt.date(2026, 11, 10)
    # … a new proposal is made, then the participant leaves.
    other = TaskProfileFactory(employer=other_employer, site=SiteFactory(employer=other_employer))
    proposal = placement_propose(
        participant=participant,
        task_profile=other,
        by=guide,
        planned_start=dt.date(2026, 12, 1),
        planned_end=dt.date(2027, 2, 1),
        hours_per_week=10,
    )
    participant_exit(participant=participant, by=guide, exited_on=TODAY, outcome="job_seeking")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.withdraw_reason) == ("ended", "participant_exited")
    assert not FollowUp.objects.filter(placement__participant=participant, status="planned")
    person = Participant.objects.get(pk=participant.pk)
    assert person.returned_to_matching_on is None  # no longer “back in matching”
    assert participant_state(person).code == "exited"

    client = api(guide)
    detail = client.get(f"/api/v1/participants/{person.pk}/").json()
    assert detail["state"] == {"code": "exited", "label": "Avslutad", "since": None, "reason": ""}
    listed = client.get("/api/v1/participants/").json()["results"]
    assert [p["state"]["code"] for p in listed if p["id"] == person.pk] == ["exited"]

    web = Client()
    web.force_login(guide)
    html = web.get(f"/deltagare/{person.pk}/").content.decode()
    assert html.count("data-state=") == 1 and 'data-state="exited"' in html
    assert "Åter i matchning" not in html and "Matchning pausad" not in html


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"phase": "finna", "active": True}, "in_matching"),
        ({"phase": "finna", "active": True, "returned_to_matching_on": TODAY}, "back_in_matching"),
        ({"phase": "fa", "active": True, "returned_to_matching_on": TODAY}, "in_matching"),
        ({"phase": "finna", "active": False, "paused_reason": "Sjuk"}, "paused"),
        ({"phase": "exited", "active": False, "returned_to_matching_on": TODAY}, "exited"),
    ],
)
def test_the_participant_has_exactly_one_state(participant, fields, code):
    for name, value in fields.items():
        setattr(participant, name, value)
    assert participant_state(participant).code == code


# --- dates: one table, in services, API and forms ------------------------------------------------


def test_a_followup_before_the_placement_starts_is_refused_everywhere(api, guide, placement):
    early = dt.date(2026, 10, 20)  # the placement started 2026-11-02
    with pytest.raises(ValidationError) as exc:
        followup_create(placement=placement, by=guide, planned_on=early)
    assert "planned_on" in exc.value.message_dict

    response = api(guide).post(
        "/api/v1/follow-ups/", {"placement": placement.pk, "planned_on": early.isoformat()}
    )
    assert response.status_code == 400 and "planned_on" in response.json()

    form = placement_forms.FollowUpCreateForm(
        {"planned_on": early.isoformat(), "with_whom": "both"}, subject=placement
    )
    assert not form.is_valid() and "2026-11-02" in form.errors["planned_on"][0]
    assert not FollowUp.objects.filter(placement=placement, planned_on=early).exists()


def test_an_end_in_the_future_is_refused_and_back_in_matching_counts_from_the_end(
    api, guide, participant, task_profile
):
    job = _employment(
        guide, participant, task_profile, started=dt.date(2026, 9, 1), hired=dt.date(2026, 10, 1)
    )
    future = TODAY + dt.timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        placement_end(placement=job, by=guide, ended_on=future, reason="Slutar")
    assert "ended_on" in exc.value.message_dict
    response = api(guide).post(
        f"/api/v1/placements/{job.pk}/end/", {"ended_on": future.isoformat(), "reason": "Slutar"}
    )
    assert response.status_code == 400 and "ended_on" in response.json()
    form = placement_forms.EndForm({"ended_on": future.isoformat(), "reason": "x"}, subject=job)
    assert not form.is_valid() and "ended_on" in form.errors
    assert Participant.objects.get(pk=participant.pk).phase == "behalla"  # nothing happened
    job.refresh_from_db()
    assert job.status == "ongoing"

    ended = api(guide).post(
        f"/api/v1/placements/{job.pk}/end/", {"ended_on": "2026-11-12", "reason": "Slutar"}
    )
    assert ended.status_code == 200
    person = Participant.objects.get(pk=participant.pk)
    assert person.returned_to_matching_on == dt.date(2026, 11, 12)


def test_an_exit_before_the_placements_end_is_refused(api, guide, participant, placement):
    placement_end(placement=placement, by=guide, ended_on=dt.date(2026, 11, 20), reason="Klar")
    before = dt.date(2026, 11, 10)
    with pytest.raises(ValidationError) as exc:
        participant_exit(participant=participant, by=guide, exited_on=before, outcome="studies")
    assert "exited_on" in exc.value.message_dict
    response = api(guide).post(
        "/api/v1/exits/",
        {"participant": participant.pk, "exited_on": before.isoformat(), "outcome": "studies"},
    )
    assert response.status_code == 400 and "exited_on" in response.json()
    form = placement_forms.ExitForm(
        {"exited_on": before.isoformat(), "outcome": "studies"},
        subject=exit_context(participant),
    )
    assert not form.is_valid() and "2026-11-20" in form.errors["exited_on"][0]
    assert Participant.objects.get(pk=participant.pk).phase != "exited"


def test_an_exit_before_an_open_placements_start_is_refused(guide, participant, placement):
    with pytest.raises(ValidationError) as exc:
        participant_exit(
            participant=participant, by=guide, exited_on=dt.date(2026, 10, 1), outcome="other"
        )
    assert "exited_on" in exc.value.message_dict
    placement.refresh_from_db()
    assert placement.status == "ongoing"


def test_a_start_or_hiring_in_the_future_is_refused(api, guide, participant, task_profile):
    job = _employment(guide, participant, task_profile, started=dt.date(2026, 11, 2))
    response = api(guide).post(f"/api/v1/placements/{job.pk}/hire/", {"hired_on": "2026-12-01"})
    assert response.status_code == 400 and "hired_on" in response.json()
    response = api(guide).post(f"/api/v1/placements/{job.pk}/hire/", {"hired_on": "2026-10-01"})
    assert response.status_code == 400 and "hired_on" in response.json()


@pytest.mark.parametrize("action", sorted(rules.DATE_RULES))
def test_every_date_rule_has_a_message_naming_the_limit(action):
    for rule in rules.DATE_RULES[action]:
        assert "%(date)s" in str(rule.message)
        assert rule.side in (rules.NOT_BEFORE, rules.AFTER, rules.NOT_AFTER)


def test_the_suggested_date_is_always_one_the_rules_accept(placement):
    """The hire form's date, for a placement started after today's date would allow: today moved
    into the allowed range, never a date the form then refuses."""
    placement.started_on = dt.date(2026, 11, 20)
    for action, field in (("hire", "hired_on"), ("end", "ended_on"), ("evaluate", "evaluated_on")):
        day = rules.default_date(action, field, placement)
        assert rules.date_errors(action, placement, {field: day}) == {}, action
    placement.planned_end = dt.date(2027, 1, 29)
    day = rules.default_date("extend", "new_end", placement)
    assert day == dt.date(2027, 1, 30) and not rules.date_errors(
        "extend", placement, {"new_end": day}
    )


# --- rematch: the employer that just ended it is marked ------------------------------------------


def test_after_an_early_end_the_employer_that_ended_it_is_marked_in_the_matches(
    api, guide, participant, task_profile
):
    job = _employment(
        guide, participant, task_profile, started=dt.date(2026, 9, 1), hired=dt.date(2026, 10, 1)
    )
    placement_end(placement=job, by=guide, ended_on=dt.date(2026, 11, 12), reason="Neddragning")
    features.forget()
    person = Participant.objects.get(pk=participant.pk)
    matches = rank_profiles_for(person, limit=20, include_excluded=True)
    mine = [m for m in matches if m["task_profile"] == task_profile.pk]
    assert mine, "the profile is still matched"
    (flag,) = mine[0]["flags"]
    assert flag["code"] == "ended_here" and flag["on"] == "2026-11-12"
    assert "2026-11-12" in flag["text"]

    response = api(guide).get(f"/api/v1/participants/{person.pk}/matches/?include_excluded=true")
    assert response.status_code == 200, response.json()
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    flagged = [m for m in rows if m["task_profile"] == task_profile.pk]
    assert flagged and flagged[0]["flags"][0]["code"] == "ended_here"

    web = Client()
    web.force_login(guide)
    html = web.get(f"/deltagare/{person.pk}/?excluded=1").content.decode()
    assert 'data-flag="ended_here"' in html
    assert "en placering hos den här arbetsgivaren" in html
