"""Where a unit's public-transport timetable (a GTFS zip, issue 24) is kept, and storing a new one.

A feed is stored as a file under ``VAR_DIR/transit``: ``unit-<id>.zip`` for one unit, ``shared.zip``
for every unit without its own (a county's feed usually serves all its units). Next to it,
``<name>.json`` holds the import report (counts, service span, problems, when and from where).
The matrices are computed from the file by ``matching.engine.transit``; nothing here routes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from matching.engine.transit import Feed
from matching.transit.gtfs import GtfsError, read_gtfs

MAX_FEED_BYTES = 500 * 1024**2  # Sweden's national GTFS is ~250 MB zipped; a county's far less


class TransitFeedRefused(ValueError):
    """The feed cannot be used: not GTFS, too big, or no day with service."""


def transit_dir() -> Path:
    return Path(getattr(settings, "TRANSIT_DIR", "") or Path(settings.VAR_DIR) / "transit")


def transit_feed_path(*, unit_id: int | None) -> Path:
    """Where the feed of ``unit_id`` (or the shared one, for None) is stored."""
    return transit_dir() / (f"unit-{int(unit_id)}.zip" if unit_id is not None else "shared.zip")


def transit_feed_for_unit(*, unit_id: int) -> Path | None:
    """The feed a unit routes with: its own, else the shared one, else None."""
    for path in (transit_feed_path(unit_id=unit_id), transit_feed_path(unit_id=None)):
        if path.is_file():
            return path
    return None


def transit_feed_check(*, source: Path) -> Feed:
    """Read a candidate feed (bounded in size) and return it; raise ``TransitFeedRefused`` when
    it cannot serve: unreadable, or no date on which anything runs."""
    size = source.stat().st_size
    if size > MAX_FEED_BYTES:
        raise TransitFeedRefused(f"The file is {size} bytes, more than {MAX_FEED_BYTES}.")
    try:
        feed = read_gtfs(source)
    except GtfsError as error:
        raise TransitFeedRefused(str(error)) from error
    if feed.service_span() is None:
        raise TransitFeedRefused("No date in the feed has any service (calendar is empty).")
    return feed


def feed_report(feed: Feed) -> dict:
    """The dry-run report, with each problem's message and facts for the page's language."""
    return feed.report() | {
        "problem_messages": [
            [getattr(p, "msgid", str(p)), getattr(p, "params", {})] for p in feed.problems
        ]
    }


def problem_texts(report: dict) -> list[str]:
    """The report's problems in the active language."""
    messages = report.get("problem_messages")
    if messages is None:
        return list(report.get("problems", []))
    return [gettext(msgid) % params if params else gettext(msgid) for msgid, params in messages]


def transit_feed_store(*, source: Path, unit_id: int | None) -> tuple[Path, dict]:
    """Check ``source`` and store it as the unit's (or the shared) feed, replacing the old one in
    one step so a reader never sees half a file. Returns the stored path and the report."""
    feed = transit_feed_check(source=source)
    report = feed_report(feed) | {
        "source": source.name,
        "imported_at": timezone.now().isoformat(timespec="seconds"),
        "unit_id": unit_id,
    }
    target = transit_feed_path(unit_id=unit_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp,
        source.open("rb") as src,
    ):
        shutil.copyfileobj(src, tmp)
    os.replace(tmp.name, target)
    target.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return target, report


def transit_feed_report(*, path: Path) -> dict | None:
    """The report stored with a feed, or None."""
    report = path.with_suffix(".json")
    return json.loads(report.read_text()) if report.is_file() else None


def service_date_for(day: dt.date, feed: Feed) -> dt.date:
    """``day`` when the feed covers it, else the same weekday inside the feed's span (feeds are
    published for a few months at a time; a typical week is what a commute estimate needs)."""
    span = feed.service_span()
    if span is None or span[0] <= day <= span[1]:
        return day
    candidate = span[0] + dt.timedelta(days=(day.weekday() - span[0].weekday()) % 7)
    return candidate if candidate <= span[1] else span[0]
