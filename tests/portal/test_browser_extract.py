"""Browser journey of the register extract (issues 19 and 20): the administrator opens a
participant's extract from the participant's page (the retention page's notice list links it too), reads it in Swedish
without serious axe violations, prints it without the menu and downloads the XLSX."""

import io

from openpyxl import load_workbook

from tests.portal.test_browser import (  # noqa: F401
    CHROMIUM,
    axe_problems,
    browser,
    login,
    pytestmark,  # noqa: F401
)


def test_administrator_reads_prints_and_downloads_the_extract(  # noqa: F811
    browser,  # noqa: F811
    live_server,
    admin_user,
    placement,
):
    participant = placement.participant
    page = login(browser, live_server, "ada")
    # from the participant's page, where an administrator asked for an extract finds it
    page.goto(f"{live_server.url}/deltagare/{participant.pk}/")
    page.get_by_role("link", name="Registerutdrag").click()
    page.wait_for_url(f"**/sakerhet/deltagare/{participant.pk}/utdrag/")
    assert page.get_by_role("heading", name=f"Registerutdrag – {participant.code}").is_visible()
    main = page.inner_text("main")
    for heading in ("Identitet och kontaktuppgifter", "Placeringar och uppföljningar"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert "Amina" in main and "Plock och pack" in main and "Pågående" in main
    assert "None" not in main and "ongoing" not in main
    assert axe_problems(page) == []

    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.get_by_role("button", name="Skriv ut").is_visible()
    assert page.get_by_role("heading", name="Profil och behov").is_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner (Excel)").click()
    assert download.value.suggested_filename == f"registerutdrag-{participant.code}.xlsx"
    with open(download.value.path(), "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    assert "Identitet och kontaktuppgifter" in book.sheetnames
    assert "Placeringar och uppföljningar" in book.sheetnames
    values = [
        c
        for row in book["Placeringar och uppföljningar"].iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert any("Plock och pack" in str(v) for v in values)
