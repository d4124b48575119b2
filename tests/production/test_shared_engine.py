"""One engine per unit and version shared by the machine's processes, patched on a change (issue 14):
patched results equal a full rebuild's; processes share one build; a stale or corrupt file is
rebuilt, never served."""

import json
import multiprocessing
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import Skill
from employers.choices import ProfileStatus
from employers.models import TaskProfileSkill
from matching import engine_version, features
from matching.engine import Engine, ParticipantRecord, ProfileRecord
from matching.engine import store as engine_store
from matching.models import Consent, ParticipantAdaptationNeed, ParticipantSkill
from tests.factories.employers import SiteFactory, TaskProfileFactory
from tests.factories.matching import ParticipantFactory

# --- the store, without Django ---------------------------------------------------------------


def small_engine(hours_max: float = 30) -> Engine:
    people = [
        ParticipantRecord(id=i, lat=56.66, lon=16.36, hours_min=10, hours_max=hours_max)
        for i in (1, 2, 3)
    ]
    jobs = [
        ProfileRecord(id=j, employer_id=7, lat=56.67, lon=16.35, hours_min=10, hours_max=30)
        for j in (10, 11)
    ]
    return Engine(people, jobs)


def _build_counted(counter: str):
    def build():
        time.sleep(0.3)  # long enough for the other process to arrive while this one builds
        with open(counter, "a") as f:
            f.write("built\n")
        return small_engine(), {"labels": "x"}

    return build


def _child(root: str, counter: str, results) -> None:
    engine, extra, _built = engine_store.shared(
        Path(root), "unit-1", "version-a", _build_counted(counter)
    )
    results.put([m.profile_id for m in engine.rank_profiles(1, limit=5)])


