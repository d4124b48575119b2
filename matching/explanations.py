"""Sentences a guide can read, from the engine's structured reasons and component facts.

The engine stays free of Django and of language: it returns codes and numbers
(``matching.engine.Reason``, ``Explanation.details``). Here they become text in the active language
(Swedish by default, English when asked), with the locale's number format (28,9 in Swedish)."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy

from matching.engine import Reason

COMPONENT_LABELS = {
    "skills": gettext_lazy("Skills"),
    "validations": gettext_lazy("Validations"),
    "geography": gettext_lazy("Travel"),
    "adaptations_hours": gettext_lazy("Adaptations and hours"),
    "preferences": gettext_lazy("Preferences"),
    "load": gettext_lazy("Employer load"),
}

BY_MEANS = {
    "walk": gettext_lazy("on foot"),
    "bike": gettext_lazy("by bike"),
    "public_transport": gettext_lazy("by public transport"),
    "car": gettext_lazy("by car"),
}

SOURCE_LABELS = {
    "validated": gettext_lazy("validated"),
    "observed": gettext_lazy("observed"),
    "self_reported": gettext_lazy("self-reported"),
}


@lru_cache(maxsize=2048)
def _translated(language: str | None, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


@lru_cache(maxsize=16)
def _decimal_separator(language: str | None) -> str:
    with translation.override(language):
        return str(get_format("DECIMAL_SEPARATOR"))


_language: ContextVar[str | None] = ContextVar("explanation_language", default=None)


def _current_language() -> str | None:
    fixed = _language.get()
    return fixed if fixed is not None else translation.get_language()


@contextmanager
def one_language():
    """Within: the active language is looked up once, not once per sentence (a ranking's
    explanations are a few hundred sentences)."""
    token = _language.set(translation.get_language())
    try:
        yield
    finally:
        _language.reset(token)


def _(msgid: str) -> str:
    """gettext, memoised per language: a ranking's explanations ask for the same few hundred
    sentences again and again (issue 14: a warm matches request ≤ 5 ms of CPU)."""
    return _translated(_current_language(), msgid)


@lru_cache(maxsize=512)
def _translated_plural(language: str | None, singular: str, plural: str, n: int) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, n)


def ngettext(singular: str, plural: str, n) -> str:
    """ngettext through the same per-language memo ("1 free slot", "2 free slots")."""
    return _translated_plural(_current_language(), singular, plural, int(n or 0))


def label(text) -> str:
    """A ``gettext_lazy`` label in the active language, through the same memo."""
    args = getattr(text, "_args", None)
    return _(args[0]) if args else str(text)


def num(value, decimals: int = 1) -> str:
    """A number in the active locale with at most ``decimals`` decimals (28,9 in Swedish; 15)."""
    if value is None:
        return "–"
    text = f"{float(value):.{decimals}f}"  # correctly rounded, as round() is
    if decimals > 0:  # 28,90 → 28,9 and 15,0 → 15; never 60 → 6
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", _decimal_separator(_current_language()))


def factor(value: float) -> str:
    return f"×{num(value, 2)}"


def hours_range(low, high) -> str:
    return num(low) if low == high else f"{num(low)}–{num(high)}"


def reason_text(reason: Reason, labels) -> str:
    """One failure, e.g. "28,9 km med cykel – gränsen är 15 km"."""
    p = reason.params
    if reason.code == "adaptation_not_offered":
        return _("Needs '%(adaptation)s' – not offered") % {
            "adaptation": labels.name("adaptations", p["adaptation"])
        }
    if reason.code == "validation_missing":
        if p["kind"] == "ocn":
            module = labels.name("modules", p["module"])
            if p["certified_level"]:
                return _(
                    "OCN %(module)s level %(level)s missing (certified at level %(certified)s)"
                ) % {"module": module, "level": p["level"], "certified": p["certified_level"]}
            return _("OCN %(module)s level %(level)s missing") % {
                "module": module,
                "level": p["level"],
            }
        competence = labels.name("competences", p["competence"])
        if p["assessed_level"]:
            return _("KGA %(competence)s level %(level)s required – assessed %(assessed)s") % {
                "competence": competence,
                "level": p["level"],
                "assessed": p["assessed_level"],
            }
        return _("KGA %(competence)s level %(level)s required – not assessed") % {
            "competence": competence,
            "level": p["level"],
        }
    if reason.code == "hours_incompatible":
        return _("Available %(hours)s h/week – the profile requires %(low)s–%(high)s h") % {
            "hours": hours_range(p["hours_min"], p["hours_max"]),
            "low": num(p["profile_min"]),
            "high": num(p["profile_max"]),
        }
    if reason.code == "outside_commute_reach" and p.get("basis") == "timetable":
        if p["minutes"] is None:
            return _("No trip by public transport there in time and home after the day (timetable)")
        return _("%(minutes)s min by public transport (timetable) – the limit is %(limit)s min") % {
            "minutes": num(p["minutes"], 0),
            "limit": num(p["limit_minutes"], 0),
        }
    if reason.code == "outside_commute_reach":
        if p["distance_km"] is None:
            return _("The distance is unknown (no coordinates)")
        return _("%(distance)s km %(by_means)s – the limit is %(limit)s km") % {
            "distance": num(p["distance_km"]),
            "by_means": label(BY_MEANS.get(p["means"], p["means"])),
            "limit": num(p["limit_km"]),
        }
    if reason.code == "profile_not_open_or_full":
        return _("The profile is not open or has no free slot")
    if reason.code == "no_consent":
        return _("No valid consent to share with this employer")
    if reason.code == "licence_missing":
        return _("Requires %(licence)s – not held") % {
            "licence": labels.name("licences", p["licence"])
        }
    if reason.code == "must_skill_missing":
        return _("Must have %(skill)s – missing") % {"skill": labels.skill(p["skill"])}
    return reason.code


def component_text(name: str, value: float, facts: dict) -> str:
    """Why a component has its value, e.g. "3 av 3 matchade, egenrapporterade (×0,6), nivå 2 (×0,85)"."""
    if name == "skills":
        if not facts["total"]:
            return _("no skills asked for")
        parts = [_("%(matched)s of %(total)s matched") % facts]
        parts += [
            f"{label(SOURCE_LABELS.get(s, s))} ({factor(f)})" for s, f in facts["sources"].items()
        ]
        parts += [
            _("level %(level)s") % {"level": lvl} + f" ({factor(f)})"
            for lvl, f in facts["levels"].items()
        ]
        if facts["related"]:
            parts.append(_("%(n)s related") % {"n": facts["related"]})
        if facts["required_missing"]:
            parts.append(
                _("%(n)s of %(total)s required missing")
                % {"n": facts["required_missing"], "total": facts["required"]}
            )
        if facts["language_factor"] < 1:
            parts.append(
                _("Swedish below the profile's level") + f" ({factor(facts['language_factor'])})"
            )
        return ", ".join(str(x) for x in parts)
    if name == "validations":
        if facts["requirements"]:
            return _("%(met)s of %(requirements)s requirements met") % facts
        if facts["validated_skills"]:
            return _("no requirements; %(n)s of the skills asked for are validated") % {
                "n": facts["validated_skills"]
            }
        return _("no requirements")
    if name == "geography":
        timetable = facts.get("timetable_minutes")
        if timetable is not None and timetable != float("inf"):
            return _("%(minutes)s min by public transport of at most %(limit)s min (timetable)") % {
                "minutes": num(timetable, 0),
                "limit": num(facts["timetable_limit"], 0),
            }
        if facts["distance_km"] is None:
            return _("distance unknown")
        return _("%(distance)s km of a reach of %(reach)s km %(by_means)s") % {
            "distance": num(facts["distance_km"]),
            "reach": num(facts["reach_km"]),
            "by_means": label(BY_MEANS.get(facts["means"], facts["means"])),
        }
    if name == "adaptations_hours":
        parts = []
        if facts["overlap"] is None:
            parts.append(_("no common hours"))
        else:
            parts.append(
                _("%(hours)s h/week available, the profile %(low)s–%(high)s h")
                % {
                    "hours": hours_range(facts["hours_min"], facts["hours_max"]),
                    "low": num(facts["profile_min"]),
                    "high": num(facts["profile_max"]),
                }
            )
        parts.append(
            _("supervisor available")
            if facts["supervisor"]
            else f"{_('no supervisor')} ({factor(0.5)})"
        )
        if facts["needs"]:
            parts.append(_("%(needs_met)s of %(needs)s needs met") % facts)
        else:
            parts.append(_("no adaptation needs"))
        return ", ".join(str(x) for x in parts)
    if name == "preferences":
        kind = facts["kind"]
        if kind == "none":
            return _("no wishes")
        if kind == "occupation":
            return _("a desired occupation")
        if kind == "substitute":
            return _("a related occupation (%(pct)s %% substitutable)") % {
                "pct": facts["substitutability"]
            }
        if kind == "industry":
            return _("a desired industry")
        return _("does not match the wishes")
    if name == "load":
        return (
            ngettext(
                "%(open_proposals)s recent proposals, %(slots_free)s free slot",
                "%(open_proposals)s recent proposals, %(slots_free)s free slots",
                facts["slots_free"],
            )
            % facts
        )
    return ""


@lru_cache(maxsize=16)
def _component_labels(language: str | None) -> dict[str, str]:
    with translation.override(language):
        return {name: str(text) for name, text in COMPONENT_LABELS.items()}


def breakdown(components: dict[str, float], details: dict[str, dict]) -> list[dict]:
    """Each component with its code, label in the active language, value and why."""
    labels = _component_labels(_current_language())
    return [
        {
            "code": name,
            "label": labels[name],
            "value": round(value, 4),
            "percent": round(value * 100),
            "text": component_text(name, value, details.get(name, {})) if details else "",
        }
        for name, value in components.items()
    ]


# GTFS route types (basic and the extended European ones) → what a traveller calls the vehicle.
def _vehicle(route_type: int) -> str:
    if route_type in (2,) or 100 <= route_type < 200:
        return "train"
    if route_type in (0, 5, 6, 7) or 900 <= route_type < 1000:
        return "tram"
    if route_type == 1 or 400 <= route_type < 500:
        return "metro"
    if route_type == 4 or 1000 <= route_type < 1300:
        return "boat"
    if route_type in (3, 11) or 200 <= route_type < 300 or 700 <= route_type < 800:
        return "bus"
    return "line"


def transit_text(trip: dict | None, estimated_minutes: float | None) -> str | None:
    """The trip a guide reads: "52 min med buss 5 (1 byte), avgång 07:08, framme senast 08:00; sista hem
    17:40" from the timetable, or "ca 45 min med kollektivtrafik (uppskattad)" without one."""
    if trip is None:
        if estimated_minutes is None:
            return None
        return _("about %(minutes)s min by public transport (estimated)") % {
            "minutes": num(estimated_minutes, 0)
        }
    if not trip["found"]:
        return _("No trip by public transport there in time and home after the day (timetable)")
    if trip["line"] is None:  # the site is within walking distance: no timetable involved
        return _("%(minutes)s min on foot") % {"minutes": max(trip["minutes"], 1)}
    else:
        vehicle = {
            "train": _("train %(line)s"),
            "tram": _("tram %(line)s"),
            "metro": _("metro %(line)s"),
            "boat": _("boat %(line)s"),
            "bus": _("bus %(line)s"),
            "line": _("line %(line)s"),
        }[_vehicle(trip["route_type"])] % {"line": trip["line"]}
        changes = (
            ngettext("%(n)s change", "%(n)s changes", trip["transfers"]) % {"n": trip["transfers"]}
            if trip["transfers"]
            else _("no change")
        )
        how = _("%(minutes)s min by %(vehicle)s (%(changes)s)") % {
            "minutes": trip["minutes"],
            "vehicle": vehicle,
            "changes": changes,
        }
    return _("%(how)s, leave %(leave)s, there by %(arrive)s; last trip home %(home)s") % {
        "how": how,
        "leave": trip["leave"],
        "arrive": trip["arrive_by"],
        "home": trip["last_home"],
    }
