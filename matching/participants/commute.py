"""Which commute limit applies to a participant, in words, from the engine's own reach rule
(``matching.engine.tables.reach_km``): a km limit and a minute limit are both kept as entered, and
when both are given the shorter reach applies."""

from __future__ import annotations

import dataclasses

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.engine import config as c
from matching.engine.records import ParticipantRecord
from matching.engine.tables import reach_km

BY_MEANS = {
    "walk": gettext_lazy("on foot"),
    "bike": gettext_lazy("by bicycle"),
    "public_transport": gettext_lazy("by public transport"),
    "car": gettext_lazy("by car"),
}


def _record(participant) -> ParticipantRecord:
    return ParticipantRecord(
        id=participant.pk or 0,
        lat=participant.latitude,
        lon=participant.longitude,
        hours_min=participant.hours_min or 0,
        hours_max=participant.hours_max or 0,
        means=tuple(participant.commute_means or ("walk",)),
        has_licence=participant.has_driving_licence,
        has_car=participant.has_car,
        own_minutes=participant.commute_max_minutes,
        own_km=participant.commute_max_km,
    )


def commute_reach(participant, travel: c.TravelModel | None = None) -> dict:
    """The reach the engine uses (km, straight line) and what decides it: ``own_km``,
    ``own_minutes`` or ``default`` (the unit's usual time for the ways of travelling), with the
    way of travelling that reaches farthest in time."""
    travel = travel or c.TravelModel()
    record = _record(participant)
    by_time = reach_km(dataclasses.replace(record, own_km=None), travel)
    usable = [
        m
        for m in record.means
        if m in c.MEANS and (m != "car" or (record.has_licence and record.has_car))
    ] or ["walk"]
    limit = (
        min(float(record.own_minutes), travel.max_minutes)
        if record.own_minutes is not None
        else None
    )
    means = max(
        usable,
        key=lambda m: travel.reach_km(m, limit if limit is not None else travel.default_limits[m]),
    )
    minutes = limit if limit is not None else travel.default_limits[means]
    km = reach_km(record, travel)
    if record.own_km is not None and float(record.own_km) <= by_time:
        basis = "own_km"
    elif record.own_minutes is not None:
        basis = "own_minutes"
    else:
        basis = "default"
    return {"km": km, "basis": basis, "by_time_km": by_time, "means": means, "minutes": minutes}


def commute_limit_text(participant) -> str:
    """One sentence for the participant's pages: which limit applies, and how far that is."""
    r = commute_reach(participant)
    values = {
        "km": floatformat(r["km"], -1),
        "own_km": participant.commute_max_km,
        "minutes": floatformat(r["minutes"], 0),
        "by_time": floatformat(r["by_time_km"], -1),
        "means": str(BY_MEANS[r["means"]]),
    }
    if r["basis"] == "own_km":
        if participant.commute_max_minutes is not None:
            return (
                _(
                    "The km limit applies: %(km)s km (straight line). It is shorter than what "
                    "%(minutes)s minutes %(means)s reach (about %(by_time)s km)."
                )
                % values
            )
        return _("The km limit applies: %(km)s km (straight line).") % values
    if r["basis"] == "own_minutes":
        if participant.commute_max_km is not None:
            return (
                _(
                    "The minute limit applies: %(minutes)s minutes %(means)s reach about "
                    "%(km)s km, shorter than the km limit (%(own_km)s km)."
                )
                % values
            )
        return (
            _("The minute limit applies: %(minutes)s minutes %(means)s reach about %(km)s km.")
            % values
        )
    if participant.commute_max_km is not None:
        # A km limit never stretches a trip past the minutes that apply (issue 23).
        return (
            _(
                "The usual %(minutes)s minutes %(means)s apply: about %(km)s km, shorter than "
                "the km limit (%(own_km)s km). Give minutes to allow a longer trip."
            )
            % values
        )
    return (
        _(
            "No own limit: the usual %(minutes)s minutes %(means)s apply, about %(km)s km. "
            "Give minutes or km to change it."
        )
        % values
    )
