"""Builds the engine's records from the database in a few bulk queries (never one per pair), and
caches one engine per unit until any of its inputs changes."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone, translation

from core.compiled import CompiledRows
from core.licences import CAR_LICENCE, inclusion_map, with_included
from core.models import (
    Adaptation,
    KgaCompetence,
    Licence,
    OccupationSubstitution,
    OcnModule,
    Skill,
    Unit,
)
from core.taxonomy import fold
from employers.choices import ProfileStatus
from employers.models import TaskProfile, TaskProfileSkill
from matching.choices import OcnStatus
from matching.engine import Engine, ParticipantRecord, ProfileRecord
from matching.engine import store as engine_store
from matching.engine.patch import patched, record_skills
from matching.engine.related import related_skills
from matching.models import (
    Consent,
    KgaAssessment,
    MatchDecision,
    MatchWeights,
    OcnCase,
    Participant,
    ParticipantAdaptationNeed,
    ParticipantSkill,
)
from matching.participants.selectors import latest_kga_levels
from matching.participants.services.consents import consented_employer_ids

LOAD_WINDOW_DAYS = 60


def skill_key(skill_id: int | None, free_text: str):
    return skill_id if skill_id is not None else ("text", fold(free_text))


@dataclass
class Labels:
    skills: dict = field(default_factory=dict)
    adaptations: dict = field(default_factory=dict)
    modules: dict = field(default_factory=dict)
    competences: dict = field(default_factory=dict)
    licences: dict = field(default_factory=dict)
    # The English names, where the vocabulary has them: an explanation in English names an
    # adaptation "Quiet workspace", not "Lugn arbetsplats".
    english: dict = field(default_factory=dict)

    def name(self, kind: str, key) -> str:
        """The adaptation, module or competence ``key`` in the active language."""
        if (translation.get_language() or "").startswith("en"):
            english = self.english.get(kind, {}).get(key)
            if english:
                return english
        return getattr(self, kind).get(key, str(key))

    def skill(self, key) -> str:
        if isinstance(key, tuple):
            return key[1]
        return self.skills.get(key, str(key))


logger = logging.getLogger("brygga.engine")


@dataclass
class UnitEngine:
    engine: Engine
    labels: Labels
    version: tuple  # the full version (``unit_version``) of the last full build
    token: int | None = None  # the change counter this engine is current to (None: unknown)
    skill_counts: Counter = field(default_factory=Counter)
    patched_rows: int = 0  # rows patched since the last full build
    checked_at: float = 0.0  # when the full version was last confirmed (time.monotonic)
    transit: object | None = None  # the unit's stored public-transport matrix (issue 24)


def _participant_rows_query(ids: list[int]):
    """The participants' own rows the engine reads, in one query (a ``UNION ALL`` of six small
    reads: each would otherwise cost a query, and the first matches request after an edit pays
    them all). Rows: (kind, participant id, number, text, source, level)."""
    from django.db.models import CharField, F, IntegerField, Value

    text, number = CharField(), IntegerField()

    def rows(model, kind, *, pid="participant_id", n=None, txt=None, source=None, level=None, **f):
        return (
            model.objects.filter(**{f"{pid}__in": ids}, **f)
            .order_by()
            .values_list(
                Value(kind, output_field=text),
                F(pid),
                F(n) if n else Value(None, output_field=number),
                F(txt) if txt else Value("", output_field=text),
                F(source) if source else Value("", output_field=text),
                F(level) if level else Value(None, output_field=number),
            )
        )

    return rows(
        ParticipantSkill, "skill", n="skill_id", txt="free_text", source="source", level="level"
    ).union(
        rows(ParticipantAdaptationNeed, "need", n="adaptation_id"),
        rows(Participant.desired_occupations.through, "occupation", n="occupation_id"),
        rows(Participant.desired_industries.through, "industry", txt="industry_id"),
        rows(Participant.licences.through, "licence", n="licence_id"),
        rows(OcnCase, "certified", n="module_id", level="level", status=OcnStatus.CERTIFIED),
        all=True,
    )


_ROWS = CompiledRows(_participant_rows_query, ids=[])


def _participant_rows(ids: list[int]) -> list[tuple]:
    """``_participant_rows_query(ids)``'s rows, from the SQL compiled once (``core.compiled``):
    building and compiling six querysets cost more than running them (~2 ms a participant)."""
    return _ROWS.rows(ids=ids)


def _licence_facts() -> tuple[dict[int, set[int]], int | None]:
    """Which licences include which (``core.licences.inclusion_map``) and the car licence's id,
    from the shared cache: the same for every participant, dropped when licences change
    (matching/apps.py)."""
    from core.choice_cache import cached_choices

    def build():
        car = Licence.objects.filter(code=CAR_LICENCE).values_list("pk", flat=True).first()
        return [car, [(pk, sorted(ids)) for pk, ids in inclusion_map().items()]]

    car, pairs = cached_choices("licence-facts", "", build)
    return {pk: set(ids) for pk, ids in pairs}, car


# Keep the strongest evidence of a skill (validated > observed > self-reported).
EVIDENCE_RANK = {"validated": 3, "observed": 2, "self_reported": 1}


def participant_records(participants) -> list[ParticipantRecord]:
    ids = [p.pk for p in participants]
    skills = defaultdict(dict)
    needs = defaultdict(set)
    desired_occ = defaultdict(set)
    desired_ind = defaultdict(set)
    held = defaultdict(set)
    certified: dict[int, dict[int, int]] = {}
    for kind, pid, n, txt, source, level in _participant_rows(ids):
        if kind == "skill":
            key = skill_key(n, txt)
            current = skills[pid].get(key)
            if current is None or (EVIDENCE_RANK[source], level) > (
                EVIDENCE_RANK[current[0]],
                current[1],
            ):
                skills[pid][key] = (source, level)
        elif kind == "need":
            needs[pid].add(n)
        elif kind == "occupation":
            desired_occ[pid].add(n)
        elif kind == "industry":
            desired_ind[pid].add(txt)
        elif kind == "licence":
            held[pid].add(n)
        else:  # certified OCN module
            certified.setdefault(pid, {})[n] = level or 1
    wanted = {o for s in desired_occ.values() for o in s}
    substitutes = defaultdict(dict)
    for src, dst, pct in OccupationSubstitution.objects.filter(
        from_occupation_id__in=wanted
    ).values_list("from_occupation_id", "to_occupation_id", "percentage"):
        substitutes[src][dst] = max(pct, substitutes[src].get(dst, 0))
    kga = latest_kga_levels(ids)
    consents = consented_employer_ids(ids)
    included, car = _licence_facts()
    # The flag means the car licence (class B): rows written before the licence list, or by a
    # bulk path that skips the services, still count as holding it.
    if car is not None:
        for p in participants:
            if p.has_driving_licence:
                held[p.pk].add(car)
    records = []
    for p in participants:
        subs: dict[int, int] = {}
        for occ in desired_occ[p.pk]:
            for dst, pct in substitutes[occ].items():
                if dst not in desired_occ[p.pk]:
                    subs[dst] = max(pct, subs.get(dst, 0))
        records.append(
            ParticipantRecord(
                id=p.pk,
                lat=p.latitude,
                lon=p.longitude,
                hours_min=p.hours_min,
                hours_max=p.hours_max,
                swedish_level=p.swedish_level,
                needs=frozenset(needs[p.pk]),
                means=tuple(p.commute_means or ("walk",)),
                has_licence=p.has_driving_licence,
                has_car=p.has_car,
                own_minutes=p.commute_max_minutes,
                own_km=p.commute_max_km,
                skills=skills[p.pk],
                certified_modules=certified.get(p.pk, {}),
                kga=kga.get(p.pk, {}),
                desired_occupations=frozenset(desired_occ[p.pk]),
                substitute_occupations=subs,
                desired_industries=frozenset(desired_ind[p.pk]),
                consent_employers=frozenset(consents.get(p.pk, set())),
                licences=frozenset(with_included(held[p.pk], included)),
            )
        )
    return records


def profile_records(profiles) -> list[ProfileRecord]:
    ids = [r.pk for r in profiles]
    skills = defaultdict(dict)
    must = defaultdict(set)
    for rid, sid, text, weight, required, is_must in TaskProfileSkill.objects.filter(
        profile_id__in=ids
    ).values_list("profile_id", "skill_id", "free_text", "weight", "required", "must"):
        skills[rid][skill_key(sid, text)] = (float(weight), bool(required))
        if is_must:
            must[rid].add(skill_key(sid, text))
    licences = defaultdict(set)
    for rid, lid in TaskProfile.required_licences.through.objects.filter(
        taskprofile_id__in=ids
    ).values_list("taskprofile_id", "licence_id"):
        licences[rid].add(lid)
    offered = defaultdict(set)
    for rid, aid in TaskProfile.offered_adaptations.through.objects.filter(
        taskprofile_id__in=ids
    ).values_list("taskprofile_id", "adaptation_id"):
        offered[rid].add(aid)
    site_ids = {r.site_id for r in profiles}
    from employers.models import Site

    site_offered = defaultdict(set)
    for sid, aid in Site.offered_adaptations.through.objects.filter(
        site_id__in=site_ids
    ).values_list("site_id", "adaptation_id"):
        site_offered[sid].add(aid)
    ocn = defaultdict(dict)
    kga = defaultdict(dict)
    from employers.models import TaskProfileKgaRequirement, TaskProfileOcnRequirement

    # A profile asks for the module at the module's own level; a certificate counts at its level.
    for rid, mid, level in TaskProfileOcnRequirement.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "module_id", "module__level"
    ):
        ocn[rid][mid] = level
    for rid, cid, level in TaskProfileKgaRequirement.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "competence_id", "min_level"
    ):
        kga[rid][cid] = level
    since = timezone.now() - timezone.timedelta(days=LOAD_WINDOW_DAYS)
    load = dict(
        MatchDecision.objects.filter(
            task_profile_id__in=ids, decision="proposed", decided_at__gte=since
        )
        .values_list("task_profile_id")
        .annotate(n=Count("pk"))
        .values_list("task_profile_id", "n")
    )
    return [
        ProfileRecord(
            id=r.pk,
            employer_id=r.employer_id,
            lat=r.site.latitude,
            lon=r.site.longitude,
            hours_min=r.hours_min,
            hours_max=r.hours_max,
            swedish_level=r.swedish_level,
            offered=frozenset(offered[r.pk] | site_offered[r.site_id]),
            available=r.status == ProfileStatus.OPEN and r.slots_taken < r.slots_total,
            kind=r.kind,
            occupation_id=r.occupation_id,
            industry=r.employer.industry_id,
            skills=skills[r.pk],
            ocn_required=ocn[r.pk],
            kga_required=kga[r.pk],
            supervisor=r.supervisor_available,
            open_proposals=load.get(r.pk, 0),
            slots_free=max(r.slots_total - r.slots_taken, 0),
            required_licences=frozenset(licences[r.pk]),
            must_skills=frozenset(must[r.pk]),
        )
        for r in profiles
    ]


def _unit_profiles(unit_id: int):
    """The unit's own profiles and its region's regional ones (commute decides the rest)."""
    region_id = Unit.objects.filter(pk=unit_id).values_list("region_id", flat=True).first()
    return TaskProfile.objects.for_unit(unit_id, region_id)


def unit_version(unit_id: int) -> tuple:
    """Changes whenever anything the engine reads for the unit changes."""

    def agg(qs, field="updated_at"):
        row = qs.aggregate(n=Count("pk"), m=Max(field))
        return (row["n"], row["m"])

    people = Participant.objects.filter(unit_id=unit_id)
    profiles = _unit_profiles(unit_id)
    return (
        agg(people),
        agg(profiles),
        agg(profiles.values("site"), "site__updated_at"),
        agg(ParticipantSkill.objects.filter(participant__unit_id=unit_id), "pk"),
        agg(ParticipantAdaptationNeed.objects.filter(participant__unit_id=unit_id), "pk"),
        agg(TaskProfileSkill.objects.filter(profile__in=profiles), "pk"),
        agg(Consent.objects.filter(participant__unit_id=unit_id)),
        agg(
            OcnCase.objects.filter(participant__unit_id=unit_id, status="certified"),
            "certificate_issued_on",
        ),
        agg(KgaAssessment.objects.filter(participant__unit_id=unit_id), "pk"),
        agg(MatchDecision.objects.filter(participant__unit_id=unit_id), "pk"),
        agg(MatchWeights.objects.filter(unit_id=unit_id)),
        agg(Skill.objects.all(), "pk"),
        agg(Participant.licences.through.objects.filter(participant__unit_id=unit_id), "pk"),
        agg(TaskProfile.required_licences.through.objects.filter(taskprofile__in=profiles), "pk"),
        agg(Licence.includes.through.objects.all(), "pk"),
    )


def _engine_from_db(unit_id: int) -> tuple[Engine, Labels, Counter]:
    participants = list(Participant.objects.filter(unit_id=unit_id, active=True).order_by("pk"))
    profiles = list(
        _unit_profiles(unit_id)
        .exclude(status__in=[ProfileStatus.DRAFT, ProfileStatus.CLOSED])
        .select_related("site", "employer")
        .order_by("pk")
    )
    p_records, r_records = participant_records(participants), profile_records(profiles)
    skill_ids = {
        k for rec in (*p_records, *r_records) for k in rec.skills if not isinstance(k, tuple)
    }
    labels = Labels(
        skills=dict(Skill.objects.filter(pk__in=skill_ids).values_list("pk", "label")),
        adaptations=dict(Adaptation.objects.values_list("pk", "label")),
        modules=dict(OcnModule.objects.values_list("pk", "name")),
        competences=dict(KgaCompetence.objects.values_list("pk", "name")),
        licences=dict(Licence.objects.values_list("pk", "label")),
        english={
            "licences": dict(Licence.objects.exclude(label_en="").values_list("pk", "label_en")),
            "adaptations": dict(
                Adaptation.objects.exclude(label_en="").values_list("pk", "label_en")
            ),
            "modules": dict(OcnModule.objects.exclude(name_en="").values_list("pk", "name_en")),
            "competences": dict(
                KgaCompetence.objects.exclude(name_en="").values_list("pk", "name_en")
            ),
        },
    )
    text_labels = {k: (labels.skill(k)) for rec in (*p_records, *r_records) for k in rec.skills}
    weights_row = MatchWeights.objects.filter(unit_id=unit_id).first()
    engine = Engine(
        p_records,
        r_records,
        weights=weights_row.as_weights() if weights_row else None,
        related=related_skills(text_labels),
    )
    return engine, labels, record_skills((*p_records, *r_records))


BUILDS = Counter()  # full builds from the database by this process, per unit (benchmarks, tests)


def build_unit_engine(
    unit_id: int, version: tuple | None = None, token: int | None = None
) -> UnitEngine:
    """The unit's engine at its current version: loaded from the machine's shared store when a
    process already built it (``settings.ENGINE_STORE_DIR``), else built from the database.

    Stored under the full version and the change counter (``token``) the build started at: the
    full version does not see every change (an employer merge moves profiles without touching
    their ``updated_at``), so a build after an announced change must never be served one stored
    before it."""
    version = version if version is not None else unit_version(unit_id)

    def build():
        BUILDS[unit_id] += 1
        started = time.perf_counter()
        engine, labels, counts = _engine_from_db(unit_id)
        logger.info(
            "engine: unit %s built from the database in %.0f ms",
            unit_id,
            (time.perf_counter() - started) * 1000,
        )
        return engine, (labels, counts)

    root = getattr(settings, "ENGINE_STORE_DIR", "")
    if root:
        engine, (labels, counts), _built = engine_store.shared(
            root, f"unit-{unit_id}", repr((unit_id, version, token)), build
        )
    else:
        engine, (labels, counts) = build()
    return UnitEngine(engine, labels, version, skill_counts=counts)


# Past this many patched rows (or this share of the engine's) the next change rebuilds in full.
PATCH_LIMIT_ROWS = 256
PATCH_LIMIT_SHARE = 0.1


def publish_pending(**kwargs) -> None:
    """A request or task ends (its transactions committed): publish the engine records of the
    participants it changed, each under the number of its latest change, as (unit id, record);
    the record None for a participant no engine matches (inactive; deleted: unit id None too)."""
    from matching.engine_version import runs_inside_another, store_records, take_pending

    if runs_inside_another(**kwargs):
        return  # the request it runs in publishes, after its transactions
    numbers = take_pending()
    if not numbers:
        return
    try:
        people = {p.pk: p for p in Participant.objects.filter(pk__in=list(numbers))}
        records = {r.id: r for r in participant_records([p for p in people.values() if p.active])}
        store_records(
            "participant",
            numbers,
            {pk: (people[pk].unit_id if pk in people else None, records.get(pk)) for pk in numbers},
        )
    except Exception as exc:  # the other processes read the rows themselves
        logger.warning("engine records: not published: %s", exc)


def _patch(ue: UnitEngine, unit_id: int, numbered: list[tuple[int, tuple]]) -> UnitEngine | None:
    """``ue`` with the rows the ``(number, change)`` entries name fetched again (a participant's
    from the record its writer published, when there is one); None when only a full build will
    do."""
    from matching.engine_version import published

    if any(kind not in ("participant", "profile", "site", "employer") for _, (kind, _) in numbered):
        return None
    ids = defaultdict(set)
    latest: dict[int, int] = {}
    for number, (kind, pk) in numbered:
        ids[kind].add(pk)
        if kind == "participant":
            latest[pk] = max(number, latest.get(pk, 0))
    size = ue.engine.tables.participants.size + ue.engine.tables.profiles.size
    if ue.patched_rows + len(ids["participant"]) + len(ids["profile"]) > max(
        PATCH_LIMIT_ROWS, PATCH_LIMIT_SHARE * size
    ):
        return None
    profile_ids = set(ids["profile"])
    if ids["site"] or ids["employer"]:
        profile_ids |= set(
            TaskProfile.objects.filter(
                Q(site_id__in=ids["site"]) | Q(employer_id__in=ids["employer"])
            ).values_list("pk", flat=True)
        )
    from_writer = published("participant", latest)
    to_read = ids["participant"] - from_writer.keys()
    participants = (
        list(Participant.objects.filter(unit_id=unit_id, active=True, pk__in=to_read))
        if to_read
        else []
    )
    profiles = (
        list(
            _unit_profiles(unit_id)
            .exclude(status__in=[ProfileStatus.DRAFT, ProfileStatus.CLOSED])
            .filter(pk__in=profile_ids)
            .select_related("site", "employer")
        )
        if profile_ids
        else []
    )
    p_records = participant_records(participants) if participants else []
    p_records += [
        record for owner, record in from_writer.values() if owner == unit_id and record is not None
    ]
    r_records = profile_records(profiles) if profiles else []
    removed_participants = ids["participant"] - {r.id for r in p_records}
    removed_profiles = profile_ids - {r.pk for r in profiles}
    if not (p_records or r_records) and not (
        any(pk in ue.engine._participant_row for pk in removed_participants)
        or any(pk in ue.engine._profile_row for pk in removed_profiles)
    ):
        return ue  # another unit's rows
    result = patched(
        ue.engine,
        ue.skill_counts,
        participants=p_records,
        profiles=r_records,
        removed_participants=removed_participants,
        removed_profiles=removed_profiles,
    )
    if result is None:
        return None
    engine, counts = result
    return replace(
        ue,
        engine=engine,
        skill_counts=counts,
        patched_rows=ue.patched_rows + len(ids["participant"]) + len(profile_ids),
    )


_cache: dict[int, UnitEngine] = {}
_lock = threading.Lock()


_transit: dict[int, tuple[Engine, int, Engine, object]] = {}


def unit_engine(unit_id: int) -> UnitEngine:
    """The unit's engine with its timetable travel times (``matching.transit.matrix``): the
    stored matrix is attached once per engine and matrix version (one ``stat`` when warm)."""
    from matching.transit.matrix import (
        matrix_path,
        stored_matrix,
        transit_grid_for,
        transit_grid_rows,
    )

    ue = _current_engine(unit_id)
    try:
        mtime = matrix_path(unit_id).stat().st_mtime_ns
    except FileNotFoundError:
        return ue
    hit = _transit.get(unit_id)
    if hit is None or hit[0] is not ue.engine or hit[1] != mtime:
        replaced = ue.engine.replaced_rows
        if (
            hit is not None
            and hit[1] == mtime
            and hit[2].transit is not None
            and replaced is not None
            and replaced[0]() is hit[0]
        ):
            # Patched from the engine the grid was made for, some participants replaced in
            # place: only their rows are worked out again.
            matrix = hit[3]
            grid = transit_grid_rows(matrix, hit[2].transit, ue.engine, replaced[1])
        else:
            matrix = stored_matrix(unit_id)
            grid = transit_grid_for(unit_id, ue.engine) if matrix is not None else None
        hit = (ue.engine, mtime, ue.engine.with_transit(grid), matrix)
        with _lock:
            _transit[unit_id] = hit
    return replace(ue, engine=hit[2], transit=hit[3])


def _current_engine(unit_id: int) -> UnitEngine:
    """The unit's engine, current with its inputs (see matching/engine_version.py).

    Warm: one read of the shared change counter. After changes the process patches the rows they
    name (``_patch``), so the first request after a change is fast. A full build (shared by the
    machine's processes through ``ENGINE_STORE_DIR``) when a change is not one row's, the log is
    incomplete or the patches grew too many, and at the periodic confirmation
    (``ENGINE_VERSION_RECHECK_SECONDS``) when the unit's full version moved since the last full
    build: that also catches writes no signal announced."""
    from matching.engine_version import counter, numbered_changes_between

    recheck = getattr(settings, "ENGINE_VERSION_RECHECK_SECONDS", 5.0)
    token = counter() if recheck > 0 else None
    now = time.monotonic()
    with _lock:
        cached = _cache.get(unit_id)
    if cached is not None and token is not None and cached.token is not None:
        if cached.token != token:
            changes = numbered_changes_between(cached.token, token)
            updated = _patch(cached, unit_id, changes) if changes is not None else None
            cached = None if updated is None else replace(updated, token=token)
        if cached is not None and now - cached.checked_at < recheck:
            return _keep(unit_id, cached)
        if cached is not None:
            if getattr(settings, "ENGINE_CONFIRM_IN_BACKGROUND", False):
                # The request goes on with the engine it has (current with every announced
                # change); the confirmation, and the full build it may need, run beside it.
                _confirm_in_background(unit_id, cached, token)
                return _keep(unit_id, replace(cached, checked_at=now))
            return _keep(unit_id, _confirmed(unit_id, cached, token, now))
    version = None
    if cached is not None and token is None:
        version = unit_version(unit_id)
        if version == cached.version:
            return cached
    built = build_unit_engine(
        unit_id, version if version is not None else unit_version(unit_id), token
    )
    return _keep(unit_id, replace(built, token=token, checked_at=now))


def _confirmed(unit_id: int, cached: UnitEngine, token: int, now: float) -> UnitEngine:
    """``cached`` when the unit's full version is the one of its last full build; else a fresh
    full build (once for the machine): the unit changed since, through patched (announced)
    changes, but perhaps also through a write made outside the application, which no patch can
    know of. The build settles both."""
    version = unit_version(unit_id)
    if version == cached.version:
        return replace(cached, checked_at=now)
    built = build_unit_engine(unit_id, version, token)
    return replace(built, token=token, checked_at=now)


_confirming: dict[int, threading.Thread] = {}


def _confirm_in_background(unit_id: int, cached: UnitEngine, token: int) -> None:
    """Confirm the unit's engine in a thread of this process (one per unit at a time): the full
    version's fifteen aggregates and a full build would otherwise land on one request every
    ``ENGINE_VERSION_RECHECK_SECONDS``, and every request queued behind it (issue 22)."""
    with _lock:
        running = _confirming.get(unit_id)
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(
            target=_confirm,
            args=(unit_id, cached, token),
            name=f"engine-confirm-{unit_id}",
            daemon=True,
        )
        _confirming[unit_id] = thread
    thread.start()


def _confirm(unit_id: int, cached: UnitEngine, token: int) -> None:
    from django.db import connections

    try:
        confirmed = _confirmed(unit_id, cached, token, time.monotonic())
        if confirmed.engine is cached.engine:
            return
        with _lock:
            current = _cache.get(unit_id)
            # Kept unless a request built in full meanwhile (that build is newer). Requests that
            # only patched since lose nothing: the next one patches this build from its token.
            if current is not None and current.version == cached.version:
                _cache[unit_id] = confirmed
        unit_engine(unit_id)  # its travel-time grid too, here rather than on the next request
    except Exception:  # the engine in use stays; the next period tries again
        logger.exception("engine: unit %s: the background confirmation failed", unit_id)
    finally:
        connections.close_all()  # this thread's own connections


def wait_for_confirmations(timeout: float | None = None) -> None:
    """Wait for the background confirmations that run (tests, an orderly shutdown)."""
    with _lock:
        threads = list(_confirming.values())
    for thread in threads:
        thread.join(timeout)


def _keep(unit_id: int, ue: UnitEngine) -> UnitEngine:
    with _lock:
        _cache[unit_id] = ue
    return ue


def forget(unit_id: int | None = None) -> None:
    from matching.engine_version import versions

    versions.forget()
    with _lock:
        if unit_id is None:
            _cache.clear()
            _transit.clear()
        else:
            _cache.pop(unit_id, None)
            _transit.pop(unit_id, None)


__all__ = ["Q", "unit_engine", "forget", "participant_records", "profile_records"]
