"""The licences and legitimations vocabulary: a realistic Swedish starting list (editable by
administrators afterwards), and what a held licence includes.

Sources: driving-licence classes and the professional driver's qualification (YKB) from
Transportstyrelsen, the ADR certificate (MSB), forklift cards after the TLP10 curriculum,
legitimations from Socialstyrelsen (health care) and Skolverket (teachers)."""

from __future__ import annotations

from collections.abc import Iterable

from core.choices import LicenceKind as K

# The ordinary car licence: holding it (or a class that includes it) is what the participant's
# ``has_driving_licence`` means for travelling by car.
CAR_LICENCE = "b"

# (code, Swedish label, English label, kind, issuer, label in job ads, codes it includes)
LICENCES: list[tuple[str, str, str, str, str, str, tuple[str, ...]]] = [
    ("am", "Körkort AM (moped klass I)", "Driving licence AM (moped)", K.DRIVING,
     "Transportstyrelsen", "AM", ()),
    ("a1", "Körkort A1 (lätt motorcykel)", "Driving licence A1 (light motorcycle)", K.DRIVING,
     "Transportstyrelsen", "A1", ("am",)),
    ("a2", "Körkort A2 (mellanstor motorcykel)", "Driving licence A2", K.DRIVING,
     "Transportstyrelsen", "A2", ("a1",)),
    ("a", "Körkort A (motorcykel)", "Driving licence A (motorcycle)", K.DRIVING,
     "Transportstyrelsen", "A", ("a2",)),
    ("b", "Körkort B (personbil)", "Driving licence B (car)", K.DRIVING,
     "Transportstyrelsen", "B", ("am",)),
    ("be", "Körkort BE (personbil med tungt släp)", "Driving licence BE (car with trailer)",
     K.DRIVING, "Transportstyrelsen", "BE", ("b",)),
    ("c1", "Körkort C1 (medeltung lastbil)", "Driving licence C1 (medium lorry)", K.DRIVING,
     "Transportstyrelsen", "C1", ("b",)),
    ("c1e", "Körkort C1E", "Driving licence C1E", K.DRIVING, "Transportstyrelsen", "C1E",
     ("c1", "be")),
    ("c", "Körkort C (tung lastbil)", "Driving licence C (heavy lorry)", K.DRIVING,
     "Transportstyrelsen", "C", ("c1",)),
    ("ce", "Körkort CE (tung lastbil med släp)", "Driving licence CE (lorry with trailer)",
     K.DRIVING, "Transportstyrelsen", "CE", ("c", "c1e")),
    ("d1", "Körkort D1 (mellanstor buss)", "Driving licence D1 (minibus)", K.DRIVING,
     "Transportstyrelsen", "D1", ("b",)),
    ("d", "Körkort D (buss)", "Driving licence D (bus)", K.DRIVING, "Transportstyrelsen", "D",
     ("d1",)),
    ("de", "Körkort DE (buss med släp)", "Driving licence DE (bus with trailer)", K.DRIVING,
     "Transportstyrelsen", "DE", ("d", "be")),
    ("ykb-gods", "YKB – yrkeskompetensbevis för godstransport",
     "Driver CPC, goods", K.DRIVING, "Transportstyrelsen", "", ()),
    ("ykb-person", "YKB – yrkeskompetensbevis för persontransport",
     "Driver CPC, passengers", K.DRIVING, "Transportstyrelsen", "", ()),
    ("adr", "ADR-intyg (farligt gods)", "ADR certificate (dangerous goods)", K.DRIVING,
     "MSB", "", ()),
    ("truck-a", "Truckkort A (lagertruckar)", "Forklift card A (warehouse trucks)", K.MACHINE,
     "TLP10-utbildning", "", ()),
    ("truck-b", "Truckkort B (motviktstruckar, skjutstativtruckar)",
     "Forklift card B (counterbalance and reach trucks)", K.MACHINE, "TLP10-utbildning", "", ()),
    ("leg-lakare", "Läkarlegitimation", "Licensed physician", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("leg-sjukskoterska", "Sjuksköterskelegitimation", "Registered nurse", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("leg-barnmorska", "Barnmorskelegitimation", "Licensed midwife", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("leg-tandlakare", "Tandläkarlegitimation", "Licensed dentist", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("leg-tandhygienist", "Tandhygienistlegitimation", "Licensed dental hygienist",
     K.LEGITIMATION, "Socialstyrelsen", "", ()),
    ("leg-fysioterapeut", "Fysioterapeutlegitimation", "Licensed physiotherapist",
     K.LEGITIMATION, "Socialstyrelsen", "", ()),
    ("leg-arbetsterapeut", "Arbetsterapeutlegitimation", "Licensed occupational therapist",
     K.LEGITIMATION, "Socialstyrelsen", "", ()),
    ("leg-psykolog", "Psykologlegitimation", "Licensed psychologist", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("leg-apotekare", "Apotekarlegitimation", "Licensed pharmacist", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("leg-receptarie", "Receptarielegitimation", "Licensed prescriptionist", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("leg-biomedicinsk-analytiker", "Legitimation som biomedicinsk analytiker",
     "Licensed biomedical scientist", K.LEGITIMATION, "Socialstyrelsen", "", ()),
    ("leg-dietist", "Dietistlegitimation", "Licensed dietitian", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("leg-logoped", "Logopedlegitimation", "Licensed speech therapist", K.LEGITIMATION,
     "Socialstyrelsen", "", ()),
    ("titel-underskoterska", "Undersköterska – bevis om skyddad yrkestitel",
     "Assistant nurse, protected title", K.LEGITIMATION, "Socialstyrelsen", "", ()),
    ("leg-forskollarare", "Förskollärarlegitimation", "Registered preschool teacher",
     K.LEGITIMATION, "Skolverket", "", ()),
    ("leg-larare", "Lärarlegitimation", "Registered teacher", K.LEGITIMATION, "Skolverket", "",
     ()),
]  # fmt: skip


def seed_licences(apps=None, **_kwargs) -> None:
    """Create the list (missing rows only: an administrator's edits stay)."""
    from django.apps import apps as global_apps

    Licence = (apps or global_apps).get_model("core", "Licence")
    rows = {}
    for order, (code, label, label_en, kind, issuer, ad_label, _inc) in enumerate(LICENCES, 1):
        rows[code], _ = Licence.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "label_en": label_en,
                "kind": str(kind),
                "issuer": issuer,
                "ad_label": ad_label,
                "order": order,
            },
        )
    for code, *_rest, includes in LICENCES:
        if includes:
            rows[code].includes.add(*(rows[c] for c in includes))


def inclusion_map() -> dict[int, set[int]]:
    """Each licence that includes others → every licence it includes, directly or through
    another (CE → C, C1E, C1, BE, B, AM), from one query."""
    from core.models import Licence

    edges: dict[int, set[int]] = {}
    for src, dst in Licence.includes.through.objects.values_list(
        "from_licence_id", "to_licence_id"
    ):
        edges.setdefault(src, set()).add(dst)
    closure: dict[int, set[int]] = {}
    for start in edges:
        seen: set[int] = set()
        todo = [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        closure[start] = seen
    return closure


def with_included(
    licence_ids: Iterable[int], included: dict[int, set[int]] | None = None
) -> set[int]:
    """The licences held, with every one they include."""
    included = inclusion_map() if included is None else included
    held = set(licence_ids)
    return held.union(*(included.get(lid, set()) for lid in held))