def test_two_processes_share_one_build(tmp_path):
    counter = tmp_path / "builds.txt"
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    children = [
        ctx.Process(target=_child, args=(str(tmp_path / "engine"), str(counter), results))
        for _ in range(3)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(30)
        assert child.exitcode == 0
    assert counter.read_text().count("built") == 1
    rankings = [results.get(timeout=5) for _ in children]
    assert rankings[0] == [10, 11] and all(r == rankings[0] for r in rankings)


def test_a_stored_engine_is_memory_mapped_and_ranks_as_built(tmp_path):
    built = small_engine()
    engine_store.save(built, tmp_path / "e", "k", extra={"a": 1})
    loaded, extra = engine_store.load(tmp_path / "e", "k")
    assert extra == {"a": 1}
    assert isinstance(loaded.tables.participants.hours_max, __import__("numpy").memmap)
    assert [(m.profile_id, m.score) for m in loaded.rank_profiles(2)] == [
        (m.profile_id, m.score) for m in built.rank_profiles(2)
    ]


@pytest.mark.parametrize("damage", ["flip_a_byte", "drop_a_file", "no_manifest", "other_version"])
def test_a_stale_or_corrupt_store_is_rebuilt_never_served(tmp_path, damage):
    root = tmp_path / "engine"
    engine_store.shared(root, "unit-1", "v", lambda: (small_engine(hours_max=5), None))
    (directory,) = root.glob("unit-1@*")
    if damage == "flip_a_byte":
        victim = directory / "participants.hours_max.npy"
        data = bytearray(victim.read_bytes())
        data[-1] ^= 0xFF
        victim.write_bytes(bytes(data))
    elif damage == "drop_a_file":
        (directory / "profiles.hours_min.npy").unlink()
    elif damage == "no_manifest":
        (directory / engine_store.MANIFEST).unlink()
    else:
        manifest = json.loads((directory / engine_store.MANIFEST).read_text())
        manifest["key"] = "another"
        (directory / engine_store.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(engine_store.StoreError):
        engine_store.load(directory, "v")
    engine, _extra, built = engine_store.shared(
        root, "unit-1", "v", lambda: (small_engine(hours_max=30), None)
    )
    assert built
    assert float(engine.tables.participants.hours_max[0]) == 30  # the rebuilt one, not the damaged
    again, _extra, built = engine_store.shared(root, "unit-1", "v", lambda: 1 / 0)
    assert not built and float(again.tables.participants.hours_max[0]) == 30


def test_old_versions_are_removed_after_a_build(tmp_path):
    root = tmp_path / "engine"
    engine_store.shared(root, "unit-1", "v1", lambda: (small_engine(), None))
    engine_store.shared(root, "unit-10", "v1", lambda: (small_engine(), None))
    engine_store.shared(root, "unit-1", "v2", lambda: (small_engine(), None))
    assert len(list(root.glob("unit-1@*"))) == 1
    assert len(list(root.glob("unit-10@*"))) == 1  # another unit's is kept


# --- incremental updates through the change log ------------------------------------------------


@pytest.fixture
def shared_engines(settings, tmp_path):
    settings.ENGINE_VERSION_RECHECK_SECONDS = 60
    settings.ENGINE_STORE_DIR = str(tmp_path / "engine")
    cache.clear()
    features.forget()
    engine_version.forget_pending()
    yield
    features.forget()
    engine_version.forget_pending()


def skill(label):
    return Skill.objects.get(label=label)


@pytest.fixture
def world(unit, guide, employer):
    truck, picking = skill("Truckvana"), skill("Orderplockning")
    profiles = []
    for i, (lat, lon) in enumerate([(56.67, 16.36), (56.66, 16.30), (56.70, 16.40)]):
        site = SiteFactory(employer=employer, latitude=lat, longitude=lon)
        job = TaskProfileFactory(employer=employer, site=site, slots_total=2)
        TaskProfileSkill.objects.create(
            profile=job, skill=truck if i % 2 else picking, weight=3 + i, required=i == 2
        )
        profiles.append(job)
    people = []
    for i in range(5):
        person = ParticipantFactory(unit=unit, guide=guide, hours_min=5 + 5 * i, hours_max=35)
        ParticipantSkill.objects.create(
            participant=person,
            skill=truck if i % 2 else picking,
            source=["self_reported", "observed", "validated"][i % 3],
            level=1 + i % 4,
        )
        people.append(person)
    return {"people": people, "profiles": profiles, "truck": truck, "picking": picking}


def rankings(engine: Engine) -> dict:
    out = {}
    for pid in sorted(int(i) for i in engine.tables.participants.ids):
        for facing in (False, True):
            out["participant", pid, facing] = [
                (m.profile_id, round(m.score, 9), tuple(m.reasons))
                for m in engine.rank_profiles(
                    pid, limit=1000, include_excluded=True, employer_facing=facing
                )
            ]
    for rid in sorted(int(i) for i in engine.tables.profiles.ids):
        out["profile", rid] = [
            (m.participant_id, round(m.score, 9), tuple(m.reasons))
            for m in engine.rank_participants(rid, limit=1000, include_excluded=True)
        ]
    return out


def assert_equals_a_full_rebuild(unit_id: int) -> features.UnitEngine:
    current = features.unit_engine(unit_id)
    full, _labels, _counts = features._engine_from_db(unit_id)
    assert rankings(current.engine) == rankings(full)
    return current


def change(unit, world, other_unit, scenario):
    a, b = world["people"][0], world["people"][1]
    job = world["profiles"][0]
    if scenario == "skill added":
        ParticipantSkill.objects.create(
            participant=a, skill=world["truck"], source="validated", level=3
        )
    elif scenario == "profile slots and status":
        job.slots_taken = 2
        job.save()
        second = world["profiles"][1]
        second.status = ProfileStatus.PAUSED
        second.save()
        third = world["profiles"][2]
        third.status = ProfileStatus.CLOSED  # leaves matching
        third.save()
    elif scenario == "participant moved":
        b.unit = other_unit
        b.save()
    elif scenario == "consent withdrawn":
        import datetime as dt

        consent = Consent.objects.create(
            participant=a,
            employer=job.employer,
            purpose="p",
            scopes=["skills"],
            given_on=dt.date.today(),
            method="digital",
            recorded_by=a.guide,
        )
        return consent
    elif scenario == "participant exited":
        b.active = False
        b.save()
    elif scenario == "site offers an adaptation":
        from core.models import Adaptation

        job.site.offered_adaptations.add(Adaptation.objects.order_by("pk").first())
    elif scenario == "adaptation need added":
        from core.models import Adaptation

        adaptation = Adaptation.objects.order_by("pk").first()
        ParticipantAdaptationNeed.objects.create(participant=a, adaptation=adaptation)
    elif scenario == "participant added":
        newcomer = ParticipantFactory(unit=unit, guide=a.guide)
        ParticipantSkill.objects.create(
            participant=newcomer, skill=world["picking"], source="observed", level=2
        )
    return None


SCENARIOS = [
    "skill added",
    "profile slots and status",
    "participant moved",
    "consent withdrawn",
    "participant exited",
    "participant added",
]


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_patched_engine_equals_a_full_rebuild(
    shared_engines, unit, other_unit, world, scenario, django_capture_on_commit_callbacks
):
    assert_equals_a_full_rebuild(unit.pk)
    builds = features.BUILDS[unit.pk]
    with django_capture_on_commit_callbacks(execute=True):
        consent = change(unit, world, other_unit, scenario)
    patched = assert_equals_a_full_rebuild(unit.pk)
    assert features.BUILDS[unit.pk] == builds  # patched, not rebuilt
    assert patched.patched_rows >= 1
    if consent is not None:  # and withdrawn again
        with django_capture_on_commit_callbacks(execute=True):
            from matching.participants.services.consents import consent_withdraw

            consent_withdraw(consent=consent, by=world["people"][0].guide)
        assert_equals_a_full_rebuild(unit.pk)
        assert features.BUILDS[unit.pk] == builds


@pytest.fixture
def reads_of_participants(monkeypatch):
    """The participants whose rows a patch reads from the database."""
    read = []
    original = features.participant_records

    def spy(participants):
        read.extend(p.pk for p in participants)
        return original(participants)

    monkeypatch.setattr(features, "participant_records", spy)
    return read


PARTICIPANT_SCENARIOS = [
    "skill added",
    "participant moved",
    "consent withdrawn",
    "participant exited",
    "participant added",
]


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", PARTICIPANT_SCENARIOS)
def test_a_participant_is_patched_from_the_record_its_writer_published(
    shared_engines,
    unit,
    other_unit,
    world,
    scenario,
    django_capture_on_commit_callbacks,
    reads_of_participants,
):
    """The process that made the change publishes the participant's record when its request ends;
    the others patch from it (no read of the participant's rows) and equal a full rebuild."""
    assert_equals_a_full_rebuild(unit.pk)
    builds = features.BUILDS[unit.pk]
    with django_capture_on_commit_callbacks(execute=True):
        change(unit, world, other_unit, scenario)
    features.publish_pending()  # the end of the writer's request
    reads_of_participants.clear()
    patched = features.unit_engine(unit.pk)
    assert reads_of_participants == []
    assert features.BUILDS[unit.pk] == builds
    assert patched.patched_rows >= 1
    assert_equals_a_full_rebuild(unit.pk)


@pytest.mark.django_db
def test_a_record_is_not_used_for_a_later_change_it_does_not_reflect(
    shared_engines, unit, world, django_capture_on_commit_callbacks, reads_of_participants
):
    person = world["people"][1]
    features.unit_engine(unit.pk)
    with django_capture_on_commit_callbacks(execute=True):
        person.hours_max = 21
        person.save()
    features.publish_pending()
    with django_capture_on_commit_callbacks(execute=True):  # changed again, nothing published
        person.hours_max = 12
        person.save()
    engine_version.forget_pending()
    reads_of_participants.clear()
    ue = features.unit_engine(unit.pk)
    assert reads_of_participants == [person.pk]  # read from the database, not the older record
    row = ue.engine.tables.participants.records[ue.engine.participant_row(person.pk)]
    assert row.hours_max == 12
    assert_equals_a_full_rebuild(unit.pk)


@pytest.mark.django_db
def test_an_eager_task_inside_a_request_leaves_the_publishing_to_the_request(
    shared_engines, unit, world
):
    from types import SimpleNamespace

    person = world["people"][0]
    eager = SimpleNamespace(request=SimpleNamespace(is_eager=True))
    engine_version._remember(7, [("participant", person.pk), ("profile", 3)])
    engine_version.forget_pending(task=eager)  # the task starts inside the request
    features.publish_pending(task=eager)  # … and ends, its request's transaction still open
    assert cache.get(engine_version.RECORD_KEY.format("participant", person.pk, 7)) is None
    features.publish_pending()  # the request ends
    unit_id, record = cache.get(engine_version.RECORD_KEY.format("participant", person.pk, 7))
    assert unit_id == unit.pk and record.id == person.pk and record.hours_max == person.hours_max
    worker = SimpleNamespace(request=SimpleNamespace(is_eager=False))
    engine_version._remember(8, [("participant", person.pk)])
    engine_version.forget_pending(task=worker)  # a task in a worker starts afresh
    assert engine_version.take_pending() == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_through_the_api_publishes_the_record_when_its_request_ends(
    shared_engines, api, guide, unit, reads_of_participants
):
    person = ParticipantFactory(unit=unit, guide=guide, hours_min=5, hours_max=35)
    features.unit_engine(unit.pk)
    response = api(guide).patch(f"/api/v1/participants/{person.pk}/", {"hours_max": 19})
    assert response.status_code == 200
    reads_of_participants.clear()  # the writer's own publishing read it once
    ue = features.unit_engine(unit.pk)  # another process's next matches request
    assert reads_of_participants == []
    assert (
        ue.engine.tables.participants.records[ue.engine.participant_row(person.pk)].hours_max == 19
    )
    assert_equals_a_full_rebuild(unit.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", ["site offers an adaptation", "adaptation need added"])
def test_other_changes_equal_a_full_rebuild(
    shared_engines, unit, other_unit, world, scenario, django_capture_on_commit_callbacks
):
    """Patched or rebuilt (a key the vocabulary lacks), the result is the full build's."""
    assert_equals_a_full_rebuild(unit.pk)
    with django_capture_on_commit_callbacks(execute=True):
        change(unit, world, other_unit, scenario)
    assert_equals_a_full_rebuild(unit.pk)


@pytest.mark.django_db
def test_a_new_skill_or_a_lost_log_rebuilds_in_full(
    shared_engines, unit, world, django_capture_on_commit_callbacks
):
    features.unit_engine(unit.pk)
    builds = features.BUILDS[unit.pk]
    with django_capture_on_commit_callbacks(execute=True):
        ParticipantSkill.objects.create(
            participant=world["people"][0], free_text="Svetsning med TIG", source="observed"
        )
    assert_equals_a_full_rebuild(unit.pk)  # a skill no record had: related skills change
    assert features.BUILDS[unit.pk] == builds + 1
    before = engine_version.counter()
    with django_capture_on_commit_callbacks(execute=True):
        world["people"][2].hours_max = 20
        world["people"][2].save()
    cache.delete(engine_version.LOG_KEY.format(before + 1))  # evicted
    assert_equals_a_full_rebuild(unit.pk)
    assert features.BUILDS[unit.pk] == builds + 2


@pytest.mark.django_db
def test_a_change_without_a_signal_is_caught_by_the_periodic_confirmation(
    shared_engines, settings, unit, world
):
    first = features.unit_engine(unit.pk)
    from django.utils import timezone

    from matching.models import Participant

    Participant.objects.filter(pk=world["people"][3].pk).update(
        active=False, updated_at=timezone.now()
    )  # no signal
    assert features.unit_engine(unit.pk) is first  # trusted within the window
    settings.ENGINE_VERSION_RECHECK_SECONDS = 1e-9
    assert_equals_a_full_rebuild(unit.pk)
    assert world["people"][3].pk not in features.unit_engine(unit.pk).engine._participant_row


@pytest.mark.django_db
def test_an_unannounced_write_next_to_an_announced_one_is_caught_too(
    shared_engines, settings, unit, world, django_capture_on_commit_callbacks
):
    """A placement takes a slot with ``QuerySet.update`` (no signal) in the same moment as a
    signalled edit: the patch sees only the edit, the periodic confirmation rebuilds."""
    from django.db.models import F
    from django.utils import timezone

    from employers.models import TaskProfile

    features.unit_engine(unit.pk)
    job = world["profiles"][0]
    with django_capture_on_commit_callbacks(execute=True):
        TaskProfile.objects.filter(pk=job.pk).update(
            slots_taken=F("slots_total"), updated_at=timezone.now()
        )
        world["people"][1].hours_max = 30
        world["people"][1].save()
    patched = features.unit_engine(unit.pk)
    assert patched.patched_rows == 1
    assert patched.engine.tables.profiles.records[patched.engine.profile_row(job.pk)].available
    settings.ENGINE_VERSION_RECHECK_SECONDS = 1e-9
    current = assert_equals_a_full_rebuild(unit.pk)
    assert not current.engine.tables.profiles.records[current.engine.profile_row(job.pk)].available


@pytest.fixture
def held_confirmation(monkeypatch, settings):
    """Background confirmations on; the thread waits before it reads the unit's full version
    until the test lets it go (requests' own reads do not)."""
    import threading

    settings.ENGINE_CONFIRM_IN_BACKGROUND = True
    started, release = threading.Event(), threading.Event()
    version = features.unit_version

    def held(unit_id):
        if threading.current_thread().name.startswith("engine-confirm"):
            started.set()
            assert release.wait(30)
        return version(unit_id)

    monkeypatch.setattr(features, "unit_version", held)
    yield started, release
    release.set()
    features.wait_for_confirmations(30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_periodic_confirmation_builds_beside_the_request(
    shared_engines, settings, unit, world, held_confirmation
):
    """The request that finds the confirmation due answers at once with the engine it has; a
    thread confirms and builds in full, and the next lookup gets the build, which saw the write
    that no signal announced."""
    from django.utils import timezone

    from matching.models import Participant

    started, release = held_confirmation
    first = features.unit_engine(unit.pk)
    gone = world["people"][3].pk
    Participant.objects.filter(pk=gone).update(active=False, updated_at=timezone.now())
    builds = features.BUILDS[unit.pk]
    settings.ENGINE_VERSION_RECHECK_SECONDS = 1e-9
    assert features.unit_engine(unit.pk).engine is first.engine  # did not wait for the build
    assert started.wait(30)
    assert features.unit_engine(unit.pk).engine is first.engine  # one confirmation at a time
    release.set()
    features.wait_for_confirmations(30)
    assert features.BUILDS[unit.pk] == builds + 1
    settings.ENGINE_VERSION_RECHECK_SECONDS = 60
    assert gone not in features.unit_engine(unit.pk).engine._participant_row
    assert_equals_a_full_rebuild(unit.pk)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_background_build_older_than_a_request_s_own_is_not_kept(
    shared_engines, settings, unit, world, held_confirmation
):
    """While the thread builds, a change only a full build can take (``all``) is rebuilt on a
    request: the thread's build, older, does not replace it."""
    started, release = held_confirmation
    features.unit_engine(unit.pk)
    world["people"][1].hours_max = 21
    world["people"][1].save()
    settings.ENGINE_VERSION_RECHECK_SECONDS = 1e-9
    features.unit_engine(unit.pk)
    assert started.wait(30)
    settings.ENGINE_VERSION_RECHECK_SECONDS = 60
    engine_version.bump()
    rebuilt = features.unit_engine(unit.pk)
    release.set()
    features.wait_for_confirmations(30)
    assert features.unit_engine(unit.pk).engine is rebuilt.engine


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_background_confirmation_keeps_the_engine_and_is_tried_again(
    shared_engines, settings, unit, world, monkeypatch, caplog
):
    """The unit's full version cannot be read (the database is away): the engine in use stays,
    the failure is logged, and the next period confirms."""
    settings.ENGINE_CONFIRM_IN_BACKGROUND = True
    first = features.unit_engine(unit.pk)
    builds = features.BUILDS[unit.pk]
    world["people"][2].hours_max = 22
    world["people"][2].save()
    version = features.unit_version

    def away(unit_id):
        raise OSError("database away")

    monkeypatch.setattr(features, "unit_version", away)
    settings.ENGINE_VERSION_RECHECK_SECONDS = 1e-9
    patched = features.unit_engine(unit.pk)
    features.wait_for_confirmations(30)
    assert "the background confirmation failed" in caplog.text
    assert features.BUILDS[unit.pk] == builds
    assert patched.version == first.version and patched.patched_rows == 1
    monkeypatch.setattr(features, "unit_version", version)
    features.unit_engine(unit.pk)
    features.wait_for_confirmations(30)
    settings.ENGINE_VERSION_RECHECK_SECONDS = 60
    assert features.unit_engine(unit.pk).version == features.unit_version(unit.pk)
    assert_equals_a_full_rebuild(unit.pk)


def slots_free(ue: features.UnitEngine, profile_id: int) -> int:
    return ue.engine.tables.profiles.records[ue.engine.profile_row(profile_id)].slots_free


@pytest.mark.django_db
def test_slots_taken_and_freed_by_placements_are_seen_at_once(
    shared_engines, unit, guide, world, django_capture_on_commit_callbacks
):
    """A placement takes its slot with ``QuerySet.update`` (no model signal) and announces it: the
    next lookup patches the profile, long before the periodic confirmation (60 s here)."""
    import datetime as dt

    from placements.services.placements import placement_agree, placement_end, placement_propose

    job, person = world["profiles"][0], world["people"][0]  # two slots
    assert slots_free(features.unit_engine(unit.pk), job.pk) == 2
    builds = features.BUILDS[unit.pk]
    start = dt.date(2026, 11, 2)
    with django_capture_on_commit_callbacks(execute=True):
        placement = placement_propose(
            participant=person,
            task_profile=job,
            by=guide,
            planned_start=start,
            planned_end=start + dt.timedelta(weeks=8),
            hours_per_week=20,
        )
    with django_capture_on_commit_callbacks(execute=True):
        placement_agree(placement=placement, by=guide)  # one slot taken, the profile stays open
    assert slots_free(assert_equals_a_full_rebuild(unit.pk), job.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        placement_end(placement=placement, by=guide, ended_on=start, reason="Avbrutet")
    assert slots_free(assert_equals_a_full_rebuild(unit.pk), job.pk) == 2
    assert features.BUILDS[unit.pk] == builds  # patched each time, never rebuilt


@pytest.mark.django_db
def test_bulk_writes_announce_their_rows(
    shared_engines, unit, coordinator, world, django_capture_on_commit_callbacks
):
    """``core.writes.announce_rows``: the engine's own kinds by row, anything else as "all";
    models the engine does not read announce nothing."""
    from core.models import User
    from core.writes import announce_rows
    from employers.models import Employer, TaskProfile

    job = world["profiles"][0]
    before = engine_version.counter()
    with django_capture_on_commit_callbacks(execute=True):
        announce_rows(TaskProfile, [job.pk])
        announce_rows(Employer)
        announce_rows(User, [coordinator.pk])  # ignored: the engine does not read users
    after = engine_version.counter()
    assert engine_version.changes_between(before, after) == [("profile", job.pk), ("all", None)]


@pytest.mark.django_db
def test_a_merge_and_a_new_adaptation_need_are_seen_without_the_confirmation(
    shared_engines, unit, coordinator, guide, employer, world, django_capture_on_commit_callbacks
):
    from core.models import Adaptation
    from employers.services.duplicates import employer_merge
    from matching.participants.services.participants import participant_set_adaptation_needs
    from tests.factories.employers import EmployerFactory

    features.unit_engine(unit.pk)
    twin = EmployerFactory(
        unit=unit, name=employer.name + " Lager", municipality=employer.municipality
    )
    with django_capture_on_commit_callbacks(execute=True):
        employer_merge(keep=twin, remove=employer, by=coordinator)
    merged = assert_equals_a_full_rebuild(unit.pk)  # rebuilt: "all", and never the stored one
    job = world["profiles"][0]
    assert merged.engine.tables.profiles.records[merged.engine.profile_row(job.pk)].employer_id == (
        twin.pk
    )
    adaptation = Adaptation.objects.filter(active=True).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):  # nothing deleted: no model signal
        participant_set_adaptation_needs(
            participant=world["people"][2], by=guide, needs=[{"adaptation": adaptation}]
        )
    assert_equals_a_full_rebuild(unit.pk)


@pytest.mark.django_db
def test_processes_of_one_machine_load_the_stored_build(shared_engines, unit, world):
    features.unit_engine(unit.pk)
    builds = features.BUILDS[unit.pk]
    features.forget()  # a second process: nothing in memory, the same machine's files and cache
    features.unit_engine(unit.pk)
    assert features.BUILDS[unit.pk] == builds


# --- property: any mix of row changes patches to what a full build gives ------------------------


def _synthetic(n_people: int, n_jobs: int):
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "matching.py"
    spec = importlib.util.spec_from_file_location("bench_matching_shared", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic(n_people, n_jobs)


BASE_PEOPLE, BASE_JOBS = _synthetic(60, 40)


@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["hours", "move", "drop", "swap_skills", "copy_in"]),
            st.sampled_from(["participant", "profile"]),
            st.integers(0, 39),
            st.integers(0, 39),
        ),
        min_size=1,
        max_size=6,
    )
)
@hsettings(max_examples=40, deadline=None)
def test_any_row_changes_patch_to_the_full_build(edits):
    import dataclasses

    from matching.engine.patch import patched, record_skills

    people = {p.id: p for p in BASE_PEOPLE}
    jobs = {j.id: j for j in BASE_JOBS}
    base = Engine(list(people.values()), list(jobs.values()))
    counts = record_skills([*people.values(), *jobs.values()])
    changed = {"participant": {}, "profile": {}}
    removed = {"participant": set(), "profile": set()}
    fresh_id = 10_000
    for what, side, i, j in edits:
        rows = people if side == "participant" else jobs
        ids = sorted(rows)
        if not ids:
            continue
        a, b = rows[ids[i % len(ids)]], rows[ids[j % len(ids)]]
        if what == "hours":
            new = dataclasses.replace(a, hours_min=min(a.hours_min, 8), hours_max=a.hours_min + 12)
        elif what == "move":
            new = dataclasses.replace(a, lat=b.lat, lon=b.lon)
        elif what == "swap_skills":
            new = dataclasses.replace(a, skills=dict(b.skills))
        elif what == "copy_in":  # a newcomer like an existing row
            fresh_id += 1
            new = dataclasses.replace(b, id=fresh_id)
        else:
            del rows[a.id]
            changed[side].pop(a.id, None)
            removed[side].add(a.id)
            continue
        rows[new.id] = new
        changed[side][new.id] = new
        removed[side].discard(new.id)
    result = patched(
        base,
        counts,
        participants=list(changed["participant"].values()),
        profiles=list(changed["profile"].values()),
        removed_participants=removed["participant"],
        removed_profiles=removed["profile"],
    )
    full = Engine(list(people.values()), list(jobs.values()))
    from hypothesis import event

    event("refused" if result is None else "patched")
    if result is None:  # refused: the set of skills changed (a full build is then required)
        assert set(record_skills([*people.values(), *jobs.values()])) != set(counts)
        return
    assert rankings(result[0]) == rankings(full)
