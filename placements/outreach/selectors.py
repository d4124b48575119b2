"""The week's list for a unit: gather the inputs from the register, the ads, the participants,
the placements and the contact log; score with ``scoring``; word the reasons of the rows shown.

Candidates are the region's registered employers (not paused or ended) and every organisation
number in the region's ads that is not registered yet. An employer with neither demand, hiring
signal nor history with the unit is not listed: "not contacted lately" alone is no reason to call.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choice_cache import cached_choices
from core.models import Municipality, SsykGroup, Unit
from employers.choices import EmployerStatus, ProfileStatus
from employers.models import (
    Employer,
    HistoricalAd,
    Interaction,
    Site,
    TaskProfile,
    TaskProfileSkill,
)
from matching.engine import config as engine_config
from matching.engine.records import ParticipantRecord
from matching.engine.tables import reach_km
from matching.models import Participant, ParticipantSkill
from placements.choices import PlacementStatus
from placements.learning import outcome
from placements.models import Placement
from placements.outreach import scoring
from placements.outreach.models import OutreachSuggestion

LIST_LENGTH = 25


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: suggestions are kept per unit and week."""
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Row:
    key: str
    rank: int
    name: str
    orgnr: str
    employer_id: int | None
    municipality: str
    score: float
    components: dict[str, float]
    reasons: list[dict]
    contacted_this_week: bool = False

    @property
    def registered(self) -> bool:
        return self.employer_id is not None

    @property
    def reason_texts(self) -> list[str]:
        return [reason_text(r) for r in self.reasons]


@dataclass
class OutreachList:
    unit: Unit
    week: dt.date
    rows: list[Row]
    weights: scoring.LearnedWeights
    waiting: int
    candidates: int
    ads: int
    timings: dict[str, float] = field(default_factory=dict)
    # This week's suggestions already recorded for the unit, by key (read with the list).
    recorded: dict[str, Any] = field(default_factory=dict)


def reason_text(reason: dict) -> str:
    """A stored reason (a code and its figures) in words, in the reader's language."""
    p = reason.get("params", {})
    code = reason.get("code")
    if code == "demand":
        return _(
            "%(n)s waiting participants within reach want or have what they hire for (%(what)s)."
        ) % {"n": p["n"], "what": p["what"]}
    if code == "hiring":
        return (
            _(
                "%(ads)s job ads with %(vacancies)s vacancies in the last two years, the latest on"
                " %(latest)s (%(where)s)."
            )
            % p
        )
    if code == "history":
        return _("%(n)s earlier placements with the unit, of which %(lasted)s lasted.") % p
    if code == "no_history":
        return _("No earlier placements with the unit.")
    if code == "contacted":
        return _("The unit's last contact was on %(date)s.") % p
    if code == "never_contacted":
        return _("The unit has not logged any contact with them.")
    if code == "in_play":
        return _("Already in play: %(n)s free slots in open profiles.") % p
    if code == "not_registered":
        return _("Not in the register yet (found in the job ads).")
    return str(code)


