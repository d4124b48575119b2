"""A guide walks one placement through the whole method in the pages only, in headless Chromium:
propose from the matches (a second proposal for the same pair is refused on screen) → agree →
start → evaluation → extension → employment (få) → hire (behålla) → two follow-ups, one confirmed
by the employer's user in the portal (a second browser context) → exit to work."""

import os

import pytest
from django.utils import timezone

from core.models import Adaptation
from matching.models import Participant
from placements.models import Exit, FollowUp, Placement
from tests.portal.test_browser import (  # noqa: F401 - fixture, helper
    CHROMIUM,
    axe_problems,
    browser,
    login,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


def do_step(page, name, *, fill=None, check=()):
    """Open one step on the placement page, fill its fields and submit it."""
    step = page.locator(f'details[data-step="{name}"]')
    step.locator("summary").click()
    for label, value in (fill or {}).items():
        step.get_by_label(f"{label}:", exact=True).fill(value)  # Django's label suffix
    for label in check:
        step.get_by_label(label, exact=True).check()
    step.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    assert not page.locator('[role="alert"]').count(), page.inner_text("main")


def test_guide_walks_a_placement_from_match_to_exit_in_the_pages(
    browser,  # noqa: F811
    live_server,
    guide,
    participant,
    task_profile,
    employer_user,
):
    from matching import features

    task_profile.site.offered_adaptations.add(Adaptation.objects.get(code="quiet-space"))
    features.forget()

    page = login(browser, live_server, "gustav")
    page.get_by_role("link", name=participant.code).click()
    page.wait_for_load_state()
    walk_placement_to_exit(
        browser,
        live_server,
        page,
        participant=participant,
        profile_title="Plock och pack",
        employer_user=employer_user,
    )


def walk_placement_to_exit(
    browser,  # noqa: F811 - the Chromium instance, passed on (not the fixture)
    live_server,
    page,
    *,
    participant,
    profile_title,
    employer_user,
):
    """From the participant's page with its matches, in the pages only: propose (twice: the second
    is refused) → agree → start → evaluation → extension → employment → hire → two follow-ups (one
    confirmed by the employer user in the portal) → exit to work. Shared by the placement walk and
    the guide's whole-participant walk."""
    today = timezone.localdate()
    later = today + timezone.timedelta(days=120)
    for attempt in range(2):  # “Föreslå” clicked twice for the same profile
        match = page.locator("article.match", has_text=profile_title).first
        match.locator("summary", has_text="Föreslå en placering").click()
        match.get_by_label("Planerad start").fill(today.isoformat())
        match.get_by_role("button", name="Föreslå").click()
        page.wait_for_load_state()
        if attempt == 0:
            assert "Föreslagen till" in page.inner_text("main")
    assert "redan ett öppet förslag" in page.inner_text("main")
    assert Placement.objects.filter(participant=participant).count() == 1

    page.get_by_role("link", name=profile_title).first.click()
    page.wait_for_load_state()
    assert "Föreslagen" in page.inner_text("h1")
    do_step(page, "agree")
    do_step(page, "start")
    assert "Pågående" in page.inner_text("h1")
    do_step(
        page,
        "evaluate",
        fill={"Utveckling mot målen": "Plockar självständigt"},
        check=["4 – fungerar bra"],
    )
    do_step(
        page,
        "extend",
        fill={"Nytt slutdatum": later.isoformat(), "Skäl till förlängningen": "Mer tid i lagret"},
    )
    do_step(page, "to_employment")
    assert "Få" in page.inner_text("h1") or "få" in page.inner_text("h1")
    do_step(page, "hire")
    assert "behålla" in page.inner_text("h1").lower()
    placement = Placement.objects.get(participant=participant)
    assert (placement.status, placement.phase, placement.kind) == (
        "ongoing",
        "behalla",
        "employment",
    )

    # Follow-up 1: recorded; an untouched form is refused first.
    page.locator("table[aria-label='Planerade uppföljningar'] tbody tr").first.get_by_role(
        "link", name="Registrera"
    ).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "minst ett betyg" in page.locator('[role="alert"]').first.inner_text()
    page.get_by_role("group", name="Arbetsuppgifter").get_by_label("4 – fungerar bra").check()
    page.get_by_role("group", name="Närvaro").get_by_label("5 – fungerar mycket bra").check()
    page.get_by_label("Anteckningar:", exact=True).fill("Trivs med kollegorna")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Trivs med kollegorna" in page.inner_text("main")

    # Follow-up 2: the guide asks the supervisor to confirm; the employer confirms in the portal.
    page.locator("table[aria-label='Planerade uppföljningar'] tbody tr").first.get_by_role(
        "button", name="Be handledaren bekräfta"
    ).click()
    page.wait_for_load_state()
    asked = FollowUp.objects.get(placement=placement, confirmation_requested_at__isnull=False)

    employer_page = login(browser, live_server, employer_user.username)
    row = employer_page.locator("tr", has_text="Din bekräftelse efterfrågas")
    row.get_by_role("button", name="Bekräfta").click()
    employer_page.wait_for_load_state()
    assert "bekräftad" in employer_page.inner_text("main")
    employer_page.context.close()
    asked.refresh_from_db()
    assert asked.confirmed_by == employer_user

    page.reload()
    assert "bekräftad av arbetsgivaren" in page.inner_text("main")
    page.locator("table[aria-label='Planerade uppföljningar'] tbody tr").first.get_by_role(
        "link", name="Registrera"
    ).click()
    page.wait_for_load_state()
    page.get_by_role("group", name="Socialt").get_by_label("3 – fungerar med stöd").check()
    page.get_by_label("Anteckningar:", exact=True).fill("Handledaren nöjd")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    done = page.locator("table[aria-label='Genomförda uppföljningar']").inner_text()
    assert "Trivs med kollegorna" in done and "Handledaren nöjd" in done and "Bekräftad" in done

    do_step(page, "exit", check=["Arbete med stöd"])
    body = page.inner_text("main")
    assert "Arbete med stöd" in body and "work_subsidised" not in body
    history = page.locator("section[aria-labelledby='h-history']").inner_text()
    for text in (
        "Överenskommen (plats tagen)",
        "Startad",
        "Praktikutvärdering (4 av 5)",
        "Mer tid i lagret",
        "Anställning: fas få",
        "Anställd: fas behålla",
        "bekräftad av arbetsgivaren",
        "Avslut från insatsen: Arbete med stöd",
    ):
        assert text in history, text
    assert Exit.objects.get(participant=participant).outcome == "work_subsidised"
    assert Participant.objects.get(pk=participant.pk).phase == "exited"
    assert axe_problems(page) == []  # the placement page with its history

    page.get_by_role("link", name=participant.code).first.click()
    page.wait_for_load_state()
    assert "Handledaren nöjd" in page.inner_text("main")  # done follow-ups on the participant page
