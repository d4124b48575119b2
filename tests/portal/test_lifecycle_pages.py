"""Issue 19 in the pages: the dates a step's form suggests are dates it accepts, a wrong date is an
error on its field, an end leaves nothing planned on the guide's list, and the participant shows
one state on the participant page and in the list."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from matching.models import Participant
from placements.models import Placement
from placements.services.followups import followup_create
from placements.services.phases import placement_hire, placement_to_employment
from placements.services.placements import placement_agree, placement_propose, placement_start

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def web(guide):
    client = Client()
    client.force_login(guide)
    return client


def suggested(html: str, name: str) -> str:
    """The value a step's date field is filled with."""
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', field).group(1)


def step(web, placement, name, data):
    return web.post(
        f"/placeringar/{placement.pk}/steg/{name}/",
        {f"{name}-{k}": v for k, v in data.items()},
    )


def test_the_suggested_start_and_hiring_dates_are_accepted(web, guide, participant, task_profile):
    """A proposal a week ahead (the page's own suggestion), then each step with the date its form
    suggests: the hiring used to default to today, before the start the form had suggested."""
    placement = placement_propose(
        participant=participant,
        task_profile=task_profile,
        by=guide,
        planned_start=TODAY + dt.timedelta(days=7),
        planned_end=TODAY + dt.timedelta(weeks=12),
        hours_per_week=20,
    )
    placement_agree(placement=placement, by=guide)
    html = web.get(f"/placeringar/{placement.pk}/").content.decode()
    started = suggested(html, "start-started_on")
    assert step(web, placement, "start", {"started_on": started}).status_code == 302
    to_job = {"hours_per_week": 25, "subsidy_type": "none", "reason": ""}
    assert step(web, placement, "to_employment", to_job).status_code == 302
    html = web.get(f"/placeringar/{placement.pk}/").content.decode()
    hired = suggested(html, "hire-hired_on")
    response = step(web, placement, "hire", {"hired_on": hired})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Placement.objects.get(pk=placement.pk).phase == "behalla"


def test_a_wrong_date_is_an_error_on_its_field(web, placement):
    future = (TODAY + dt.timedelta(days=5)).isoformat()
    response = step(web, placement, "end", {"ended_on": future, "reason": "Slutar"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ett avslut registreras när det sker" in html
    placement.refresh_from_db()
    assert placement.status == "ongoing"

    early = web.post(
        f"/placeringar/{placement.pk}/uppfoljning/",
        {"followup-planned_on": "2026-10-01", "followup-with_whom": "both"},
    )
    assert early.status_code == 400
    assert "En uppföljning kan inte vara innan placeringen börjar" in early.content.decode()


def test_after_an_end_nothing_stays_on_the_guides_list(web, guide, participant, placement):
    # The fixture's practice started 2026-11-02; one follow-up is overdue, one is coming.
    followup_create(placement=placement, by=guide, planned_on=dt.date(2026, 11, 9))
    followup_create(placement=placement, by=guide, planned_on=dt.date(2026, 11, 30))
    planned = set(placement.followups.values_list("pk", flat=True))

    def on_the_list() -> set[int]:
        html = web.get("/uppfoljningar/").content.decode()
        return {int(pk) for pk in re.findall(r'href="/uppfoljningar/(\d+)/registrera/"', html)}

    assert on_the_list() == planned  # the overdue one and the coming one
    response = step(web, placement, "end", {"ended_on": "2026-11-20", "reason": "Klar tidigt"})
    assert response.status_code == 302
    assert on_the_list() == set()
    page = web.get(f"/placeringar/{placement.pk}/").content.decode()
    assert "/registrera/" not in page  # no planned follow-up left to record


def test_the_participant_shows_one_state_on_the_page_and_in_the_list(
    web, guide, participant, task_profile
):
    job = placement_propose(
        participant=participant,
        task_profile=task_profile,
        by=guide,
        planned_start=dt.date(2026, 9, 1),
        planned_end=dt.date(2026, 12, 1),
        hours_per_week=20,
    )
    placement_agree(placement=job, by=guide)
    placement_start(placement=job, by=guide, started_on=dt.date(2026, 9, 1))
    placement_to_employment(placement=job, by=guide, hours_per_week=25)
    placement_hire(placement=job, by=guide, hired_on=dt.date(2026, 10, 1))
    step(web, job, "end", {"ended_on": "2026-11-12", "reason": "Neddragning"})

    detail = web.get(f"/deltagare/{participant.pk}/").content.decode()
    assert re.findall(r'data-state="(\w+)"', detail) == ["back_in_matching"]
    assert "Åter i matchning sedan 2026-11-12" in detail
    listing = web.get("/deltagare/").content.decode()
    assert re.findall(r'data-state="(\w+)"', listing) == ["back_in_matching"]

    response = step(web, job, "exit", {"exited_on": "2026-11-24", "outcome": "job_seeking"})
    assert response.status_code == 302
    assert Participant.objects.get(pk=participant.pk).phase == "exited"
    detail = web.get(f"/deltagare/{participant.pk}/").content.decode()
    assert re.findall(r'data-state="(\w+)"', detail) == ["exited"]
    assert "Åter i matchning" not in detail and "Matchning pausad" not in detail
    listing = web.get("/deltagare/").content.decode()
    assert "Åter i matchning" not in listing
    placement_page = web.get(f"/placeringar/{job.pk}/").content.decode()
    assert re.findall(r'data-state="(\w+)"', placement_page) == ["exited"]
    assert "Åter i matchning" not in placement_page
