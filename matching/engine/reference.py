"""The same scores computed one pair at a time in plain Python: the readable definition, a test
oracle for the vectorised scorer, and the baseline in the benchmark."""

from __future__ import annotations

from matching.engine import config as c
from matching.engine.geo import haversine_km
from matching.engine.records import ParticipantRecord, ProfileRecord
from matching.engine.related import effective_strengths
from matching.engine.tables import own_strengths, reach_km
from matching.engine.transit_times import other_reach_km, transit_limit, usable_means


def score_pair(
    p: ParticipantRecord,
    r: ProfileRecord,
    weights: c.Weights,
    *,
    related: dict | None = None,
    travel: c.TravelModel | None = None,
    employer_facing: bool = False,
    transit_minutes: float | None = None,
) -> tuple[float, dict[str, float], list[str], float]:
    """(score, components, reasons, distance km) for one participant and one profile.

    ``transit_minutes``: the timetable's trip for a person who travels by public transport (inf
    for none), or None where no timetable covers the pair."""
    travel = travel or c.TravelModel()
    strengths = effective_strengths(own_strengths(p), related or {}, c.RELATED_SKILL_FACTOR)

    wsum = sum(w for w, _req in r.skills.values())
    coverage = (
        sum(w * strengths.get(k, 0.0) for k, (w, _req) in r.skills.items()) / wsum
        if wsum > 0
        else 0.5
    )
    required = [k for k, (_w, req) in r.skills.items() if req]
    missing = (
        sum(1 for k in required if strengths.get(k, 0.0) <= 0) / len(required) if required else 0.0
    )
    gap = r.swedish_level - p.swedish_level
    language = 1.0 if gap <= 0 else (0.6 if gap == 1 else 0.3)
    skills = coverage * (1.0 - 0.5 * missing) * language

    validated = {k for k, (source, _lvl) in p.skills.items() if source == "validated"}
    validated_share = (
        sum(w for k, (w, _req) in r.skills.items() if k in validated) / wsum if wsum > 0 else 0.0
    )
    ocn_met = [m for m, lvl in r.ocn_required.items() if p.certified_modules.get(m, 0) >= lvl]
    kga_met = [k for k, lvl in r.kga_required.items() if p.kga.get(k, 0) >= lvl]
    requirement_count = len(r.ocn_required) + len(r.kga_required)
    validations = (
        (len(ocn_met) + len(kga_met)) / requirement_count
        if requirement_count
        else 0.5 + 0.5 * validated_share
    )

    if None in (p.lat, p.lon, r.lat, r.lon):
        distance = float("inf")
    else:
        distance = haversine_km(p.lat, p.lon, r.lat, r.lon)
    reach = reach_km(p, travel)
    geography = min(max(1.0 - distance / reach, 0.0), 1.0) if reach > 0 else 0.0
    within_reach = distance <= reach
    if transit_minutes is not None and "public_transport" in usable_means(p):
        limit = transit_limit(p, travel)
        other = other_reach_km(p, travel)
        by_others = min(max(1.0 - distance / other, 0.0), 1.0) if other > 0 else 0.0
        by_timetable = min(max(1.0 - transit_minutes / limit, 0.0), 1.0)
        geography = max(by_timetable, by_others)
        by_timetable_ok = transit_minutes <= limit and (p.own_km is None or distance <= p.own_km)
        within_reach = by_timetable_ok or distance <= other

    overlap = min(p.hours_max, r.hours_max) - max(p.hours_min, r.hours_min)
    hours_fit = min(max((overlap + 1.0) / (max(r.hours_max - r.hours_min, 0.0) + 1.0), 0.0), 1.0)
    if overlap < 0:
        hours_fit = 0.0
    needs_share = len(p.needs & r.offered) / len(p.needs) if p.needs else 1.0
    adaptations_hours = (0.6 * hours_fit + 0.4 * (1.0 if r.supervisor else 0.5)) * needs_share

    if p.desired_occupations or p.desired_industries:
        occ = 0.0
        if r.occupation_id is not None:
            if r.occupation_id in p.desired_occupations:
                occ = 1.0
            elif r.occupation_id in p.substitute_occupations:
                occ = c.SUBSTITUTE_FACTOR * p.substitute_occupations[r.occupation_id] / 100.0
        ind = (
            c.INDUSTRY_PREFERENCE
            if r.industry is not None and r.industry in p.desired_industries
            else 0.0
        )
        preferences = max(occ, ind)
    else:
        preferences = c.NO_PREFERENCE

    load = 1.0 - min(1.0, r.open_proposals / (3.0 * max(r.slots_free, 1)))

    reasons = []
    if p.needs - r.offered:
        reasons.append(c.REASONS[c.REASON_ADAPTATION])
    if len(ocn_met) + len(kga_met) < requirement_count:
        reasons.append(c.REASONS[c.REASON_VALIDATION])
    if p.hours_max < r.hours_min or p.hours_min > r.hours_max:
        reasons.append(c.REASONS[c.REASON_HOURS])
    if not within_reach:
        reasons.append(c.REASONS[c.REASON_DISTANCE])
    if not r.available:
        reasons.append(c.REASONS[c.REASON_NOT_AVAILABLE])
    if employer_facing and r.employer_id not in p.consent_employers:
        reasons.append(c.REASONS[c.REASON_CONSENT])
    if r.required_licences - p.licences:
        reasons.append(c.REASONS[c.REASON_LICENCE])
    if r.must_skills - set(p.skills):
        reasons.append(c.REASONS[c.REASON_MUST_SKILL])

    components = {
        "skills": skills,
        "validations": validations,
        "geography": geography,
        "adaptations_hours": adaptations_hours,
        "preferences": preferences,
        "load": load,
    }
    normalised = weights.normalised()
    total = sum(normalised[name] * components[name] for name in c.COMPONENTS)
    return (0.0 if reasons else total), components, reasons, distance
