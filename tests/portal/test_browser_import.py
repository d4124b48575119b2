"""Issue 23 in the pages (headless Chromium): a dry run lists the refused rows, and "import the
valid rows" imports the others with their task profiles, as an explicit choice."""

from pathlib import Path

import pytest

from employers.models import Employer, TaskProfile
from tests.portal.test_browser import (  # noqa: F401 - fixture
    CHROMIUM,
    axe_problems,
    browser,
    login,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def test_dry_run_then_import_the_valid_rows(browser, live_server, tmp_path, coordinator):  # noqa: F811
    upload = tmp_path / "kravprofiler.csv"
    upload.write_text(
        "Arbetsgivare;Kommun;Rubrik;Yrke;Omfattning;Krav\n"
        'Smedby Bygg;Kalmar;Lagerpraktik;4322;50;"Truckvana; Packning"\n'
        "Trasig Firma;Atlantis;Städpraktik;Städare;100;\n"
        "Nybro Glas;Nybro;Köksbiträde;Köksbiträde;75;\n",
        encoding="utf-8",
    )
    page = login(browser, live_server, "alice")
    page.goto(f"{live_server.url}/arbetsgivare/import/")
    page.get_by_label("CSV- eller XLSX-fil").set_input_files(str(upload))
    page.get_by_role("button", name="Ladda upp").click()
    page.wait_for_load_state()

    # The dry run: the refused row with its reason in the file's own words, nothing written.
    page.get_by_text("1 rad avvisades").wait_for()
    refused = page.locator("ul.refused").inner_text()
    assert "Trasig Firma" in refused and "Kommun: Okänd kommun" in refused
    assert page.get_by_role("button", name="Importera nu").count() == 0
    assert not Employer.objects.exists()
    problems = axe_problems(page)

    page.get_by_role("button", name="Importera de giltiga raderna (2)").click()
    page.wait_for_load_state()
    page.get_by_text("Kravprofiler: 2.").wait_for()
    assert sorted(Employer.objects.values_list("name", flat=True)) == ["Nybro Glas", "Smedby Bygg"]
    profile = TaskProfile.objects.get(title="Lagerpraktik")
    assert profile.hours_max == 20 and profile.skills.filter(required=True).count() == 2
    assert "Trasig Firma" in page.locator("ul.refused").inner_text()  # still said, once more
    assert problems == []
