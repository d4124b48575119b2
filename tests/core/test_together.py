"""Many small reads as one query (``core.together.read_together``, issue 22): every read gives
the instances the ORM gives — each field's value and type, the ``select_related`` rows (``None``
behind an empty foreign key), the related manager's own object — in the read's order, from one
query; what it cannot read the same way is refused. Runs on SQLite and on PostgreSQL (CI runs the
suite on both), whose JSON forms of dates, booleans and stored JSON differ."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from core.models import Municipality, Occupation
from core.together import ReadTogether, read_together
from employers.models import ImportJob
from matching.models import Consent, ParticipantSkill
from placements.models import FollowUp, Placement
from tests.factories.core import UserFactory
from tests.factories.employers import EmployerFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory
from tests.factories.placements import FollowUpFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def snapshot(obj, skip: frozenset = frozenset()) -> dict:
    """An instance as the ORM built it: every concrete field's value with its type, and each
    related row held in its field cache (but those in ``skip``), the same way down."""
    out = {f.attname: (type(v).__name__, v) for f in obj._meta.concrete_fields
           for v in [getattr(obj, f.attname)]}  # fmt: skip
    for f in obj._meta.concrete_fields:
        if f.is_relation and f.is_cached(obj) and f.name not in skip:
            related = f.get_cached_value(obj)
            out[f.name] = snapshot(related) if related is not None else None
    return out


def same_as_the_orm(reads: dict, read=read_together) -> dict:
    """Read together (one query) and compare each read with its own queryset. ``read``: how
    the reads are read together (``read_together``, or a declared ``ReadTogether``'s read)."""
    with CaptureQueriesContext(connection) as queries:
        got = read(reads)
    sql = [q["sql"] for q in queries.captured_queries]
    # besides the read, only Django's once-per-connection check of JSON support (in a savepoint)
    reading = [s for s in sql if " FROM " in s]
    assert len(reading) == 1 and "_together_read" in reading[0], sql
    for name, qs in reads.items():
        # A declared read knows no object: the ORM's related manager sets its own on each row.
        known = frozenset() if read is read_together else known_objects(qs)
        assert [snapshot(o) for o in got[name]] == [snapshot(o, known) for o in qs], name
    return got


def known_objects(qs) -> frozenset:
    return frozenset(f.name for f in qs._known_related_objects)


@pytest.fixture
def rows(unit, guide):
    """Rows with every kind of value read together: dates and times, booleans, floats, stored
    JSON, nullable foreign keys both empty and set, text with quotes and non-ASCII."""
    employer = EmployerFactory(name='Kvarnens "Bageri" & Café', unit=unit)
    profile = TaskProfileFactory(
        employer=employer, title="Bagerilärling – morgon", start_time=dt.time(5, 30)
    )
    p = ParticipantFactory(unit=unit, guide=guide, latitude=56.0, longitude=16.25)
    placement = PlacementFactory(participant=p, task_profile=profile, supervisor=None)
    FollowUpFactory(placement=placement, planned_on=dt.date(2026, 11, 9), done_by=guide)
    FollowUpFactory(placement=placement, planned_on=dt.date(2026, 11, 2), done_by=None)
    Consent.objects.create(
        participant=p,
        employer=employer,
        recipient_kind="employer",
        purpose="Praktik – ”bageriet”",
        scopes=["identity", "adaptation_needs"],
        given_on=dt.date(2026, 10, 2),
        method="signed_paper",
        recorded_by=guide,
    )
    Consent.objects.create(
        participant=p,
        agency="Arbetsförmedlingen",
        recipient_kind="agency",
        purpose="Samordning",
        scopes=[],
        given_on=dt.date(2026, 10, 3),
        method="digital",
        recorded_by=guide,
        withdrawn_on=dt.date(2026, 11, 1),
        withdrawn_by_participant=True,
    )
    p.desired_occupations.set(Occupation.objects.order_by("pk")[:3])
    return p


def test_each_read_equals_the_orms_instances_from_one_query(rows):
    p = rows
    got = same_as_the_orm(
        {
            "participant": type(p).objects.filter(pk=p.pk).select_related("guide__unit", "unit"),
            "placements": Placement.objects.filter(participant=p).select_related(
                "task_profile__employer", "supervisor", "guide"
            ),
            "follow-ups": FollowUp.objects.filter(placement__participant=p)
            .select_related("placement__task_profile__employer", "done_by")
            .order_by("planned_on", "pk"),
            "consents": p.consents.select_related("employer", "recorded_by", "withdrawn_by"),
            "occupations": p.desired_occupations.all(),
            "municipalities": Municipality.objects.filter(code__in=["0880", "0881"]),
            "nothing": Placement.objects.none(),
        }
    )
    assert [len(got[k]) for k in ("placements", "follow-ups", "consents", "occupations")] == [
        1,
        2,
        2,
        3,
    ]
    first, second = got["follow-ups"]
    assert first.planned_on == dt.date(2026, 11, 2) and first.done_by is None
    assert second.done_by.username and got["placements"][0].supervisor is None
    assert got["consents"][0].scopes in (["identity", "adaptation_needs"], [])
    assert isinstance(got["participant"][0].latitude, float)
    assert got["placements"][0].task_profile.start_time == dt.time(5, 30)
    assert got["nothing"] == []


def test_the_reads_own_order_descending_and_across_a_relation(rows):
    p = rows
    got = same_as_the_orm(
        {
            "newest first": FollowUp.objects.filter(placement__participant=p).order_by(
                "-planned_on"
            ),
            "by the employer's name": Consent.objects.filter(participant=p).order_by(
                "-given_on", "employer__name"
            ),
        }
    )
    assert [f.planned_on.day for f in got["newest first"]] == [9, 2]


def test_a_related_managers_rows_hold_their_owner_without_a_query(rows):
    p = rows
    ParticipantSkill.objects.create(participant=p, free_text="Kassavana", source="self")
    got = read_together({"skills": p.skills.all()})
    with CaptureQueriesContext(connection) as queries:
        assert got["skills"][0].participant is p
    assert queries.captured_queries == []


def test_reads_declared_once_give_each_objects_own_rows(rows, unit, guide):
    """A ``ReadTogether`` is compiled once, with a marker for the primary key: each call reads
    its own object's rows, the same as the ORM (the first participant's, then another's, then
    the first's again), in one query each."""
    other = ParticipantFactory(unit=unit, guide=guide)
    ParticipantSkill.objects.create(participant=other, free_text="Truckkort", source="self")
    declared = ReadTogether(
        lambda pk: {
            "consents": Consent.objects.filter(participant_id=pk)
            .select_related("employer", "withdrawn_by")
            .order_by("-given_on"),
            "skills": ParticipantSkill.objects.filter(participant_id=pk),
            "placements": Placement.objects.filter(participant_id=pk).select_related(
                "task_profile__employer", "supervisor"
            ),
        }
    )
    counts = []
    for p in (rows, other, rows):
        got = same_as_the_orm(declared.reads(p.pk), read=lambda _reads, p=p: declared.read(p.pk))
        counts.append([len(got[k]) for k in ("consents", "skills", "placements")])
    assert counts == [[2, 0, 1], [0, 1, 0], [2, 0, 1]]


def test_no_reads_is_no_query(db):
    with CaptureQueriesContext(connection) as queries:
        assert read_together({}) == {}
    assert queries.captured_queries == []


@pytest.mark.parametrize(
    "read",
    [
        lambda: FollowUp.objects.values("pk"),
        lambda: FollowUp.objects.values_list("pk"),
        lambda: FollowUp.objects.prefetch_related("placement"),
        lambda: FollowUp.objects.only("pk"),
        lambda: FollowUp.objects.defer("notes"),
        lambda: FollowUp.objects.distinct(),
        lambda: FollowUp.objects.all()[:3],
        lambda: FollowUp.objects.select_related(),
        lambda: FollowUp.objects.extra(select={"x": "1"}),
        lambda: FollowUp.objects.annotate(n=Count("pk")),
        lambda: Placement.objects.select_related("agreed_adaptations"),
        lambda: ImportJob.objects.all(),  # stored bytes
        lambda: UserFactory._meta.model.objects.filter(pk=1).union(
            UserFactory._meta.model.objects.filter(pk=2)
        ),
    ],
    ids=[
        "values",
        "values_list",
        "prefetch_related",
        "only",
        "defer",
        "distinct",
        "slice",
        "select_related without names",
        "extra",
        "annotate",
        "many-to-many in select_related",
        "bytes",
        "union",
    ],
)
def test_what_it_cannot_read_the_same_way_is_refused(db, read):
    with pytest.raises(TypeError, match="read_together"):
        read_together({"x": read()})
