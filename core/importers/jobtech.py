"""Importer for the JobTech Taxonomy export format (Arbetsförmedlingen): ``{"data": {"concepts": [...]}}``.

Reads SSYK 2012 groups (levels 1, 2, 4 and the hierarchy with occupation names), skills, SNI 2007
levels 1–2, the collection of occupations with no educational requirement and the substitutability
relations between occupations. Upserts by concept id (labels for entries seeded without one), so
running it again, or on a newer export, updates instead of duplicating.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core import taxonomy
from core.models import Industry, Occupation, OccupationSubstitution, Skill, SsykGroup
from core.writes import announce_rows

FILES = {
    "ssyk1": "ssyk-level-1-groups.json",
    "ssyk2": "ssyk-level-2-groups.json",
    "ssyk4": "ssyk-level-4-groups.json",
    "hierarchy": "the-ssyk-hierarchy-with-occupations.json",
    "skills": "skills.json",
    "sni1": "sni-level-1.json",
    "sni2": "sni-level-2.json",
    "no_education": "occupations-with-no-educational-requirements.json",
    "substitutability": "substitutability-relations-between-occupations.json",
}

# SNI 2007 divisions (two digits) → section letter.
SNI_SECTION_RANGES = [
    (1, 3, "A"),
    (5, 9, "B"),
    (10, 33, "C"),
    (35, 35, "D"),
    (36, 39, "E"),
    (41, 43, "F"),
    (45, 47, "G"),
    (49, 53, "H"),
    (55, 56, "I"),
    (58, 63, "J"),
    (64, 66, "K"),
    (68, 68, "L"),
    (69, 75, "M"),
    (77, 82, "N"),
    (84, 84, "O"),
    (85, 85, "P"),
    (86, 88, "Q"),
    (90, 93, "R"),
    (94, 96, "S"),
    (97, 98, "T"),
    (99, 99, "U"),
]


def sni_section(division: str) -> str | None:
    number = int(division)
    return next((letter for lo, hi, letter in SNI_SECTION_RANGES if lo <= number <= hi), None)


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)


def _concepts(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        payload = json.load(fh)
    try:
        return payload["data"]["concepts"]
    except (KeyError, TypeError) as exc:
        raise ValueError(
            f"{path.name}: not a JobTech taxonomy export (data.concepts missing)"
        ) from exc


def _walk(concepts: list[dict]):
    for concept in concepts:
        yield concept
        yield from _walk(concept.get("narrower") or [])


@transaction.atomic
def import_folder(folder: str | Path) -> ImportResult:
    folder = Path(folder)
    result = ImportResult()
    present = {key: folder / name for key, name in FILES.items() if (folder / name).exists()}
    result.missing_files = [name for key, name in FILES.items() if key not in present]

    groups: dict[str, dict] = {}
    for key, level in (("ssyk1", 1), ("ssyk2", 2), ("ssyk4", 4)):
        if key in present:
            for c in _concepts(present[key]):
                groups[c["ssyk_code_2012"]] = {
                    "label": c["preferred_label"],
                    "level": level,
                    "concept_id": c["id"],
                    "definition": c.get("definition", ""),
                }
    occupations: dict[str, tuple[str, str]] = {}  # concept id → (label, ssyk code)
    if "hierarchy" in present:
        for c in _walk(_concepts(present["hierarchy"])):
            if c.get("type", "").startswith("ssyk-level-"):
                level = int(c["type"].rsplit("-", 1)[1])
                groups.setdefault(
                    c["ssyk_code_2012"],
                    {
                        "label": c["preferred_label"],
                        "level": level,
                        "concept_id": c["id"],
                        "definition": c.get("definition", ""),
                    },
                )
                for child in c.get("narrower") or []:
                    if child.get("type") == "occupation-name":
                        occupations[child["id"]] = (child["preferred_label"], c["ssyk_code_2012"])
    result.counts["ssyk_groups"] = _upsert_groups(groups)
    result.counts["occupations"] = _upsert_occupations(occupations)

    if "no_education" in present:
        ids = {r["id"] for c in _concepts(present["no_education"]) for r in c.get("related") or []}
        result.counts["no_education_required"] = Occupation.objects.filter(
            concept_id__in=ids
        ).update(no_education_required=True)

    if "substitutability" in present:
        result.counts["substitutions"] = _upsert_substitutions(
            _concepts(present["substitutability"])
        )

    if "skills" in present:
        result.counts["skills"] = _upsert_by_concept(
            Skill,
            {
                c["id"]: c["preferred_label"]
                for c in _concepts(present["skills"])
                if c.get("type", "skill") == "skill"
            },
        )

    industries = 0
    for key in ("sni1", "sni2"):
        if key in present:
            for c in _concepts(present[key]):
                code = c["sni_level_code_2007"]
                level = 1 if key == "sni1" else 2
                parent_id = None if level == 1 else sni_section(code)
                Industry.objects.update_or_create(
                    code=code,
                    defaults={
                        "label": c["preferred_label"],
                        "level": level,
                        "parent_id": parent_id,
                        "concept_id": c.get("id", ""),
                    },
                )
                industries += 1
    result.counts["industries"] = industries
    announce_rows(Skill)  # labels and occupations, written in bulk
    transaction.on_commit(
        lambda: (taxonomy.invalidate("core.Skill"), taxonomy.invalidate("core.Occupation"))
    )
    return result


def _upsert_groups(groups: dict[str, dict]) -> int:
    existing = set(SsykGroup.objects.values_list("code", flat=True))
    new = [
        SsykGroup(code=code, **values) for code, values in groups.items() if code not in existing
    ]
    SsykGroup.objects.bulk_create(new)
    update = [SsykGroup(code=code, **values) for code, values in groups.items() if code in existing]
    SsykGroup.objects.bulk_update(update, ["label", "level", "concept_id", "definition"])
    return len(groups)


def _upsert_occupations(occupations: dict[str, tuple[str, str]]) -> int:
    by_concept = {o.concept_id: o for o in Occupation.objects.filter(concept_id__in=occupations)}
    by_label = {o.label.casefold(): o for o in Occupation.objects.filter(concept_id__isnull=True)}
    create, update = [], []
    for concept_id, (label, ssyk) in occupations.items():
        obj = by_concept.get(concept_id) or by_label.pop(label.casefold(), None)
        if obj is None:
            create.append(Occupation(concept_id=concept_id, label=label, ssyk_id=ssyk))
        else:
            obj.concept_id, obj.label, obj.ssyk_id = concept_id, label, ssyk
            update.append(obj)
    Occupation.objects.bulk_create(create, batch_size=1000)
    Occupation.objects.bulk_update(update, ["concept_id", "label", "ssyk"], batch_size=1000)
    return len(occupations)


def _upsert_by_concept(model, items: dict[str, str]) -> int:
    by_concept = {o.concept_id: o for o in model.objects.filter(concept_id__in=items)}
    by_label = {o.label.casefold(): o for o in model.objects.filter(concept_id__isnull=True)}
    create, update = [], []
    for concept_id, label in items.items():
        obj = by_concept.get(concept_id) or by_label.pop(label.casefold(), None)
        if obj is None:
            create.append(model(concept_id=concept_id, label=label))
        else:
            obj.concept_id, obj.label = concept_id, label
            update.append(obj)
    model.objects.bulk_create(create, batch_size=1000)
    model.objects.bulk_update(update, ["concept_id", "label"], batch_size=1000)
    return len(items)


def _upsert_substitutions(concepts: list[dict]) -> int:
    ids = dict(Occupation.objects.exclude(concept_id__isnull=True).values_list("concept_id", "pk"))
    pairs: dict[tuple[int, int], int] = {}
    for c in concepts:
        me = ids.get(c["id"])
        if me is None:
            continue
        # "substituted_by": people in that occupation can do this one; "substitutes": the reverse.
        for other in c.get("substituted_by") or []:
            if other["id"] in ids:
                pairs[(ids[other["id"]], me)] = other["substitutability_percentage"]
        for other in c.get("substitutes") or []:
            if other["id"] in ids:
                pairs[(me, ids[other["id"]])] = other["substitutability_percentage"]
    OccupationSubstitution.objects.bulk_create(
        [
            OccupationSubstitution(from_occupation_id=a, to_occupation_id=b, percentage=p)
            for (a, b), p in pairs.items()
        ],
        update_conflicts=True,
        unique_fields=["from_occupation", "to_occupation"],
        update_fields=["percentage"],
        batch_size=1000,
    )
    return len(pairs)
