"""End to end in headless Chromium (Debian's chromium, driven by Playwright) against a live server."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from employers.models import Interaction, TaskProfile
from matching.models import Consent
from placements.models import FollowUp, Placement

AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core, vendored from npm (offline)
CHROMIUM = os.environ.get("BRYGGA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="Debian's chromium is not installed (scripts/test installs it)",
    ),
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls in the test are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def login(browser, live_server, username):
    page = browser.new_page()
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("pw-brygga-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    return page


@pytest.fixture
def world(placement, employer, other_employer, guide):
    from tests.factories.employers import SiteFactory, TaskProfileFactory

    Consent.objects.create(
        participant=placement.participant,
        employer=employer,
        purpose="Praktik",
        scopes=["identity", "placement"],
        given_on=dt.date(2026, 1, 1),
        method="digital",
        recorded_by=guide,
    )
    followup = FollowUp.objects.create(
        placement=placement, planned_on=dt.date.today() + dt.timedelta(days=2)
    )
    secret = TaskProfileFactory(
        employer=other_employer,
        site=SiteFactory(employer=other_employer),
        title="Hemlig bageriprofil",
    )
    return {"followup": followup, "secret": secret}


def axe_problems(page) -> list[str]:
    """Serious and critical axe-core violations on the current page, as readable lines."""
    # Evaluated through the DevTools protocol, not as a <script> tag: the pages' Content-Security-
    # Policy (no inline script) stays on in the browser tests and would refuse the tag.
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_employer_sees_own_collaborations_confirms_and_asks_for_a_profile(
    browser, live_server, employer_user, world, employer
):
    page = login(browser, live_server, "erik")
    assert employer.name in page.inner_text("h1")
    body = page.inner_text("main")
    assert "Plock och pack" in body and "Amina Yusuf" in body
    assert "Hemlig bageriprofil" not in body and "Nybro Bageri" not in body
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_load_state()
    assert "bekräftad" in page.inner_text("main")
    world["followup"].refresh_from_db()
    assert world["followup"].confirmed_by == employer_user

    page.get_by_role("link", name="Önska en profil eller en ändring").click()
    page.get_by_label("Titel").fill("Kassa lördagar")
    page.get_by_label("Typ").select_option(label="Praktik/arbetsträning")
    page.get_by_label("Timmar per vecka, min").fill("8")
    page.get_by_label("Timmar per vecka, max").fill("12")
    page.get_by_role("button", name="Skicka önskemål").click()
    page.wait_for_load_state()
    assert TaskProfile.objects.get(title="Kassa lördagar").status == "draft"


def test_employer_typing_another_employers_url_gets_nothing(
    browser, live_server, employer_user, world, other_employer
):
    page = login(browser, live_server, "erik")
    for path in (
        f"/arbetsgivare/{other_employer.pk}/",
        f"/kravprofiler/{world['secret'].pk}/andra/",
        f"/api/v1/task-profiles/{world['secret'].pk}/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status in (403, 404)
        assert "Hemlig" not in page.content()


def test_coordinator_logs_a_call_and_edits_a_profile(
    browser, live_server, coordinator, employer, task_profile
):
    page = login(browser, live_server, "alice")
    page.get_by_label("Sök").fill("Kalmar Lager")
    page.get_by_role("button", name="Filtrera").click()
    page.get_by_role("link", name="Kalmar Lager AB").click()
    page.get_by_label("Anteckningar").fill("Ringde Lena om höstens platser")
    page.get_by_label("Nästa steg:", exact=True).fill("Boka studiebesök")
    page.get_by_label("Nästa steg senast:", exact=True).fill("2026-12-15")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Boka studiebesök" in page.inner_text("main")
    assert Interaction.objects.get(employer=employer).next_step == "Boka studiebesök"

    page.get_by_role("link", name="Redigera Plock och pack").click()
    page.get_by_label("Platser:", exact=True).fill("4")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    task_profile.refresh_from_db()
    assert task_profile.slots_total == 4


def test_guide_reads_matches_and_proposes(browser, live_server, guide, participant, task_profile):
    from core.models import Adaptation
    from matching import features

    task_profile.site.offered_adaptations.add(Adaptation.objects.get(code="quiet-space"))
    features.forget()
    page = login(browser, live_server, "gustav")
    page.get_by_role("link", name=participant.code).click()
    match = page.locator("article.match").first
    assert "Plock och pack" in match.inner_text()
    assert match.locator("meter").count() == 6
    assert "Uppfyllda behov" in match.inner_text()
    match.locator("summary", has_text="Föreslå en placering").click()
    match.get_by_role("button", name="Föreslå").click()
    page.wait_for_load_state()
    placement = Placement.objects.get(participant=participant)
    assert placement.status == "proposed" and placement.match_decision is not None
