"""Many small reads of model instances as one query (issue 22).

A document about one person — the register extract — reads some twenty-five kinds of rows, each a
few rows long. Read one by one that is twenty-five round trips and as many queries to plan; read
together it is one:

    rows = read_together({
        "skills": p.skills.select_related("skill"),
        "cases": p.ocn_cases.select_related("module__programme").order_by("registered_on", "pk"),
    })
    rows["skills"]  # [ParticipantSkill, ...] with .skill loaded, as the queryset would give them

Each queryset becomes one branch of a ``UNION ALL`` that selects three columns: which read it is,
the row's rank in the read's own order (``ROW_NUMBER() OVER (ORDER BY ...)``: a branch of a union
may not be ordered itself), and every concrete field of the row and of its ``select_related``
rows as one JSON array (nested arrays of at most ``_CHUNK`` values: SQLite allows a function 127
arguments). Each value is turned back from its JSON form into what the database driver gives
(``_decode``: a date from its ISO text, a boolean from SQLite's 0/1, stored JSON from SQLite's
text) and the instances are built as Django's ``ModelIterable`` builds them: ``Model.from_db``,
the ``select_related`` rows in the field caches (``None`` for an empty foreign key), the related
manager's own object set on each row. A test compares every read with the ORM's own instances,
field by field, on SQLite and PostgreSQL (``tests/core/test_together.py``).

What it does not read is refused with ``TypeError`` rather than read differently: ``values()``,
``prefetch_related`` (read the through rows as a read of their own), ``only``/``defer``,
annotations, ``distinct``, slices, ``select_related()`` without names, reverse one-to-one rows,
and kinds of field it has no test for (bytes, durations, decimals, UUIDs, fields with their
own conversion).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Hashable

from django.conf import settings
from django.db import connections
from django.db.models import F, Field, IntegerField, Model, QuerySet, Value, Window
from django.db.models.functions import JSONArray, RowNumber
from django.db.models.query import ModelIterable
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from core.compiled import CompiledRows

_CHUNK = 60  # values per JSON_ARRAY call, well under SQLite's 127 function arguments
# Kinds of field whose JSON form is text or a number and needs no turning back; the others in
# ``_decode``. Any other kind (bytes, durations, decimals, UUIDs, a field of its own with
# ``from_db_value``) is refused: none of the models read together has one, so none is tested.
_AS_IS = frozenset(
    {
        "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
        "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
        "PositiveSmallIntegerField", "CharField", "TextField", "SlugField", "EmailField",
        "URLField", "GenericIPAddressField", "FilePathField",
    }
)  # fmt: skip
_TURNED = frozenset(
    {"DateTimeField", "DateField", "TimeField", "BooleanField", "FloatField", "JSONField"}
)


def read_together(
    reads: dict[Hashable, QuerySet], using: str = "default"
) -> dict[Hashable, list[Model]]:
    """Each read's model instances, in its order, from one query on ``using``."""
    plans = {name: _Plan(qs) for name, qs in reads.items()}
    if not plans:
        return {}
    return _instances(plans, list(_union(plans).using(using)), using)


class ReadTogether:
    """The reads of one object's rows, declared once as ``reads(pk)`` and compiled once
    (``core.compiled``): building and compiling a union of some twenty-five reads costs Django
    several times what running it costs, and its shape never changes — only the object's
    primary key, the marker each call replaces. ``read(pk)`` gives what
    ``read_together(reads(pk))`` gives (the related manager's own object aside: no object is
    known here); a test compares the two."""

    def __init__(self, reads: Callable[[int], dict[Hashable, QuerySet]]):
        self.reads = reads
        self._plans: dict[Hashable, _Plan] | None = None
        self.compiled = CompiledRows(lambda pk: _union(self.plans(pk)), pk=None)

    def plans(self, pk: int) -> dict[Hashable, _Plan]:
        if self._plans is None:
            self._plans = {name: _Plan(qs) for name, qs in self.reads(pk).items()}
        return self._plans

    def read(self, pk: int, using: str = "default") -> dict[Hashable, list[Model]]:
        rows = self.compiled.rows(using=using, pk=pk)
        return _instances(self.plans(pk), rows, using)


def _union(plans: dict[Hashable, _Plan]) -> QuerySet:
    branches = [plan.branch(i) for i, plan in enumerate(plans.values())]
    return branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]


def _instances(plans: dict[Hashable, _Plan], rows, using: str) -> dict[Hashable, list[Model]]:
    sqlite = connections[using].vendor == "sqlite"
    names = list(plans)
    out: dict[Hashable, list[Model]] = {name: [] for name in names}
    for index, _rank, row in sorted(rows, key=lambda r: (r[0], r[1])):
        if isinstance(row, str):  # a compiled read's rows come without the ORM's converters
            row = json.loads(row)
        name = names[index]
        out[name].append(plans[name].instance(row, using, sqlite))
    return out


