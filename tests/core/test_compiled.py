"""Reads compiled once (``core.compiled``) give the rows their queryset gives, on SQLite and
PostgreSQL alike: single and list values, dates converted, unions, an empty list."""

import datetime as dt

import pytest

from core.compiled import CONTAINS, CompiledRows
from matching.models import Participant
from matching.participants.selectors import ended_collaborations, wishes_and_licences
from placements.models import Placement
from tests.factories.employers import TaskProfileFactory
from tests.factories.matching import ParticipantFactory
from tests.factories.placements import PlacementFactory

pytestmark = pytest.mark.django_db


def placements(ids, status):
    return (
        Placement.objects.filter(participant_id__in=ids, status=status)
        .values_list("pk", "participant_id", "planned_start", "ended_on", "hours_per_week")
        .order_by("pk")
    )


PLACEMENTS = CompiledRows(placements, ids=[], status=None)


@pytest.fixture
def people(unit, guide, employer):
    job = TaskProfileFactory(employer=employer)
    found = []
    for i in range(3):
        person = ParticipantFactory(unit=unit, guide=guide)
        PlacementFactory(
            participant=person,
            task_profile=job,
            status="ended",
            ended_on=dt.date(2026, 11, 20 + i),
            planned_start=dt.date(2026, 10, 1 + i),
        )
        PlacementFactory(participant=person, task_profile=job, status="proposed")
        found.append(person)
    return found


def test_rows_equal_the_querysets_for_every_value(people):
    ids = [p.pk for p in people]
    for chosen, status in [(ids, "ended"), (ids[:1], "proposed"), (ids[1:], "ended")]:
        rows = PLACEMENTS.rows(ids=chosen, status=status)
        assert rows == list(placements(chosen, status))
        assert rows and all(isinstance(r[2], dt.date) for r in rows)  # converted, as the ORM does
    assert PLACEMENTS.rows(ids=[], status="ended") == []  # as the ORM: no query at all
    assert PLACEMENTS.rows(ids=[-1], status="ended") == []


def test_a_read_must_be_given_every_value_and_use_every_marker(people):
    with pytest.raises(TypeError):
        PLACEMENTS.rows(ids=[people[0].pk])
    unused = CompiledRows(
        lambda ids, code: Participant.objects.filter(pk__in=ids).values_list("pk"),
        ids=[],
        code=None,
    )
    with pytest.raises(RuntimeError):
        unused.rows(ids=[1], code=2)


def test_the_callers_compiled_reads_equal_the_orms(people, employer):
    from matching.models import Participant as P

    ended = ended_collaborations([p.pk for p in people])
    assert ended == {p.pk: {employer.pk: dt.date(2026, 11, 20 + i)} for i, p in enumerate(people)}
    expected = {
        pid: {emp: day}
        for pid, emp, day in P.objects.filter(
            pk__in=[p.pk for p in people], placements__status="ended"
        ).values_list("pk", "placements__task_profile__employer_id", "placements__ended_on")
    }
    assert ended == expected
    from core.models import Industry, Licence, Occupation

    person = people[0]
    person.desired_occupations.add(*Occupation.objects.order_by("pk")[:2])
    person.desired_industries.add(Industry.objects.order_by("pk").first())
    person.licences.add(*Licence.objects.order_by("pk")[:2])
    wishes = wishes_and_licences(person)
    assert sorted(wishes["occupations"]) == sorted(
        person.desired_occupations.values_list("label", flat=True)
    )
    industry = person.desired_industries.get()
    assert wishes["industries"] == [f"{industry.code} {industry.label}"]
    assert sorted(wishes["licences"]) == sorted(person.licences.values_list("label", flat=True))
    assert wishes_and_licences(people[1]) == {"occupations": [], "industries": [], "licences": []}


def _placements_with_employer(participant):
    return Placement.objects.filter(participant_id=participant).select_related(
        "task_profile__employer", "guide"
    )