def _participants(unit: Unit, municipalities: dict[str, tuple[float, float]]):
    waiting = (
        Participant.objects.filter(unit=unit, active=True)
        .exclude(placements__status=PlacementStatus.ONGOING)
        .values(
            "pk",
            "latitude",
            "longitude",
            "municipality_id",
            "commute_max_km",
            "commute_max_minutes",
            "commute_means",
            "has_driving_licence",
            "has_car",
            "hours_max",
        )
        .order_by("pk")
    )
    rows = list(waiting)
    ids = [r["pk"] for r in rows]
    # The wished SSYK groups and the skills of every waiting participant, in one query.
    text = CharField()
    wished = Participant.desired_occupations.through.objects.filter(
        participant_id__in=ids, occupation__ssyk_id__isnull=False
    ).values_list(Value("o", output_field=text), F("participant_id"), F("occupation__ssyk_id"))
    wished = wished.order_by()
    held = ParticipantSkill.objects.filter(
        participant_id__in=ids, skill_id__isnull=False
    ).values_list(Value("s", output_field=text), F("participant_id"), Cast("skill_id", text))
    held = held.order_by()  # a compound query's parts are not ordered
    desired: dict[int, set[str]] = defaultdict(set)
    skills: dict[int, set[int]] = defaultdict(set)
    for kind, pid, value in wished.union(held, all=True):
        if kind == "o":
            desired[pid].add(value)
        else:
            skills[pid].add(int(value))
    travel = engine_config.TravelModel()
    out = []
    for r in rows:
        lat, lon = r["latitude"], r["longitude"]
        if lat is None or lon is None:
            lat, lon = municipalities.get(r["municipality_id"], (None, None))
        if lat is None:
            continue
        record = ParticipantRecord(
            id=r["pk"],
            lat=lat,
            lon=lon,
            hours_min=0,
            hours_max=r["hours_max"] or 0,
            means=tuple(r["commute_means"] or ("walk",)),
            has_licence=r["has_driving_licence"],
            has_car=r["has_car"],
            own_minutes=r["commute_max_minutes"],
            own_km=r["commute_max_km"],
        )
        out.append(
            {
                "id": r["pk"],
                "lat": lat,
                "lon": lon,
                "reach": reach_km(record, travel),
                "hours_max": r["hours_max"] or 0,
                "ssyk": desired[r["pk"]],
                "skills": skills[r["pk"]],
            }
        )
    return out


