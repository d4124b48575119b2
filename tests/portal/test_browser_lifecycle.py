"""Issue 19 in headless Chromium, in the pages only: a guide ends an employment early (a date in
the future is refused on the field first), sees the participant back in matching — one state —
with the employer that ended it marked in the matches and nothing planned left on the follow-up
list; then records the exit, after which the participant shows exactly one state (exited) on the
participant page, the list and the placement page."""

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from matching import features
from matching.models import Participant
from placements.models import FollowUp, Placement
from placements.services.phases import placement_hire, placement_to_employment
from placements.services.placements import placement_agree, placement_propose, placement_start
from tests.portal.test_browser import (  # noqa: F401 - fixture, helper
    CHROMIUM,
    axe_problems,
    browser,
    login,
)
from tests.portal.test_browser_placement import do_step

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


def states(page) -> list[str]:
    return page.locator("main [data-state]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.state)"
    )


def planned_on_the_list(page, live_server) -> list[str]:
    page.goto(f"{live_server.url}/uppfoljningar/")
    html = page.content()
    return re.findall(r'href="/uppfoljningar/(\d+)/registrera/"', html)


def test_guide_ends_an_employment_early_then_records_the_exit(
    browser,  # noqa: F811
    live_server,
    guide,
    participant,
    task_profile,
):
    today = timezone.localdate()
    # An employment hired a month ago (within the three-month keep period), never followed up.
    job = placement_propose(
        participant=participant,
        task_profile=task_profile,
        by=guide,
        planned_start=today - dt.timedelta(days=60),
        planned_end=today + dt.timedelta(days=30),
        hours_per_week=20,
    )
    placement_agree(placement=job, by=guide)
    placement_start(placement=job, by=guide, started_on=today - dt.timedelta(days=60))
    placement_to_employment(placement=job, by=guide, hours_per_week=25)
    placement_hire(placement=job, by=guide, hired_on=today - dt.timedelta(days=30))
    assert FollowUp.objects.filter(placement=job, status="planned", planned_on__lt=today).exists()
    features.forget()

    page = login(browser, live_server, "gustav")
    assert planned_on_the_list(page, live_server)  # overdue follow-ups of the running job
    page.goto(f"{live_server.url}/placeringar/{job.pk}/")

    # A wrong date: an end in the future is an error on the field, nothing changes.
    end = page.locator('details[data-step="end"]')
    end.locator("summary").click()
    end.get_by_label("Slutdatum:", exact=True).fill((today + dt.timedelta(days=7)).isoformat())
    # Django adds no ":" after a label that ends in "?".
    end.get_by_label("Varför avslutas den?", exact=True).fill("Neddragning")
    end.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    alert = page.locator('details[data-step="end"] [role="alert"]').inner_text()
    assert "Ett avslut registreras när det sker" in alert
    assert Placement.objects.get(pk=job.pk).status == "ongoing"

    # The early end, with today's date (what the form suggests).
    end = page.locator('details[data-step="end"]')
    end.get_by_label("Slutdatum:", exact=True).fill(today.isoformat())
    end.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    assert not page.locator('[role="alert"]').count(), page.inner_text("main")
    assert Placement.objects.get(pk=job.pk).ended_early is True
    assert planned_on_the_list(page, live_server) == []

    page.goto(f"{live_server.url}/deltagare/{participant.pk}/")
    assert states(page) == ["back_in_matching"]
    assert "Åter i matchning" in page.inner_text("h1")
    # Rematch: the employer that just ended it is marked on its profile's match.
    page.goto(f"{live_server.url}/deltagare/{participant.pk}/?excluded=1")
    match = page.locator("article.match", has_text="Plock och pack").first
    assert "en placering hos den här arbetsgivaren" in match.inner_text()
    assert axe_problems(page) == []

    # The exit, from the placement page.
    page.goto(f"{live_server.url}/placeringar/{job.pk}/")
    do_step(page, "exit", check=["Söker arbete"])
    assert Participant.objects.get(pk=participant.pk).phase == "exited"
    assert states(page) == ["exited"]

    page.goto(f"{live_server.url}/deltagare/{participant.pk}/")
    assert states(page) == ["exited"]
    heading = page.inner_text("h1")
    assert "Åter i matchning" not in heading and "Matchning pausad" not in heading
    assert "Åter i matchning" not in page.inner_text("main")
    page.goto(f"{live_server.url}/deltagare/")
    assert states(page) == ["exited"]
    assert planned_on_the_list(page, live_server) == []
    assert not FollowUp.objects.filter(placement__participant=participant, status="planned")
