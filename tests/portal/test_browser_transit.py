"""Issue 24 in the pages: an administrator checks the county's timetable (a wrong file first),
stores it, and the guide reads the bus trip of a participant who takes the bus — and why a site
no bus reaches is out of reach."""

import datetime as dt

import pytest

from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory
from tests.matching.gtfs_builder import gtfs_zip
from tests.matching.test_transit_in_matching import NOBUS
from tests.matching.test_transit_matrix import A, D, county_with_evening_returns
from tests.portal.test_browser import (  # noqa: F401  (fixture)
    CHROMIUM,
    axe_problems,
    browser,
    login,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed"
    ),
]


def test_the_guide_reads_the_bus_trip_after_the_admin_stores_the_timetable(
    browser,  # noqa: F811
    live_server,
    settings,
    tmp_path,
    admin_user,
    guide,
    unit,
    employer,
):
    settings.VAR_DIR = tmp_path / "var"
    rider = ParticipantFactory(
        unit=unit,
        guide=guide,
        latitude=A[0],
        longitude=A[1],
        commute_means=["public_transport"],
        commute_max_minutes=70,
    )
    for where, title in ((D, "Lager vid hamnen"), (NOBUS, "Gården utan buss")):
        TaskProfileFactory(
            unit=unit,
            employer=employer,
            site=SiteFactory(employer=employer, latitude=where[0], longitude=where[1]),
            title=title,
            start_time=dt.time(9, 0),
            end_time=dt.time(16, 30),
        )
    feed = tmp_path / "kalmar-lan.zip"
    feed.write_bytes(gtfs_zip(county_with_evening_returns()))
    not_a_feed = tmp_path / "tidtabell.zip"
    not_a_feed.write_bytes(b"not a zip")

    admin = login(browser, live_server, "ada")
    admin.goto(f"{live_server.url}/")
    admin.get_by_role("link", name="Kollektivtrafik").click()
    admin.get_by_label("Tidtabell (GTFS-zip)").set_input_files(str(not_a_feed))
    admin.get_by_role("button", name="Skicka").click()
    assert admin.get_by_text("En GTFS-fil är en zip-fil.").is_visible()

    admin.get_by_label("Tidtabell (GTFS-zip)").set_input_files(str(feed))
    admin.get_by_role("button", name="Skicka").click()  # the dry run is ticked by default
    dry_run = admin.locator("#dry-run")
    assert "Provkörning: inget sparat" in dry_run.inner_text()
    assert dry_run.locator("dd").first.inner_text() == "7"  # stops
    assert "rader med ett okänt stop_id" in dry_run.inner_text()
    assert axe_problems(admin) == []

    admin.get_by_label("Tidtabell (GTFS-zip)").set_input_files(str(feed))
    admin.get_by_label("Provkörning (kontrollera bara, spara inget)").uncheck()
    admin.get_by_role("button", name="Skicka").click()
    assert admin.get_by_text("Tidtabellen är sparad.").is_visible()
    # The run went to the (eager) worker with the change: the unit's row shows it.
    row = admin.get_by_role("row", name=unit.name)
    assert "Inte beräknade ännu" not in row.inner_text()

    page = login(browser, live_server, "gustav")
    page.goto(f"{live_server.url}/deltagare/{rider.pk}/?excluded=1#matches")
    harbour = page.get_by_role("article", name="Lager vid hamnen")
    assert "60 min med buss 1 (1 byte), avgång 08:00, framme senast 09:00; sista hem 17:00" in (
        harbour.inner_text()
    )
    farm = page.get_by_role("article", name="Gården utan buss")
    assert "Utesluten" in farm.inner_text()
    assert "Ingen resa med kollektivtrafik dit i tid och hem efter dagen (tidtabell)" in (
        farm.inner_text()
    )
    assert axe_problems(page) == []
