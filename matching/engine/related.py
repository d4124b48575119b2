"""Related skills by text similarity: TF-IDF over character n-grams of the labels (scikit-learn),
cosine similarity, keeping each skill's few nearest neighbours above a threshold."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

RELATED_THRESHOLD = 0.5
RELATED_NEIGHBOURS = 5


def related_skills(
    labels: dict[Hashable, str],
    *,
    threshold: float = RELATED_THRESHOLD,
    neighbours: int = RELATED_NEIGHBOURS,
) -> dict[Hashable, list[tuple[Hashable, float]]]:
    """key → [(related key, similarity)], excluding itself, most similar first (ties by key order)."""
    keys = list(labels)
    if len(keys) < 2:
        return {}
    # Imported here: importing scikit-learn takes seconds, which every process paid at start-up
    # (manage.py's commands too), not only the ones that build an engine.
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [labels[k].casefold() for k in keys]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4)).fit_transform(texts)
    sims = (matrix @ matrix.T).tocsr()
    result: dict[Hashable, list[tuple[Hashable, float]]] = {}
    for i, key in enumerate(keys):
        row = sims.getrow(i)
        pairs = [
            (j, float(v))
            for j, v in zip(row.indices, row.data, strict=True)
            if j != i and v >= threshold
        ]
        pairs.sort(key=lambda p: (-p[1], p[0]))
        if pairs:
            result[key] = [(keys[j], round(v, 6)) for j, v in pairs[:neighbours]]
    return result


def effective_strengths(
    own: dict[Hashable, float], related: dict[Hashable, list[tuple[Hashable, float]]], factor: float
) -> dict[Hashable, float]:
    """A participant's strength per skill, including related skills at a discount."""
    result = dict(own)
    for key, strength in own.items():
        for other, sim in related.get(key, ()):
            candidate = strength * sim * factor
            if candidate > result.get(other, 0.0):
                result[other] = candidate
    return result


__all__ = ["effective_strengths", "related_skills", "np"]
