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

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_FIRST_MARKER = -7_046_001  # no row's id: a marker can be told from any real value


class CompiledRows:
    """A ``values_list`` read compiled once per database (see the module's docstring).

    ``build(**markers)`` returns the queryset; each keyword names a marker, with ``[]`` for a list
    (``__in``) and ``None`` for a single value. Markers stand for integer or text values (the
    marker is a negative number; a text field's lookup carries it as its text). A marker must
    appear as a parameter of its own in the SQL, which the first compilation checks."""

    def __init__(self, build: Callable[..., QuerySet], **markers: list | None):
        self.build = build
        self.lists = {name for name, kind in markers.items() if isinstance(kind, list)}
        self.markers = {name: _FIRST_MARKER - i for i, name in enumerate(markers)}
        self._compiled: dict[tuple[str, str], tuple] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str, vendor: str) -> tuple:
        key = (alias, vendor)
        compiled = self._compiled.get(key)
        if compiled is not None:
            return compiled
        queryset = self.build(
            **{
                name: [marker] if name in self.lists else marker
                for name, marker in self.markers.items()
            }
        )
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        pieces = tuple(sql.split("%s"))
        if len(pieces) != len(params) + 1 or "%%" in sql:
            raise RuntimeError(f"{self.build!r}: the SQL's placeholders cannot be told apart")
        # A text field's lookup turns the marker into its text, an integer's keeps the number.
        by_marker = {str(marker): name for name, marker in self.markers.items()}
        slots = tuple(
            by_marker.get(str(p)) if isinstance(p, (int, str)) and not isinstance(p, bool) else None
            for p in params
        )
        missing = set(self.markers) - set(slots)
        if missing:
            raise RuntimeError(f"{self.build!r}: markers not in the SQL: {sorted(missing)}")
        converters = None
        if not queryset.query.combinator:
            fields = [s[0] for s in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(fields) or None
        compiled = (
            pieces,
            tuple(params),
            slots,
            compiler,
            converters,
            _builder(queryset, compiler),
        )
        with self._lock:
            self._compiled[key] = compiled
        return compiled

    def rows(self, using: str = "default", **values: Any) -> list[tuple]:
        """The rows for ``values`` (every marker named); ``[]`` when a list is empty, as the ORM
        answers an empty ``__in`` without asking the database."""
        return self._read(using, values)[0]

    def objects(self, using: str = "default", **values: Any) -> list[Model]:
        """The model instances for ``values``, as iterating the queryset gives them (its
        ``select_related`` objects attached); for a read declared as a queryset of objects."""
        found, builder = self._read(using, values)
        if builder is None:
            raise TypeError(f"{self.build!r} is not a read of model instances")
        return [builder(row) for row in found]

    def _read(self, using: str, values: dict) -> tuple[list[tuple], Callable | None]:
        if set(values) != set(self.markers):
            raise TypeError(f"values for {sorted(self.markers)} expected, got {sorted(values)}")
        connection = connections[using]
        if any(not values[name] for name in self.lists):
            return [], self._compile(using, connection.vendor)[5]
        pieces, params, slots, compiler, converters, builder = self._compile(
            using, connection.vendor
        )
        sql, bound = [pieces[0]], []
        for param, slot, piece in zip(params, slots, pieces[1:], strict=True):
            if slot is None:
                sql.append("%s")
                bound.append(param)
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