def build_list(
    unit: Unit, *, today: dt.date | None = None, limit: int = LIST_LENGTH
) -> OutreachList:
    """The unit's list for ``today``'s week (read only: recording what was shown and settling
    outcomes are ``services``)."""
    import time

    t0 = time.perf_counter()
    today = today or timezone.localdate()
    region_id = unit.region_id
    points = cached_choices(
        "municipality-points",
        "all",
        lambda: Municipality.objects.order_by("code").values_list(
            "code", "latitude", "longitude", "name"
        ),
    )
    municipalities = {code: (lat, lon) for code, lat, lon, _name in points}
    municipality_names = {code: name for code, _lat, _lon, name in points}
    people = _participants(unit, municipalities)

    # The region's register in one read: the employers to suggest, and the organisation numbers
    # of paused or ended ones, whose ads are not a reason to call.
    registered, blocked_orgnrs = [], set()
    for pk, name, orgnr, municipality, status in (
        Employer.objects.filter(region_id=region_id)
        .values_list("pk", "name", "orgnr", "municipality_id", "status")
        .order_by("pk")
    ):
        if status in (EmployerStatus.PAUSED, EmployerStatus.ENDED):
            if orgnr:
                blocked_orgnrs.add(orgnr)
        else:
            registered.append((pk, name, orgnr, municipality))
    by_orgnr = {orgnr: pk for pk, _n, orgnr, _m in registered if orgnr}
    keys: list[str] = []
    names: list[str] = []
    orgnrs: list[str] = []
    employer_ids: list[int | None] = []
    home: list[str] = []
    index: dict[str, int] = {}

    def add(key, name, orgnr, employer_id, municipality):
        index[key] = len(keys)
        keys.append(key)
        names.append(name)
        orgnrs.append(orgnr)
        employer_ids.append(employer_id)
        home.append(municipality)

    for pk, name, orgnr, municipality in registered:
        add(f"e{pk}", name, orgnr, pk, municipality)

    since = today - dt.timedelta(days=scoring.AD_HORIZON_DAYS)
    ads = HistoricalAd.objects.filter(
        region_id=region_id, published_on__gte=since, published_on__lte=today
    ).values_list(
        "orgnr",
        "employer_name",
        "ssyk",
        "ssyk_label",
        "municipality_id",
        "latitude",
        "longitude",
        "vacancies",
        "published_on",
    )
    ad_ages: dict[int, list[int]] = defaultdict(list)
    ad_vacancies: dict[int, list[int]] = defaultdict(list)
    ad_latest: dict[int, dt.date] = {}
    ad_places: dict[int, Counter] = defaultdict(Counter)
    ssyk_of: dict[int, set[str]] = defaultdict(set)
    ssyk_labels: dict[str, str] = {}
    place_coords: dict[tuple[int, str], list[tuple[float, float]]] = defaultdict(list)
    n_ads = 0
    for orgnr, name, ssyk, label, municipality, lat, lon, vacancies, published in ads:
        if orgnr in blocked_orgnrs:
            continue
        key = f"e{by_orgnr[orgnr]}" if orgnr in by_orgnr else f"o{orgnr}"
        i = index.get(key)
        if i is None:
            add(key, name, orgnr, None, municipality)
            i = index[key]
        n_ads += 1
        ad_ages[i].append((today - published).days)
        ad_vacancies[i].append(vacancies)
        if published > ad_latest.get(i, dt.date.min):
            ad_latest[i] = published
        ad_places[i][municipality] += 1
        ssyk_of[i].add(ssyk)
        if label:
            ssyk_labels.setdefault(ssyk, label)
        if lat is not None and lon is not None:
            place_coords[(i, municipality)].append((lat, lon))
        else:
            place_coords.setdefault((i, municipality), [])

    registered_index = {pk: index[f"e{pk}"] for pk, *_rest in registered}
    for employer_id, lat, lon, municipality in Site.objects.filter(
        employer_id__in=registered_index
    ).values_list("employer_id", "latitude", "longitude", "municipality_id"):
        i = registered_index[employer_id]
        coords = place_coords[(i, municipality or home[i])]
        if lat is not None and lon is not None:
            coords.append((lat, lon))
    min_hours = np.zeros(len(keys))
    free_slots = np.zeros(len(keys))
    profiles = TaskProfile.objects.filter(employer_id__in=registered_index).values_list(
        "employer_id",
        "occupation__ssyk_id",
        "hours_min",
        "status",
        "slots_total",
        "slots_taken",
        "unit_id",
        "regional",
    )
    for employer_id, ssyk, hours, status, total, taken, p_unit, regional in profiles:
        i = registered_index[employer_id]
        if ssyk:
            ssyk_of[i].add(ssyk)
        # The fewest hours any of its profiles asked for: what it has taken before.
        if hours:
            min_hours[i] = hours if min_hours[i] == 0 else min(min_hours[i], hours)
        if status == ProfileStatus.OPEN and (p_unit == unit.pk or regional) and total > taken:
            free_slots[i] += total - taken
    employer_skills: dict[int, set[int]] = defaultdict(set)
    for employer_id, skill in TaskProfileSkill.objects.filter(
        profile__employer_id__in=registered_index,
        skill_id__isnull=False,
        profile__status__in=(ProfileStatus.OPEN, ProfileStatus.FILLED, ProfileStatus.CLOSED),
    ).values_list("profile__employer_id", "skill_id"):
        employer_skills[registered_index[employer_id]].add(skill)

    # Every employer has at least its home municipality as a workplace.
    has_place = {i for i, _m in place_coords}
    for i, municipality in enumerate(home):
        if i not in has_place and municipality:
            place_coords[(i, municipality)] = []

    place_employer, place_lat, place_lon = [], [], []
    for (i, municipality), coords in place_coords.items():
        if coords:
            lat, lon = np.mean(coords, axis=0)
        elif municipality in municipalities:
            lat, lon = municipalities[municipality]
        else:
            continue
        place_employer.append(i)
        place_lat.append(lat)
        place_lon.append(lon)

    ssyk_codes = sorted(
        {s for v in ssyk_of.values() for s in v} | {s for p in people for s in p["ssyk"]}
    )
    ssyk_col = {s: j for j, s in enumerate(ssyk_codes)}
    skill_ids = sorted({s for v in employer_skills.values() for s in v})
    skill_col = {s: j for j, s in enumerate(skill_ids)}
    n_e, n_p = len(keys), len(people)
    e_occ = np.zeros((n_e, len(ssyk_codes)), dtype=bool)
    for i, codes in ssyk_of.items():
        e_occ[i, [ssyk_col[s] for s in codes]] = True
    p_occ = np.zeros((n_p, len(ssyk_codes)), dtype=bool)
    p_skill = np.zeros((n_p, len(skill_ids)), dtype=bool)
    e_skill = np.zeros((n_e, len(skill_ids)), dtype=bool)
    for i, skills in employer_skills.items():
        e_skill[i, [skill_col[s] for s in skills]] = True
    for j, p in enumerate(people):
        p_occ[j, [ssyk_col[s] for s in p["ssyk"]]] = True
        cols = [skill_col[s] for s in p["skills"] if s in skill_col]
        p_skill[j, cols] = True
    t1 = time.perf_counter()
    demand = scoring.demand_matrix(
        scoring.DemandInput(
            place_employer=np.array(place_employer, dtype=int),
            place_lat=np.array(place_lat, dtype=float),
            place_lon=np.array(place_lon, dtype=float),
            employer_occupations=e_occ,
            employer_skills=e_skill,
            employer_min_hours=min_hours,
            participant_lat=np.array([p["lat"] for p in people], dtype=float),
            participant_lon=np.array([p["lon"] for p in people], dtype=float),
            participant_reach_km=np.array([p["reach"] for p in people], dtype=float),
            participant_occupations=p_occ,
            participant_skills=p_skill,
            participant_max_hours=np.array([p["hours_max"] for p in people], dtype=float),
        )
    )
    t2 = time.perf_counter()

    n_placed = np.zeros(n_e)
    n_lasted = np.zeros(n_e)
    for p in (
        Placement.objects.filter(
            participant__unit=unit, task_profile__employer_id__in=registered_index
        )
        .select_related("task_profile")
        .only(
            "kind",
            "started_on",
            "status",
            "hired_on",
            "ended_on",
            "ended_early",
            "planned_end",
            "task_profile__employer_id",
        )
    ):
        if p.started_on is None:
            continue
        i = registered_index[p.task_profile.employer_id]
        n_placed[i] += 1
        n_lasted[i] += 1 if outcome(p, today) else 0
    last_contact: dict[int, dt.date] = dict(
        Interaction.objects.filter(unit=unit, employer_id__in=registered_index)
        .values("employer_id")
        .annotate(last=Max("occurred_on"))
        .values_list("employer_id", "last")
    )
    weeks = np.full(n_e, np.nan)
    for employer_id, last in last_contact.items():
        weeks[registered_index[employer_id]] = max((today - last).days, 0) / 7.0

    x = scoring.components(
        scoring.ComponentInput(
            demand_count=demand.sum(axis=1),
            ad_age_days=[np.array(ad_ages.get(i, []), dtype=float) for i in range(n_e)],
            ad_vacancies=[np.array(ad_vacancies.get(i, []), dtype=float) for i in range(n_e)],
            placements=n_placed,
            lasted=n_lasted,
            weeks_since_contact=weeks,
            free_slots=free_slots,
        )
    )
    learned = cached_learned_weights(unit)
    scores = scoring.score(x, learned.weights)
    reason_to_call = x[:, :3].sum(axis=1) > 0
    order = sorted(
        np.flatnonzero(reason_to_call), key=lambda i: (-round(scores[i], 9), names[i], keys[i])
    )[:limit]
    t3 = time.perf_counter()

    labels = dict(
        cached_choices("ssyk-labels", "all", lambda: SsykGroup.objects.values_list("code", "label"))
    )
    labels.update({k: v for k, v in ssyk_labels.items() if k not in labels})
    # This week's recorded suggestions: which were contacted, and what ``services`` records.
    recorded = {s.key: s for s in OutreachSuggestion.objects.filter(unit=unit, week=week_of(today))}
    contacted = {key for key, s in recorded.items() if s.contacted_at is not None}
    facts = _Facts(
        demand=demand,
        people=people,
        ssyk_of=ssyk_of,
        labels=labels,
        ad_ages=ad_ages,
        ad_vacancies=ad_vacancies,
        ad_latest=ad_latest,
        ad_places=ad_places,
        municipality_names=municipality_names,
        n_placed=n_placed,
        n_lasted=n_lasted,
        last_contact=last_contact,
        employer_ids=employer_ids,
        free_slots=free_slots,
    )
    rows = []
    for rank, i in enumerate(order, start=1):
        reasons = _reasons(i, facts)
        rows.append(
            Row(
                key=keys[i],
                rank=rank,
                name=names[i],
                orgnr=orgnrs[i],
                employer_id=employer_ids[i],
                municipality=municipality_names.get(home[i], ""),
                score=float(scores[i]),
                components={k: round(float(x[i, c]), 4) for c, k in enumerate(scoring.COMPONENTS)},
                reasons=reasons,
                contacted_this_week=keys[i] in contacted,
            )
        )
    return OutreachList(
        unit=unit,
        week=week_of(today),
        rows=rows,
        weights=learned,
        waiting=n_p,
        candidates=n_e,
        ads=n_ads,
        timings={"gather": t1 - t0, "demand": t2 - t1, "score": t3 - t2},
        recorded=recorded,
    )