PLACEMENT_OBJECTS = CompiledRows(_placements_with_employer, participant=None)


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_objects_equal_the_querysets_instances_with_their_related_objects(
    people, employer, django_assert_num_queries
):
    for person in people:
        expected = sorted(_placements_with_employer(person.pk), key=lambda p: p.pk)
        with django_assert_num_queries(1):  # the related objects come with the row
            found = sorted(PLACEMENT_OBJECTS.objects(participant=person.pk), key=lambda p: p.pk)
            names = [p.task_profile.employer.name for p in found]
            guides = [p.guide for p in found]
        assert [_fields(p) for p in found] == [_fields(p) for p in expected]
        assert [_fields(p.task_profile) for p in found] == [
            _fields(p.task_profile) for p in expected
        ]
        assert names == [employer.name] * 2
        assert guides == [p.guide for p in expected]
        assert all(not p._state.adding and p._state.db == "default" for p in found)
    assert PLACEMENT_OBJECTS.objects(participant=-1) == []


def test_objects_are_refused_for_a_read_of_values_and_prefetches_are_refused(people):
    with pytest.raises(TypeError):
        PLACEMENTS.objects(ids=[people[0].pk], status="ended")
    prefetching = CompiledRows(
        lambda ids: Participant.objects.filter(pk__in=ids).prefetch_related("skills"), ids=[]
    )
    with pytest.raises(RuntimeError):
        prefetching.objects(ids=[people[0].pk])


# --- scoped reads: ``visible_to(user)`` compiled once per role ---------------------------------


def _visible_placements(user, ids):
    return (
        Placement.objects.visible_to(user)
        .filter(participant_id__in=ids)
        .select_related("task_profile__employer")
        .order_by("pk")
    )


VISIBLE_PLACEMENTS = CompiledRows(_visible_placements, scoped=True, ids=[])


def _profiles_of(user):
    from employers.models import TaskProfile

    return TaskProfile.objects.visible_to(user).values_list("pk", "title").order_by("pk")


VISIBLE_PROFILES = CompiledRows(_profiles_of, scoped=True)


CAST = [
    "guide",
    "coordinator",
    "manager",
    "admin_user",
    "foreign_guide",
    "employer_user",
    "other_employer_user",
]


def test_a_scoped_read_gives_each_user_what_visible_to_gives_them(
    people, unit, other_employer, request
):
    from core.models import User
    from tests.factories.core import UserFactory

    cast = [request.getfixturevalue(name) for name in CAST]
    foreign_guide = request.getfixturevalue("foreign_guide")
    other = ParticipantFactory(unit=foreign_guide.unit, guide=foreign_guide)
    PlacementFactory(participant=other, task_profile=TaskProfileFactory(employer=other_employer))
    TaskProfileFactory(employer=other_employer, regional=True)
    ids = [p.pk for p in people] + [other.pk]
    cast += [
        UserFactory(username="nobody", role=None, unit=unit),
        UserFactory(username="ulla", role="guide", unit=None),
    ]
    seen = {}
    for user in cast:
        user = User.objects.get(pk=user.pk)  # a request's user: nothing cached on it
        expected = list(_visible_placements(user, ids))
        found = VISIBLE_PLACEMENTS.objects(user=user, ids=ids)
        assert [_fields(p) for p in found] == [_fields(p) for p in expected], user.username
        assert [p.task_profile.employer.name for p in found] == [
            p.task_profile.employer.name for p in expected
        ]
        assert VISIBLE_PROFILES.rows(user=user) == list(_profiles_of(user)), user.username
        seen[user.username] = len(found)
    # The cast sees different things, so the test compares something.
    assert seen["gustav"] == 6 and seen["otto"] == 1 and seen["ada"] == 7
    assert seen["erik"] == 6 and seen["fiona"] == 1 and seen["nobody"] == 0


