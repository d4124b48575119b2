"""Browser journey of the administrator's security pages (issue 13): the access-log review with its
period form and the retention page, reached from the menu, in Swedish and without serious axe
violations; a guide gets neither."""

from tests.portal.test_browser import (  # noqa: F401
    CHROMIUM,
    axe_problems,
    browser,
    login,
    pytestmark,  # noqa: F401
)


def test_administrator_reviews_reads_and_retention(browser, live_server, admin_user, guide):  # noqa: F811
    page = login(browser, live_server, "ada")
    page.get_by_role("link", name="Logguppföljning").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Logguppföljning").is_visible()
    page.get_by_label("Från").fill("2026-01-01")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state()
    assert "from=2026-01-01" in page.url
    assert page.get_by_role("link", name="Exportera (CSV)").is_visible()
    assert axe_problems(page) == []

    page.get_by_role("link", name="Gallring").first.click()
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "Gallring" in text and "år" in text
    assert "participant_exited_years" not in text and "contact_log" not in text
    assert axe_problems(page) == []

    other = login(browser, live_server, guide.username)
    response = other.goto(f"{live_server.url}/sakerhet/gallring/")
    assert response.status == 403
    assert not other.get_by_role("link", name="Logguppföljning").count()
