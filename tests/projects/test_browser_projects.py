"""Browser journey of projects (issue 23): the manager creates a project, the guide enrols a
participant in it from the participant's page and records a start in studies, and the manager
filters the statistics by the project and opens the persons behind the started share."""

import datetime as dt

from tests.portal.test_browser import (  # noqa: F401
    CHROMIUM,
    axe_problems,
    browser,
    login,
    pytestmark,  # noqa: F401
)


def test_manager_creates_guide_enrols_and_records_manager_filters(  # noqa: F811
    browser,  # noqa: F811
    live_server,
    manager,
    guide,
    participant,
):
    today = dt.date.today()
    starts = today - dt.timedelta(days=60)
    participant.__class__.objects.filter(pk=participant.pk).update(
        enrolled_on=today - dt.timedelta(days=30)
    )

    page = login(browser, live_server, "maja")
    page.goto(f"{live_server.url}/projekt/")
    page.get_by_label("Namn").fill("Vägen In")
    page.get_by_label("Finansiär").fill("ESF+")
    page.get_by_label("Projektstart").fill(starts.isoformat())
    page.get_by_label("Projektslut").fill((today + dt.timedelta(days=300)).isoformat())
    page.get_by_label("Unga 18–24 år").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa projektet").click()
    assert "Projektet skapades." in page.inner_text("main")
    assert page.get_by_role("cell", name="Vägen In").is_visible()
    assert axe_problems(page) == []
    page.close()

    page = login(browser, live_server, "gustav")
    page.goto(f"{live_server.url}/deltagare/{participant.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Projekt och starter").click()
    page.locator("#enrol-form select[name=project]").select_option(label="Vägen In")
    page.get_by_label("Inskriven i projektet").fill((today - dt.timedelta(days=20)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Skriv in i projektet").click()
    assert "Inskriven i Vägen In." in page.inner_text("main")
    page.get_by_label("Började i").select_option(label="Studier")
    page.get_by_label("Datum").fill((today - dt.timedelta(days=5)).isoformat())
    page.get_by_label("Anteckning").fill("Komvux, svenska")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrera starten").click()
    main = page.inner_text("main")
    assert "Starten registrerades." in main and "Studier — Komvux, svenska" in main
    assert "studies" not in main
    assert axe_problems(page) == []
    page.close()

    page = login(browser, live_server, "maja")
    page.goto(f"{live_server.url}/statistik/")
    page.locator(".stats-filters input[name=start]").fill(starts.isoformat())
    page.locator(".stats-filters select[name=project]").select_option(label="Vägen In")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa").click()
    table = page.locator("table", has=page.get_by_text("Andel som började arbeta eller studera"))
    assert page.get_by_text("Började arbeta eller studera under projektet").first.is_visible()
    share_row = table.locator("tr", has=page.get_by_text("Andel som började arbeta eller studera"))
    assert "100 %" in share_row.inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Vilka som började arbeta eller studera").click()
    main = page.inner_text("main")
    assert participant.code in main and "Studier" in main and "1 person" in main