def test_a_scoped_read_is_refused_when_it_builds_a_users_value_into_its_sql(guide):
    baked = CompiledRows(
        lambda user: Participant.objects.filter(unit_id=user.unit_id + 1).values_list("pk"),
        scoped=True,
    )
    with pytest.raises(RuntimeError, match="depends on more than|value of the user"):
        baked.rows(user=guide)
    asking = CompiledRows(
        lambda user: Participant.objects.filter(
            unit_id__in=list(Participant.objects.values_list("unit_id", flat=True))
        ).values_list("pk"),
        scoped=True,
    )
    with pytest.raises(RuntimeError, match="user's attributes alone"):
        asking.rows(user=guide)


def test_a_scoped_read_whose_queryset_builds_its_own_rows_goes_through_the_orm(
    regional_admin_k, coord_k, coord_t, shared_employer, unit_k, unit_t
):
    """The regional administrator's contact log withholds other units' free text while it reads
    the rows: that reader's read is the ORM's, and the coordinator's is compiled."""
    from employers.models import Interaction
    from tests.factories.employers import InteractionFactory

    InteractionFactory(employer=shared_employer, unit=unit_k, by=coord_k, notes="Kalmar")
    InteractionFactory(employer=shared_employer, unit=unit_t, by=coord_t, notes="Torsås")
    log = CompiledRows(
        lambda user, employer: (
            Interaction.objects.visible_to(user).filter(employer_id=employer).order_by("notes")
        ),
        scoped=True,
        employer=None,
    )
    read = log.objects(user=regional_admin_k, employer=shared_employer.pk)
    assert [(i.notes, getattr(i, "text_withheld", False)) for i in read] == [
        ("Kalmar", False),
        ("", True),  # Torsås's notes
    ]
    assert [i.notes for i in log.objects(user=coord_t, employer=shared_employer.pk)] == ["Torsås"]


def test_a_read_with_a_date_in_its_sql_is_refused(people):
    """Today's date would stay in the compiled SQL from its first call on."""
    from django.utils import timezone

    dated = CompiledRows(
        lambda ids: Placement.objects.filter(
            participant_id__in=ids, ended_on__lte=timezone.localdate()
        ).values_list("pk"),
        ids=[],
    )
    with pytest.raises(RuntimeError, match="a date is fixed"):
        dated.rows(ids=[people[0].pk])


def _ended_since(user, ids, since):
    return (
        Placement.objects.visible_to(user)
        .filter(participant_id__in=ids, ended_on__gte=since)
        .values_list("pk", "ended_on")
        .order_by("ended_on", "pk")
    )


ENDED_SINCE = CompiledRows(_ended_since, scoped=True, ids=[], since=dt.date)


def test_a_date_marker_is_given_its_date_on_every_call(people, guide, foreign_guide):
    """A read that filters on today's date (the portal's follow-ups of the last two weeks) gets
    the date of each call: nothing of the first call's date stays in the SQL."""
    from core.models import User

    ids = [p.pk for p in people]
    seen = {}
    for user in (guide, foreign_guide):
        user = User.objects.get(pk=user.pk)
        for since in [dt.date(2026, 11, d) for d in (1, 20, 21, 22, 23)] + [dt.date(2027, 1, 1)]:
            found = ENDED_SINCE.rows(user=user, ids=ids, since=since)
            assert found == list(_ended_since(user, ids, since)), (user.username, since)
            seen[(user.username, since)] = len(found)
    assert [seen[(guide.username, dt.date(2026, 11, d))] for d in (1, 21, 22, 23)] == [3, 2, 1, 0]
    assert seen[(foreign_guide.username, dt.date(2026, 11, 1))] == 0
    for wrong in ("2026-11-01", dt.datetime(2026, 11, 1, 12, 0), None):
        with pytest.raises(TypeError, match="since is a date marker"):
            ENDED_SINCE.rows(user=guide, ids=ids, since=wrong)


