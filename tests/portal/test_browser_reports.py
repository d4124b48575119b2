"""The manager's statistics and the overview in a real browser: every scrollable table can be
reached with the keyboard (axe: scrollable-region-focusable), 0 serious or critical violations."""

import pytest

from tests.factories.statistics import build_statistics_dataset
from tests.portal.test_browser import axe_problems, browser, login  # noqa: F401
from tests.portal.test_browser import pytestmark as browser_marks

pytestmark = browser_marks


@pytest.mark.parametrize("path", ["/statistik/", "/oversikt/"])
def test_the_report_pages_have_no_serious_accessibility_problems(
    browser,  # noqa: F811
    live_server,
    manager,
    guide,
    colleague_guide,
    coordinator,
    path,
):
    build_statistics_dataset(
        unit=manager.unit, guide=guide, colleague_guide=colleague_guide, by=coordinator
    )
    page = login(browser, live_server, manager.username)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state()
    assert page.locator("table").count() >= 1
    regions = page.locator(".table-wrap")
    assert regions.count() >= 1
    assert regions.first.get_attribute("tabindex") == "0"
    assert axe_problems(page) == []
