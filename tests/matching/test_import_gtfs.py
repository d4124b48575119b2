"""manage.py import_gtfs (issue 24): a dry run reports, a real run stores the feed for a unit."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from matching.transit.feeds import service_date_for, transit_feed_for_unit, transit_feed_path
from matching.transit.gtfs import read_gtfs
from tests.factories.core import UnitFactory
from tests.matching.gtfs_builder import gtfs_zip, small_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def feed_zip(tmp_path):
    path = tmp_path / "kalmar.zip"
    path.write_bytes(gtfs_zip(small_county()))
    return path


def run(*args):
    out = io.StringIO()
    call_command("import_gtfs", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_report_and_stores_nothing(var_dir, feed_zip):
    out = run(str(feed_zip), "--dry-run")
    assert "stops: 7" in out
    assert "trips: 10" in out
    assert "prebooked_routes: 1" in out
    assert "service: 2026-01-01 – 2026-12-31" in out
    assert "problems: 4" in out
    assert "unknown stop_id (e.g. ['ZZ'])" in out
    assert "dry run: nothing stored" in out
    assert not (var_dir / "transit").exists()


def test_it_stores_the_feed_for_a_unit_with_its_report(var_dir, feed_zip):
    unit, other = UnitFactory(), UnitFactory()
    out = run(str(feed_zip), "--unit", str(unit.pk))
    stored = transit_feed_path(unit_id=unit.pk)
    assert f"stored: {stored}" in out
    assert stored.read_bytes() == feed_zip.read_bytes()
    report = json.loads(stored.with_suffix(".json").read_text())
    assert (report["stops"], report["unit_id"], report["source"]) == (7, unit.pk, "kalmar.zip")
    assert transit_feed_for_unit(unit_id=unit.pk) == stored
    assert transit_feed_for_unit(unit_id=other.pk) is None  # nothing shared yet
    run(str(feed_zip))
    assert transit_feed_for_unit(unit_id=other.pk) == transit_feed_path(unit_id=None)


def test_a_file_that_is_not_gtfs_is_refused_and_nothing_is_stored(var_dir, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK not really")
    with pytest.raises(CommandError, match="Refused bad.zip: Not a zip"):
        run(str(bad))
    no_service = tmp_path / "empty.zip"
    tables = small_county()
    tables["calendar.txt"] = []
    tables["calendar_dates.txt"] = []
    no_service.write_bytes(gtfs_zip(tables))
    with pytest.raises(CommandError, match="No date in the feed has any service"):
        run(str(no_service))
    assert not transit_feed_path(unit_id=None).exists()


def test_an_unknown_unit_or_file_is_an_error(var_dir, feed_zip, tmp_path):
    with pytest.raises(CommandError, match="No unit with id 999999"):
        run(str(feed_zip), "--unit", "999999")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.zip"))


def test_a_date_outside_the_feed_uses_the_same_weekday_inside_it():
    feed = read_gtfs(gtfs_zip(small_county()))
    assert service_date_for(dt.date(2026, 3, 2), feed) == dt.date(2026, 3, 2)
    later = service_date_for(dt.date(2027, 5, 5), feed)  # a Wednesday after the span
    assert (later.weekday(), later) == (2, dt.date(2026, 1, 7))