@dataclass
class _Facts:
    """What the list gathered about every candidate employer (indexed by candidate), from which
    each row's reasons are worded."""

    demand: Any
    people: Any
    ssyk_of: Any
    labels: Any
    ad_ages: Any
    ad_vacancies: Any
    ad_latest: Any
    ad_places: Any
    municipality_names: Any
    n_placed: Any
    n_lasted: Any
    last_contact: Any
    employer_ids: Any
    free_slots: Any


def _reasons(i: int, f: _Facts) -> list[dict]:
    reasons: list[dict] = []
    who = np.flatnonzero(f.demand[i])
    if who.size:
        wanted = Counter()
        by_skill = 0
        for j in who:
            shared = f.people[j]["ssyk"] & f.ssyk_of.get(i, set())
            wanted.update(shared)
            if not shared:
                by_skill += 1
        what = [
            f"{f.labels.get(code, code)}"
            for code, _n in sorted(wanted.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        ]
        if by_skill:
            what.append(_("skills its profiles ask for"))
        reasons.append({"code": "demand", "params": {"n": int(who.size), "what": ", ".join(what)}})
    if i in f.ad_latest:
        places = ", ".join(
            f.municipality_names.get(m, m)
            for m, _n in sorted(f.ad_places[i].items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        )
        reasons.append(
            {
                "code": "hiring",
                "params": {
                    "ads": len(f.ad_ages[i]),
                    "vacancies": int(sum(f.ad_vacancies[i])),
                    "latest": f.ad_latest[i].isoformat(),
                    "where": places,
                },
            }
        )
    employer_id = f.employer_ids[i]
    if employer_id is None:
        reasons.append({"code": "not_registered", "params": {}})
    else:
        if f.n_placed[i]:
            reasons.append(
                {
                    "code": "history",
                    "params": {"n": int(f.n_placed[i]), "lasted": int(f.n_lasted[i])},
                }
            )
        else:
            reasons.append({"code": "no_history", "params": {}})
        if employer_id in f.last_contact:
            reasons.append(
                {"code": "contacted", "params": {"date": f.last_contact[employer_id].isoformat()}}
            )
        else:
            reasons.append({"code": "never_contacted", "params": {}})
        if f.free_slots[i]:
            reasons.append({"code": "in_play", "params": {"n": int(f.free_slots[i])}})
    return reasons


def cached_learned_weights(unit: Unit) -> scoring.LearnedWeights:
    """``learned_weights`` kept in the shared cache: they change only when an outcome settles
    (``services.outreach_outcomes_settle`` forgets them) or a suggestion is saved one by one."""
    (weights,) = cached_choices("outreach-weights", unit.pk, lambda: [learned_weights(unit)])
    return weights


def learned_weights(unit: Unit) -> scoring.LearnedWeights:
    """The weights from the unit's settled suggestions (contacted, outcome known)."""
    settled = list(
        OutreachSuggestion.objects.filter(
            unit=unit, contacted_at__isnull=False, led_to_profile__isnull=False
        )
        .order_by("pk")
        .values_list("components", "led_to_profile")
    )
    if not settled:
        return scoring.learn_weights(np.zeros((0, len(scoring.COMPONENTS))), np.zeros(0))
    x = np.array([[c.get(k, 0.0) for k in scoring.COMPONENTS] for c, _y in settled])
    y = np.array([bool(v) for _c, v in settled])
    return scoring.learn_weights(x, y)
