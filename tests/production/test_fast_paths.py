"""Explanations are built from the ranking's own scores (nothing scored twice) and equal the
one-pair explanation."""

import importlib.util
from pathlib import Path

import pytest

from matching.engine import Engine


def synthetic_engine() -> Engine:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "matching.py"
    spec = importlib.util.spec_from_file_location("bench_matching", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    participants, profiles = module.synthetic(40, 120)[:2]
    return Engine(participants, profiles)


def test_explanations_of_a_ranking_equal_one_pair_explanations(monkeypatch):
    engine = synthetic_engine()
    pid = int(engine.tables.participants.ids[3])
    matches = engine.rank_profiles(pid, limit=60, include_excluded=True)
    assert any(m.excluded for m in matches) and any(not m.excluded for m in matches)

    import matching.engine.ranking as ranking

    calls = []
    real = ranking.score_block
    monkeypatch.setattr(ranking, "score_block", lambda *a, **k: calls.append(1) or real(*a, **k))
    batch = engine.explain_matches(matches)
    assert calls == []  # nothing scored again
    monkeypatch.undo()
    for explained, match in zip(batch, matches, strict=True):
        single = engine.explain(match.participant_id, match.profile_id)
        assert explained.match.score == pytest.approx(single.match.score, abs=1e-9)
        assert explained.match.reasons == single.match.reasons
        assert explained.matched_skills == single.matched_skills
        assert explained.related_skills == single.related_skills
        assert explained.missing_skills == single.missing_skills
        assert explained.validations_missing == single.validations_missing
        assert explained.needs_unmet == single.needs_unmet
        assert explained.travel_minutes == single.travel_minutes
