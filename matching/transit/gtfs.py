"""Reading a GTFS feed (issue 24): a zip of CSV files into the engine's ``Feed`` arrays, with pyarrow.

``read_gtfs`` reads what the router needs and lists the problems it finds (the dry-run report). The
compiled timetable and the router live in the engine (``matching.engine.transit``,
``matching.engine.transit_routing``), which know nothing of files.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from matching.engine.transit import Feed


class Problem(str):
    """A problem found in a feed: reads as English text (logs, the command), and keeps its
    message and facts so a page shows it in the reader's language (``problem_text``)."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, params: dict):
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid, text.params = msgid, params
        return text


def _problem(msgid: str, **params) -> Problem:
    return Problem(msgid, params)


BOM = b"\xef\xbb\xbf"

# The columns we read from each file; any other column is ignored, a missing optional one is empty.
COLUMNS = {
    "stops.txt": ("stop_id", "stop_name", "stop_lat", "stop_lon"),
    "routes.txt": ("route_id", "route_short_name", "route_long_name", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
    "calendar.txt": (
        "service_id",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "start_date",
        "end_date",
    ),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
    "transfers.txt": ("from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"),
}
REQUIRED = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
WEEKDAYS = COLUMNS["calendar.txt"][1:8]


class GtfsError(ValueError):
    """The file is not a GTFS feed we can read (not a zip, a required file or column missing)."""


def _read_table(archive: zipfile.ZipFile, name: str) -> pa.Table | None:
    try:
        data = archive.read(name)
    except KeyError:
        if name in REQUIRED:
            raise GtfsError(f"{name} is missing from the feed.") from None
        return None
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data.strip():  # an empty optional file is the same as none
        if name in REQUIRED:
            raise GtfsError(f"{name} is empty.")
        return None
    wanted = COLUMNS[name]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            convert_options=pacsv.ConvertOptions(
                column_types={column: pa.string() for column in wanted},
                include_columns=list(wanted),
                include_missing_columns=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError) as error:
        raise GtfsError(f"{name} cannot be read: {error}") from None
    return table


def _strings(table: pa.Table, column: str) -> list[str]:
    return [value.strip() if value else "" for value in table.column(column).to_pylist()]


def _column_present(table: pa.Table, column: str) -> bool:
    return table.column(column).null_count < len(table)


def parse_times(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """'H:MM:SS' / 'HH:MM:SS' (hours may pass 24) → seconds; −1 where empty or malformed."""
    values = pc.utf8_trim_whitespace(pc.fill_null(values, ""))
    valid = pc.match_substring_regex(values, r"^\d{1,3}:[0-5]\d:[0-5]\d$").to_numpy(
        zero_copy_only=False
    )
    out = np.full(len(values), -1, dtype=np.int64)
    if valid.any():
        parts = pc.list_flatten(pc.split_pattern(pc.filter(values, pa.array(valid)), ":"))
        hms = pc.cast(parts, pa.int64()).to_numpy().reshape(-1, 3)
        out[valid] = hms[:, 0] * 3600 + hms[:, 1] * 60 + hms[:, 2]
    return out


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text.strip(), "%Y%m%d").date()


def _index(values: pa.ChunkedArray, keys: list[str]) -> np.ndarray:
    """Position of each value in ``keys`` (−1 when unknown)."""
    found = pc.index_in(pc.utf8_trim_whitespace(pc.fill_null(values, "")), pa.array(keys))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


MAX_UNPACKED_BYTES = 2 * 1024**3  # a county feed unpacks to a few hundred MB; more is a zip bomb


def read_gtfs(
    source: str | Path | bytes | IO[bytes], *, max_unpacked_bytes: int = MAX_UNPACKED_BYTES
) -> Feed:
    """Read a GTFS zip (a path, its bytes or an open binary file)."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise GtfsError(f"Not a zip file: {error}") from None
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist() if info.filename in COLUMNS)
        if unpacked > max_unpacked_bytes:
            raise GtfsError(
                f"The feed unpacks to {unpacked} bytes, more than {max_unpacked_bytes}."
            )
        tables = {name: _read_table(archive, name) for name in COLUMNS}
    problems: list[str] = []

    stops = tables["stops.txt"]
    stop_ids = _strings(stops, "stop_id")
    if len(set(stop_ids)) != len(stop_ids):
        problems.append(_problem("stops.txt: duplicate stop_id"))
    lat = pc.cast(pc.fill_null(stops.column("stop_lat"), ""), pa.string()).to_pylist()
    lon = pc.cast(pc.fill_null(stops.column("stop_lon"), ""), pa.string()).to_pylist()
    stop_lat = np.array([_float(v) for v in lat], dtype=np.float64)
    stop_lon = np.array([_float(v) for v in lon], dtype=np.float64)
    no_position = int((np.isnan(stop_lat) | np.isnan(stop_lon)).sum())
    if no_position:
        problems.append(
            _problem("stops.txt: %(n)s stops without a position (never walked to)", n=no_position)
        )

    routes = tables["routes.txt"]
    route_ids = _strings(routes, "route_id")
    short, long_ = _strings(routes, "route_short_name"), _strings(routes, "route_long_name")
    route_names = [s or lg or rid for s, lg, rid in zip(short, long_, route_ids, strict=True)]
    route_types = np.array([_int(v, -1) for v in _strings(routes, "route_type")], dtype=np.int64)
    if (route_types < 0).any():
        problems.append(
            _problem(
                "routes.txt: %(n)s routes without a route_type", n=int((route_types < 0).sum())
            )
        )

    trips = tables["trips.txt"]
    trip_ids = _strings(trips, "trip_id")
    trip_route = _index(trips.column("route_id"), route_ids)
    if (trip_route < 0).any():
        problems.append(
            _problem(
                "trips.txt: %(n)s trips with an unknown route_id", n=int((trip_route < 0).sum())
            )
        )
    trip_service = _strings(trips, "service_id")

    calendar: dict[str, tuple[tuple[bool, ...], dt.date, dt.date]] = {}
    if tables["calendar.txt"] is not None:
        cal = tables["calendar.txt"]
        days = [_strings(cal, day) for day in WEEKDAYS]
        for row, (service, start, end) in enumerate(
            zip(
                _strings(cal, "service_id"),
                _strings(cal, "start_date"),
                _strings(cal, "end_date"),
                strict=True,
            )
        ):
            try:
                calendar[service] = (
                    tuple(days[d][row] == "1" for d in range(7)),
                    _date(start),
                    _date(end),
                )
            except ValueError:
                problems.append(
                    _problem("calendar.txt: service %(s)s has a malformed date", s=repr(service))
                )
    calendar_dates: dict[str, dict[dt.date, int]] = {}
    if tables["calendar_dates.txt"] is not None:
        cd = tables["calendar_dates.txt"]
        for service, day, kind in zip(
            _strings(cd, "service_id"),
            _strings(cd, "date"),
            _strings(cd, "exception_type"),
            strict=True,
        ):
            try:
                calendar_dates.setdefault(service, {})[_date(day)] = int(kind)
            except ValueError:
                problems.append(
                    _problem(
                        "calendar_dates.txt: service %(s)s has a malformed row", s=repr(service)
                    )
                )
    known_services = set(calendar) | set(calendar_dates)
    no_service = sum(1 for s in trip_service if s not in known_services)
    if no_service:
        problems.append(
            _problem("trips.txt: %(n)s trips whose service_id has no calendar", n=no_service)
        )

    st = tables["stop_times.txt"]
    st_trip = _index(st.column("trip_id"), trip_ids)
    st_stop = _index(st.column("stop_id"), stop_ids)
    arr = parse_times(st.column("arrival_time"))
    dep = parse_times(st.column("departure_time"))
    # GTFS lets one of the two be empty when both are the same moment.
    arr = np.where(arr < 0, dep, arr)
    dep = np.where(dep < 0, arr, dep)
    seq = np.array([_int(v, -1) for v in _strings(st, "stop_sequence")], dtype=np.int64)
    unknown_stop = st_stop < 0
    unknown_trip = st_trip < 0
    no_time = arr < 0
    if unknown_stop.any():
        examples = sorted(set(np.array(_strings(st, "stop_id"))[unknown_stop][:3].tolist()))
        problems.append(
            _problem(
                "stop_times.txt: %(n)s rows with an unknown stop_id (e.g. %(e)s)",
                n=int(unknown_stop.sum()),
                e=str(examples),
            )
        )
    if unknown_trip.any():
        problems.append(
            _problem(
                "stop_times.txt: %(n)s rows with an unknown trip_id", n=int(unknown_trip.sum())
            )
        )
    if no_time.any():
        problems.append(
            _problem(
                "stop_times.txt: %(n)s rows without a time (not used for boarding)",
                n=int(no_time.sum()),
            )
        )
    keep = ~(unknown_stop | unknown_trip | no_time)
    st_trip, st_stop, arr, dep, seq = (a[keep] for a in (st_trip, st_stop, arr, dep, seq))
    order = np.lexsort((seq, st_trip))
    st_trip, st_stop, arr, dep, seq = (a[order] for a in (st_trip, st_stop, arr, dep, seq))

    # A trip whose times go backwards cannot be ridden safely: it is reported and left out.
    same = st_trip[1:] == st_trip[:-1]
    backwards = same & (arr[1:] < dep[:-1])
    backwards_at_stop = dep < arr
    bad_trips = np.zeros(len(trip_ids), dtype=bool)
    bad_trips[st_trip[1:][backwards]] = True
    bad_trips[st_trip[backwards_at_stop]] = True
    if bad_trips.any():
        examples = [trip_ids[i] for i in np.flatnonzero(bad_trips)[:3]]
        problems.append(
            _problem(
                "stop_times.txt: %(n)s trips whose times are not increasing (left out, e.g. %(e)s)",
                n=int(bad_trips.sum()),
                e=str(examples),
            )
        )
    counts = np.bincount(st_trip, minlength=len(trip_ids))
    short_trips = int((counts < 2).sum())
    if short_trips:
        problems.append(
            _problem("trips.txt: %(n)s trips with fewer than two timed stops", n=short_trips)
        )

    transfers: dict[tuple[int, int], tuple[int, int | None]] = {}
    if tables["transfers.txt"] is not None:
        tr = tables["transfers.txt"]
        from_idx = _index(tr.column("from_stop_id"), stop_ids)
        to_idx = _index(tr.column("to_stop_id"), stop_ids)
        kinds = _strings(tr, "transfer_type")
        mins = _strings(tr, "min_transfer_time")
        unknown = 0
        for a, b, kind, minimum in zip(from_idx, to_idx, kinds, mins, strict=True):
            if a < 0 or b < 0:
                unknown += 1
                continue
            transfers[(int(a), int(b))] = (_int(kind, 0), _int(minimum, None))
        if unknown:
            problems.append(
                _problem("transfers.txt: %(n)s rows with an unknown stop_id", n=unknown)
            )

    return Feed(
        stop_ids=stop_ids,
        stop_names=_strings(stops, "stop_name"),
        stop_lat=stop_lat,
        stop_lon=stop_lon,
        route_ids=route_ids,
        route_names=route_names,
        route_types=route_types,
        trip_ids=trip_ids,
        trip_route=trip_route,
        trip_service=trip_service,
        st_trip=st_trip,
        st_stop=st_stop,
        st_arr=arr,
        st_dep=dep,
        calendar=calendar,
        calendar_dates=calendar_dates,
        transfers=transfers,
        problems=problems,
        bad_trips=bad_trips,
    )


def _float(text: str | None) -> float:
    try:
        value = float(text) if text else math.nan
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _int(text: str | None, default):
    try:
        return int(text) if text else default
    except ValueError:
        return default