def test_attached_rows_answer_as_a_prefetch_does(people, employer, django_assert_num_queries):
    """``attach_prefetched``: ``all()`` answers the attached rows with no query, in their order, a
    reverse foreign key's rows know their parent, and ``filter`` still asks the database for the
    instance's own rows only (never every row of the table)."""
    from core.compiled import attach_prefetched
    from core.models import Adaptation
    from placements.models import PracticeEvaluation

    profile = TaskProfileFactory(employer=employer, site__employer=employer)
    first, second = (PlacementFactory(participant=p, task_profile=profile) for p in people[:2])
    for day in (3, 1):
        PracticeEvaluation.objects.create(
            placement=first,
            evaluated_on=dt.date(2026, 11, day),
            progress="x",
            rating=3,
            by=first.guide,
        )
    PracticeEvaluation.objects.create(
        placement=second, evaluated_on=dt.date(2026, 11, 5), progress="y", rating=4, by=first.guide
    )
    adaptations = list(Adaptation.objects.order_by("pk")[:2])
    first.agreed_adaptations.set(adaptations)
    rows = list(PracticeEvaluation.objects.filter(placement__in=[first, second]))
    placements = list(Placement.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"))
    attach_prefetched(placements, "evaluations", rows, lambda r: r.placement_id)
    attach_prefetched(placements, "agreed_adaptations", adaptations, lambda a: first.pk)
    with django_assert_num_queries(0):
        got = [list(p.evaluations.all()) for p in placements]
        agreed = [list(p.agreed_adaptations.all()) for p in placements]
        assert all(e.placement is p for p, es in zip(placements, got, strict=True) for e in es)
    assert got == [
        list(p.evaluations.all())
        for p in Placement.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")
    ]
    assert [e.evaluated_on.day for e in got[0]] == [1, 3] and agreed == [adaptations, []]
    with django_assert_num_queries(1):
        assert list(placements[1].evaluations.filter(rating=3)) == []
    assert placements[0].evaluations.filter(rating=3).count() == 2


def _named(text, orgnr_term):
    from django.db.models import Q

    from employers.models import Employer

    return (
        Employer.objects.filter(Q(name__icontains=text) | Q(orgnr__contains=orgnr_term))
        .values_list("name", flat=False)
        .order_by("name")
    )


NAMED = CompiledRows(_named, text=CONTAINS, orgnr_term=CONTAINS)


def test_a_searched_text_is_escaped_and_wrapped_as_the_lookup_does_it(unit):
    """A ``CONTAINS`` marker: each call's text is searched for as ``icontains``/``contains`` search
    for it, ``%``, ``_`` and ``\\`` taken as themselves and an empty text found in every value."""
    from tests.factories.employers import EmployerFactory

    for name, orgnr in [
        ("Hundra % Bygg AB", "556036-0793"),
        ("Snabb_Städ AB", ""),
        ("Back\\slash Lager", "212000-0142"),
        ("kalmar lager", ""),
        ("Kalmar Lager AB", "556677-8899"),
    ]:
        EmployerFactory(name=name, orgnr=orgnr, unit=unit)
    cases = {
        ("%", "%"): 1,
        ("_", "_"): 1,
        ("\\", "\\"): 1,
        ("LAGER", "-"): 4,  # three names, three organisation numbers: four employers
        ("lager", "x"): 3,
        ("", ""): 5,
        ("Ö", "5566"): 1,
        ("ström", "nothing"): 0,
    }
    for (text, orgnr_term), count in cases.items():
        found = NAMED.rows(text=text, orgnr_term=orgnr_term)
        assert found == list(_named(text, orgnr_term)), (text, orgnr_term)
        assert len(found) == count, (text, orgnr_term, found)


def test_a_searched_text_must_stand_where_a_lookup_wraps_it(people):
    """A ``CONTAINS`` marker given to an exact lookup is not in the SQL as a search: refused."""
    exact = CompiledRows(
        lambda status: Placement.objects.filter(status=status).values_list("pk"),
        status=CONTAINS,
    )
    with pytest.raises(RuntimeError, match="markers not in the SQL"):
        exact.rows(status="ended")
