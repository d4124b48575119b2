"""Read queries compiled once and bound to new values on every call.

Building a queryset and compiling it to SQL costs Django more CPU than PostgreSQL spends running a
small indexed read (a six-part union: ~1.9 ms to build, ~0.1 ms to run). A hot read whose shape
never changes is therefore declared once, with *markers* where its values go:

    ENDED = CompiledRows(
        lambda ids: Placement.objects.filter(participant_id__in=ids).values_list("pk", "ended_on"),
        ids=[],
    )
    ENDED.rows(ids=[4, 7])

The queryset is built with a marker value per name (a list marker as a one-item list), compiled
once per database connection alias, and cut at its placeholders; each call puts the values where
the markers were (a list widened to as many placeholders as it has items) and runs the SQL on the
same connection. The database's converters are applied as the ORM applies them (a date from
SQLite is a ``date``, not text), so the rows equal the queryset's ``values_list`` rows; a test
compares them for every compiled read (``tests/core/test_compiled.py`` and the callers' own).

A read of model instances (a queryset of objects, with ``select_related``) is declared the same
way and read with ``objects(...)``: the instances are built from the rows as Django's own
``ModelIterable`` builds them, the related objects of ``select_related`` included. Compiling such
a read cost more than running it (a page's done follow-ups with their placement, task profile,
employer and who did them: 1.8 ms of 2.1 ms).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import (
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

logger = logging.getLogger("brygga.compiled")
_FIRST_MARKER = -7_046_001  # no row's id: a marker can be told from any real value
_ITERABLES = (ModelIterable, ValuesListIterable)
_ORM = ("the ORM reads it",)  # a compiled entry: this read is not compiled
CONTAINS = "contains"  # a marker's kind: a text searched for with ``contains``/``icontains``


_DECLARED: weakref.WeakSet[CompiledRows] = weakref.WeakSet()  # for ``compile_all``


def compile_all(using: str = "default") -> int:
    """Compile every declared read for the database ``using`` now (a scoped one for each role),
    as its first call would: gunicorn's master does it before forking (``config.warmup``). The
    number compiled; a read that cannot be compiled is left for its first call to report."""
    from core.choices import Role

    vendor = connections[using].vendor
    compiled = 0
    for read in list(_DECLARED):
        for role in [r.value for r in Role] if read.scoped else [None]:
            try:
                read._compile(using, vendor, role)
            except Exception as exc:
                logger.warning("compiled reads: %r not compiled: %s", read.build, exc)
                continue
            compiled += 1
    return compiled


class CompiledRows:
    """A read compiled once per database (see the module's docstring): ``rows`` for a
    ``values_list`` read, ``objects`` and ``one`` for a read of model instances.

    ``scoped=True``: ``build(user, **markers)`` reads through ``visible_to(user)`` and is compiled
    once per role, from a stand-in user whose unit, region and id are markers that each call
    replaces with the real user's (the stand-in may not query, and a second compilation with
    other markers proves nothing else of the user reached the SQL). A user without unit or region,
    and a queryset that builds its rows itself, are read through the ORM. A date among the fixed
    parameters is refused: it would stay in the SQL.

    ``build(**markers)`` returns the queryset; each keyword names a marker, with ``[]`` for a list
    (``__in``), ``datetime.date`` for a date (today's, given on each call), ``CONTAINS`` for a text
    searched for with ``contains`` or ``icontains`` (each call's text escaped and wrapped as the
    lookup wraps it) and ``None`` for a single value. Markers stand for integer or text values
    (the marker is a negative number; a text field's lookup carries it as its text) or dates (a
    day of the second century). A marker must appear as a parameter of its own in the SQL, which
    the first compilation checks."""

    def __init__(
        self, build: Callable[..., QuerySet], *, scoped: bool = False, **markers: list | None
    ):
        self.build = build
        self.scoped = scoped
        self.lists = {name for name, kind in markers.items() if isinstance(kind, list)}
        self.dates = {name for name, kind in markers.items() if kind is dt.date}
        self.contains = {name for name, kind in markers.items() if kind == CONTAINS}
        self.markers = {name: _FIRST_MARKER - i for i, name in enumerate(markers)}
        self._compiled: dict[tuple, tuple | None] = {}
        self._lock = threading.Lock()
        _DECLARED.add(self)

    def _compile(self, alias: str, vendor: str, role: str | None = None) -> tuple | None:
        key = (alias, vendor, role)
        if key in self._compiled:
            return self._compiled[key]
        compiled = self._compile_once(alias, role, shift=0)
        if self.scoped and compiled not in (None, _ORM):
            _same_but_the_markers(self.build, compiled, self._compile_once(alias, role, shift=100))
        with self._lock:
            self._compiled[key] = compiled
        return compiled

    def _compile_once(self, alias: str, role: str | None, shift: int) -> tuple | None:
        markers = {name: marker - shift for name, marker in self.markers.items()}
        markers |= {name: _date_marker(markers[name]) for name in self.dates}
        given = {name: [markers[name]] if name in self.lists else m for name, m in markers.items()}
        given |= {name: str(markers[name]) for name in self.contains}
        scope = {}
        if self.scoped:
            base = _FIRST_MARKER - len(self.markers) - shift
            scope = {name: base - i for i, name in enumerate(_SCOPE)}
            markers |= scope
            with connections[alias].execute_wrapper(_no_queries):
                queryset = self.build(_stand_in(role, scope), **given)
        else:
            queryset = self.build(**given)
        if queryset._iterable_class not in _ITERABLES:
            # A queryset that builds its rows its own way (the regional administrator's contact
            # log withholds free text): the ORM reads it.
            return _ORM
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # ``none()``: the user may see nothing, the ORM asks nothing
            return None
        pieces = tuple(sql.split("%s"))
        if len(pieces) != len(params) + 1 or "%%" in sql:
            raise RuntimeError(f"{self.build!r}: the SQL's placeholders cannot be told apart")
        # A text field's lookup turns the marker into its text, an integer's keeps the number.
        # A searched text's lookup wraps it in ``%`` (and only there may it stand).
        by_marker = {
            f"%{marker}%" if name in self.contains else str(marker): name
            for name, marker in markers.items()
        }
        slots = tuple(
            by_marker.get(str(p))
            if isinstance(p, (int, str, dt.date)) and not isinstance(p, (bool, dt.datetime))
            else None
            for p in params
        )
        missing = set(self.markers) - set(slots)
        if missing:
            raise RuntimeError(f"{self.build!r}: markers not in the SQL: {sorted(missing)}")
        dated = [p for p, slot in zip(params, slots, strict=True) if slot is None and _is_date(p)]
        if dated:  # today's date would stay in the SQL for good
            raise RuntimeError(f"{self.build!r}: a date is fixed in a compiled read: {dated}")
        converters = None
        if not queryset.query.combinator:
            fields = [s[0] for s in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(fields) or None
        return (
            pieces,
            tuple(params),
            slots,
            compiler,
            converters,
            _builder(queryset, compiler),
        )

    def rows(self, using: str = "default", user=None, **values: Any) -> list[tuple]:
        """The rows for ``values`` (every marker named); ``[]`` when a list is empty, as the ORM
        answers an empty ``__in`` without asking the database. A scoped read is also given the
        ``user`` whose ``visible_to`` scope it reads in."""
        return self._read(using, user, values)[0]

    def objects(self, using: str = "default", user=None, **values: Any) -> list[Model]:
        """The model instances for ``values``, as iterating the queryset gives them (its
        ``select_related`` objects attached); for a read declared as a queryset of objects."""
        found, builder = self._read(using, user, values)
        if builder is None and found and not isinstance(found[0], Model):
            raise TypeError(f"{self.build!r} is not a read of model instances")
        return [row if isinstance(row, Model) else builder(row) for row in found]

    def one(self, using: str = "default", user=None, **values: Any) -> Model | None:
        """The one instance for ``values`` (a read by primary key), or ``None``."""
        found = self.objects(using, user, **values)
        if len(found) > 1:
            raise RuntimeError(f"{self.build!r}: {len(found)} rows where one was expected")
        return found[0] if found else None

    def _read(self, using: str, user, values: dict) -> tuple[list, Callable | None]:
        if set(values) != set(self.markers):
            raise TypeError(f"values for {sorted(self.markers)} expected, got {sorted(values)}")
        connection = connections[using]
        role = None
        if self.scoped:
            from core.roles import role_of

            role = role_of(user)
        compiled = self._compile(using, connection.vendor, role)
        if compiled is None:
            return [], None
        if compiled is _ORM:
            queryset = self.build(user, **values) if self.scoped else self.build(**values)
            return list(queryset.using(using)), None
        pieces, params, slots, compiler, converters, builder = compiled
        scope = {}
        if self.scoped:
            scope = _scope_values(user, set(slots) & set(_SCOPE))
            if scope is None:  # no unit or region: the ORM says what that means
                return list(self.build(user, **values).using(using)), builder
        if any(not values[name] for name in self.lists):
            return [], builder
        values = values | scope
        sql, bound = [pieces[0]], []
        for param, slot, piece in zip(params, slots, pieces[1:], strict=True):
            if slot is None:
                sql.append("%s")
                bound.append(param)
            elif slot in self.dates:
                sql.append("%s")
                bound.append(connection.ops.adapt_datefield_value(_a_date(values[slot], slot)))
            elif slot in self.contains:
                sql.append("%s")
                bound.append(f"%{connection.ops.prep_for_like_query(values[slot])}%")
            elif slot in self.lists:
                items: Sequence = list(values[slot])
                sql.append(", ".join(["%s"] * len(items)))
                bound.extend(items)
            else:
                sql.append("%s")
                bound.append(values[slot])
            sql.append(piece)
        with connection.cursor() as cursor:
            cursor.execute("".join(sql), bound)
            found = cursor.fetchall()
        if converters:
            found = [tuple(row) for row in compiler.apply_converters(found, converters)]
        return found, builder


def _date_marker(marker: int) -> dt.date:
    """A date marker: a day in the second century, which no row of ours holds (its ISO text, the
    parameter SQLite is given, is what the compiled SQL is searched for)."""
    return dt.date.fromordinal(-marker - 7_000_000)


def _a_date(value, name: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"{name} is a date marker: a date is expected, got {value!r}")
    return value


def _is_date(value) -> bool:
    """A date or time as the database is given it (SQLite gets its ISO text)."""
    if isinstance(value, (dt.date, dt.time)):
        return True
    return isinstance(value, str) and _ISO_DATE.match(value) is not None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]|$)")


# A scoped read's markers for what ``visible_to(user)`` reads of the user.
_SCOPE = ("_unit", "_region", "_user")


def _stand_in(role: str | None, scope: dict[str, int]):
    """A user that is nobody: the role it is compiled for, and markers for its unit, its unit's
    region and its own id, which every call replaces with the real user's."""
    from django.contrib.auth import get_user_model

    user = get_user_model()(pk=scope["_user"], unit_id=scope["_unit"])
    user._brygga_role = role
    user._brygga_region = scope["_region"]
    return user


def _scope_values(user, used: set[str]) -> dict[str, int] | None:
    from core.roles import region_id_of

    found = {}
    for name in used:
        value = region_id_of(user) if name == "_region" else getattr(user, SCOPE_ATTRS[name])
        if value is None:
            return None
        found[name] = value
    return found


SCOPE_ATTRS = {"_unit": "unit_id", "_user": "pk"}


def _no_queries(execute, sql, params, many, context):
    raise RuntimeError(f"a scoped read must be built from the user's attributes alone: {sql}")


def _same_but_the_markers(build, first: tuple, second: tuple) -> None:
    """Two compilations with different markers give the same SQL and parameters except where
    the markers go: no value of the stand-in user was built into the SQL any other way."""
    if first[0] != second[0] or first[2] != second[2]:
        raise RuntimeError(f"{build!r}: the scoped SQL depends on more than its markers")
    for a, b, slot in zip(first[1], second[1], first[2], strict=True):
        if slot is None and a != b:
            raise RuntimeError(f"{build!r}: a value of the user is in the SQL: {a!r}")


def _builder(queryset: QuerySet, compiler) -> Callable[[tuple], Model] | None:
    """What turns one row into its model instance, as ``ModelIterable`` does (``None`` for a read
    of values). Reads that Django completes after the query (prefetches, the objects a related
    manager already knows) are refused: their instances would differ."""
    if queryset._iterable_class is not ModelIterable:
        return None
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        raise RuntimeError(f"{queryset!r}: prefetches are not compiled; read them separately")
    db = compiler.using
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, db)
    annotations = tuple(compiler.annotation_col_map.items())

    def build(row: tuple) -> Model:
        obj = model.from_db(db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations:
            setattr(obj, name, row[position])
        return obj

    return build


def attach_prefetched(instances, name: str, rows, owner: Callable[[Any], Any]) -> None:
    """Put ``rows`` where ``prefetch_related(name)`` puts them, as Django's own
    ``prefetch_one_level`` does: each instance's ``name`` manager then answers ``all()`` from them
    without a query, and anything else (``filter``, ``count``) asks the database as it would after
    a prefetch. ``owner(row)`` is the primary key of the instance a row belongs to; the rows keep
    their order. A reverse foreign key's rows also hold their instance, as a prefetch leaves them.
    For rows read by compiled reads (``CompiledRows``), whose prefetch Django would compile anew
    on every request."""
    by_owner: dict[Any, list] = {}
    for row in rows:
        by_owner.setdefault(owner(row), []).append(row)
    for instance in instances:
        manager = getattr(instance, name)
        field = getattr(manager, "field", None)  # a reverse foreign key's manager has one
        cache_name = getattr(manager, "prefetch_cache_name", None) or field.remote_field.cache_name
        found = by_owner.get(instance.pk, [])
        if field is not None and not hasattr(manager, "prefetch_cache_name"):
            for row in found:
                field.set_cached_value(row, instance)
        queryset = manager.get_queryset()
        queryset._result_cache = list(found)
        queryset._prefetch_done = True
        if not hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        instance._prefetched_objects_cache[cache_name] = queryset
