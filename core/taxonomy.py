"""Normalising free text to the taxonomy with rapidfuzz.

A guide or coordinator types "truckkörnig"; we find "Truckkörning". Labels and synonyms are both
candidates. A text that finds nothing above the cut-off is kept as free text by the caller, never
dropped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

SKILL_MATCH_CUTOFF = 85.0


@dataclass(frozen=True)
class TermMatch:
    id: int | None
    label: str
    score: float  # 0–100, 100 for an exact (case/space-folded) match

    @property
    def matched(self) -> bool:
        return self.id is not None


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


@lru_cache(maxsize=4)
def _index(model_label: str, version: tuple) -> tuple[list[str], list[int], list[str]]:
    from django.apps import apps

    model = apps.get_model(model_label)
    choices: list[str] = []
    ids: list[int] = []
    labels: list[str] = []
    for pk, label, synonyms in model.objects.values_list("pk", "label", "synonyms"):
        for term in [label, *(synonyms or [])]:
            choices.append(fold(term))
            ids.append(pk)
            labels.append(label)
    return choices, ids, labels


def _version(model) -> tuple:
    from django.db.models import Count, Max

    agg = model.objects.aggregate(n=Count("pk"), m=Max("pk"))
    return (agg["n"], agg["m"], _generation[model._meta.label])


_generation: dict[str, int] = {"core.Skill": 0, "core.Occupation": 0}


def invalidate(model_label: str) -> None:
    """Forget the cached index (call after editing labels or synonyms)."""
    _generation[model_label] = _generation.get(model_label, 0) + 1


def _best(model, text: str, cutoff: float) -> TermMatch:
    folded = fold(text)
    if not folded:
        return TermMatch(None, text, 0.0)
    choices, ids, labels = _index(model._meta.label, _version(model))
    if not choices:
        return TermMatch(None, text.strip(), 0.0)
    try:
        exact = choices.index(folded)
    except ValueError:
        exact = -1
    if exact >= 0:
        return TermMatch(ids[exact], labels[exact], 100.0)
    hit = process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    if hit is None:
        return TermMatch(None, text.strip(), 0.0)
    _choice, score, index = hit
    return TermMatch(ids[index], labels[index], float(score))


def normalise_skill(text: str, *, cutoff: float = SKILL_MATCH_CUTOFF) -> TermMatch:
    from core.models import Skill

    return _best(Skill, text, cutoff)


def normalise_occupation(text: str, *, cutoff: float = SKILL_MATCH_CUTOFF) -> TermMatch:
    from core.models import Occupation

    return _best(Occupation, text, cutoff)


def search_labels(model, text: str, *, limit: int = 30) -> list[str]:
    """Labels whose label or a synonym contains ``text`` (case- and space-folded, å/ä/ö too):
    typing "lokalvårdare" offers "Städare". Labels that contain the text come first."""
    folded = fold(text)
    if not folded:
        return []
    choices, _ids, labels = _index(model._meta.label, _version(model))
    in_label: list[str] = []
    by_synonym: list[str] = []
    for choice, label in zip(choices, labels, strict=True):
        if folded in choice:
            (in_label if folded in fold(label) else by_synonym).append(label)
    found = sorted(set(in_label)) + sorted(set(by_synonym) - set(in_label))
    return found[:limit]


def label_for(model, text: str) -> str | None:
    """The label of the vocabulary entry that ``text`` names exactly, by label or synonym."""
    folded = fold(text)
    choices, _ids, labels = _index(model._meta.label, _version(model))
    try:
        return labels[choices.index(folded)]
    except ValueError:
        return None


def has_synonyms(model) -> bool:
    """Whether ``model`` is one of the vocabularies with synonyms (skills, occupations)."""
    return model._meta.label in _generation


def suggest_labels(model, text: str, *, limit: int = 3, cutoff: float = 60.0) -> list[str]:
    """The labels nearest to ``text`` (by label or synonym), best first, for "did you mean"."""
    folded = fold(text)
    if not folded:
        return []
    choices, _ids, labels = _index(model._meta.label, _version(model))
    found: list[str] = []
    for _choice, _score, index in process.extract(
        folded, choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=cutoff
    ):
        if labels[index] not in found:
            found.append(labels[index])
    return found[:limit]