class _Plan:
    """One read: the rows it builds (the model and each ``select_related`` row, as a path of
    field names) and where each of their fields sits in the JSON array."""

    def __init__(self, qs: QuerySet):
        query = qs.query
        refused = [
            what
            for what, found in (
                ("values() or values_list()", qs._iterable_class is not ModelIterable),
                ("prefetch_related()", bool(qs._prefetch_related_lookups)),
                ("only() or defer()", query.deferred_loading != (frozenset(), True)),
                ("annotations or extra()", bool(query.annotations or query.extra)),
                ("distinct()", bool(query.distinct)),
                ("a slice", query.is_sliced),
                ("a union", bool(query.combinator)),
                ("select_related() without names", query.select_related is True),
            )
            if found
        ]
        if refused:
            raise TypeError(f"read_together cannot read {qs.model.__name__} with {refused[0]}")
        self.qs = qs
        self.nodes: list[tuple[tuple[Field, ...], type[Model]]] = []
        self._walk(qs.model, query.select_related or {}, ())
        self.columns: list[tuple[int, Field]] = []  # (node, field) in the array's order
        self.paths: list[str] = []
        self.attnames = [[f.attname for f in m._meta.concrete_fields] for _p, m in self.nodes]
        self.pk_at = [
            a.index(m._meta.pk.attname)
            for a, (_p, m) in zip(self.attnames, self.nodes, strict=True)
        ]
        for n, (path, model) in enumerate(self.nodes):
            for field in model._meta.concrete_fields:
                if not _readable(field):
                    raise TypeError(f"read_together cannot read {model.__name__}.{field.name}")
                self.columns.append((n, field))
                self.paths.append("__".join([*(f.name for f in path), field.attname]))

    def _walk(self, model, related: dict, path: tuple) -> None:
        self.nodes.append((path, model))
        for name, deeper in related.items():
            field = model._meta.get_field(name)
            if not (
                field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)
            ):
                raise TypeError(f"read_together follows foreign keys only, not {name}")
            self._walk(field.related_model, deeper, (*path, field))

    def _ordering(self) -> list:
        query = self.qs.query
        if query.order_by:
            ordering = list(query.order_by)
        elif query.default_ordering and self.qs.model._meta.ordering:
            ordering = list(self.qs.model._meta.ordering)
        else:
            ordering = []
        if ordering and ordering[-1] in ("pk", "-pk", "id", "-id"):
            return ordering
        return [*ordering, "pk"]  # the ORM leaves ties to the database; here they go by id

    def branch(self, index: int) -> QuerySet:
        values = [F(p) for p in self.paths]
        chunks = [JSONArray(*values[i : i + _CHUNK]) for i in range(0, len(values), _CHUNK)]
        return (
            self.qs.annotate(
                _together_read=Value(index, output_field=IntegerField()),
                _together_rank=Window(RowNumber(), order_by=self._ordering()),
                _together_row=JSONArray(*chunks),
            )
            .order_by()
            .values_list("_together_read", "_together_rank", "_together_row")
        )

    def instance(self, row, using: str, sqlite: bool) -> Model:
        flat = [v for chunk in row for v in chunk]
        per_node: list[list] = [[] for _ in self.nodes]
        for (n, field), value in zip(self.columns, flat, strict=True):
            per_node[n].append(_decode(field, value, sqlite))
        built: dict[tuple[str, ...], Model] = {}
        for n, (path, model) in enumerate(self.nodes):
            names, values = self.attnames[n], per_node[n]
            if not path:
                built[()] = model.from_db(using, names, values)
                continue
            key = tuple(f.name for f in path)
            parent = built.get(key[:-1])
            if parent is None:
                continue  # below an empty foreign key: Django leaves it unset too
            obj = None if values[self.pk_at[n]] is None else model.from_db(using, names, values)
            field = path[-1]
            field.set_cached_value(parent, obj)
            if obj is not None:
                if field.one_to_one:
                    field.remote_field.set_cached_value(obj, parent)
                built[key] = obj
        root = built[()]
        for field, objects in self.qs._known_related_objects.items():
            known = objects.get(getattr(root, field.attname))
            if known is not None:
                field.set_cached_value(root, known)
        return root


def _readable(field: Field) -> bool:
    if field.is_relation:
        return _readable(field.target_field)
    kind = field.get_internal_type()
    own_conversion = hasattr(field, "from_db_value") and kind != "JSONField"
    return (kind in _AS_IS or kind in _TURNED) and not own_conversion


def _decode(field: Field, value, sqlite: bool):
    """A value as the database driver gives it, from its form in a JSON array."""
    if value is None:
        return None
    if field.is_relation:
        return _decode(field.target_field, value, sqlite)
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        parsed = parse_datetime(value)
        if settings.USE_TZ and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without an offset
        return parsed
    if kind == "DateField":
        return parse_date(value)
    if kind == "TimeField":
        return parse_time(value)
    if kind == "BooleanField":
        return bool(value)  # SQLite's 0/1
    if kind == "FloatField":
        return float(value)  # a whole number comes back from JSON as an int
    if kind == "JSONField":
        # SQLite puts the stored text into the array as a string; PostgreSQL nests the value
        return json.loads(value, cls=field.decoder) if sqlite else value
    return value  # text and whole numbers are the same in JSON
