"""Incremental updates: a few changed, added or removed participants or profiles → a new engine
that shares nothing mutable with the old one, without rebuilding from the database.

The changed rows are built with the old engine's vocabulary (the same column numbers) and appended;
their old rows and the removed ones are dropped (one vectorised copy per array, no Python loop over
the unchanged rows' features). A patch is refused (``None``: the caller rebuilds in full) when it
would change what the whole engine depends on: a key the vocabulary does not have (a new skill,
OCN module level, KGA competence, occupation, industry, employer or adaptation), or a change in the
set of skills that appear in any record (related skills are worked out over that set). So a patched
engine ranks exactly as a full rebuild over the same records does (scores equal to rounding:
column order may differ).
"""

from __future__ import annotations

import dataclasses
import weakref
from collections import Counter
from collections.abc import Iterable

import numpy as np
from scipy import sparse

from matching.engine.ranking import Engine
from matching.engine.records import ParticipantRecord, ProfileRecord
from matching.engine.tables import Tables, Vocab, _participant_table, _profile_table


def participant_keys(p: ParticipantRecord) -> Iterable[tuple[str, object]]:
    for key in p.skills:
        yield "skill", key
    for m, level in p.certified_modules.items():
        for lvl in range(1, int(level) + 1):
            yield "module", (m, lvl)
    for k in p.kga:
        yield "competence", k
    for o in (*p.desired_occupations, *p.substitute_occupations):
        yield "occupation", o
    for i in p.desired_industries:
        yield "industry", i
    for e in p.consent_employers:
        yield "employer", e
    for a in p.needs:
        yield "adaptation", a
    for licence in p.licences:
        yield "licence", licence


def profile_keys(r: ProfileRecord) -> Iterable[tuple[str, object]]:
    for key in r.skills:
        yield "skill", key
    for m, level in r.ocn_required.items():
        yield "module", (m, int(level))
    for k in r.kga_required:
        yield "competence", k
    if r.occupation_id is not None:
        yield "occupation", r.occupation_id
    if r.industry is not None:
        yield "industry", r.industry
    yield "employer", r.employer_id
    for a in r.offered:
        yield "adaptation", a
    for licence in r.required_licences:
        yield "licence", licence
    for key in r.must_skills:
        yield "skill", key


def record_skills(records: Iterable) -> Counter:
    """How many records name each skill (the set the related skills are worked out over)."""
    counts: Counter = Counter()
    for r in records:
        counts.update(r.skills.keys())
    return counts


def _fits(vocab: Vocab, keys: Iterable[tuple[str, object]]) -> bool:
    return all(key in vocab.maps[kind] for kind, key in keys)


def _combined(table, new, *, records, csr, array):
    """A table of ``table``'s kind from its columns and ``new``'s, each column combined by the
    function for its kind: ``records`` (the list of records), ``csr`` (sparse) or ``array``."""
    values = {}
    for f in dataclasses.fields(table):
        if f.name == "_radius":
            continue
        old, added = getattr(table, f.name), getattr(new, f.name)
        combine = records if f.name == "records" else csr if sparse.issparse(old) else array
        values[f.name] = combine(old, added)
    return type(table)(**values)


def _spliced(table, keep: np.ndarray, new):
    """``table`` without the rows not in ``keep``, with ``new``'s rows appended."""
    return _combined(
        table,
        new,
        records=lambda old, added: [old[i] for i in keep.tolist()] + list(added),
        csr=lambda old, added: sparse.vstack([old[keep], added], format="csr"),
        array=lambda old, added: np.concatenate([np.asarray(old)[keep], added]),
    )


def _replaced(table, rows: np.ndarray, new):
    """``table`` with its rows ``rows`` replaced by ``new``'s rows, in that order: every other
    row keeps its place (so do the row indexes of the engine, and of its travel-time grid)."""

    def records(old, added):
        out = list(old)
        for row, record in zip(rows.tolist(), added, strict=True):
            out[row] = record
        return out

    def array(old, added):
        out = np.array(old, copy=True)  # a stored table's arrays are read-only maps
        out[rows] = added
        return out

    return _combined(
        table,
        new,
        records=records,
        csr=lambda old, added: _csr_replaced(old, rows, added),
        array=array,
    )


def _csr_replaced(old, rows: np.ndarray, added):
    """A CSR matrix's ``rows`` replaced by ``added``'s rows: the unchanged stretches copied as
    they lie, not indexed row by row."""
    old, added = old.tocsr(), added.tocsr()
    counts = np.diff(old.indptr)
    counts[rows] = np.diff(added.indptr)
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    data = np.empty(indptr[-1], dtype=np.result_type(old.data, added.data))
    indices = np.empty(indptr[-1], dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    start = 0
    for k in order.tolist():
        row = int(rows[k])
        for target, source_old, source_new in (
            (data, old.data, added.data),
            (indices, old.indices, added.indices),
        ):
            target[indptr[start] : indptr[row]] = source_old[old.indptr[start] : old.indptr[row]]
            target[indptr[row] : indptr[row + 1]] = source_new[
                added.indptr[k] : added.indptr[k + 1]
            ]
        start = row + 1
    data[indptr[start] :] = old.data[old.indptr[start] :]
    indices[indptr[start] :] = old.indices[old.indptr[start] :]
    return sparse.csr_matrix((data, indices, indptr), shape=old.shape)


def patched(
    engine: Engine,
    skill_counts: Counter,
    *,
    participants: list[ParticipantRecord] = (),
    profiles: list[ProfileRecord] = (),
    removed_participants: Iterable[int] = (),
    removed_profiles: Iterable[int] = (),
) -> tuple[Engine, Counter] | None:
    """The engine with these participants and profiles (new or changed) and without the removed
    ones; with the updated skill counts. None when only a full rebuild gives the same result."""
    t = engine.tables
    vocab = t.vocab
    if not all(_fits(vocab, participant_keys(p)) for p in participants):
        return None
    if not all(_fits(vocab, profile_keys(r)) for r in profiles):
        return None
    p_removed = {engine._participant_row.get(int(i)) for i in removed_participants} - {None}
    p_changed = [engine._participant_row.get(p.id) for p in participants]
    p_rows = p_removed | set(p_changed) - {None}
    r_removed = {engine._profile_row.get(int(i)) for i in removed_profiles} - {None}
    r_changed = [engine._profile_row.get(r.id) for r in profiles]
    r_rows = r_removed | set(r_changed) - {None}
    counts = Counter(skill_counts)
    counts.subtract(record_skills(t.participants.records[i] for i in p_rows))
    counts.subtract(record_skills(t.profiles.records[i] for i in r_rows))
    counts.update(record_skills(participants))
    counts.update(record_skills(profiles))
    counts = +counts  # drop the zeros
    if set(counts) != {k for k, n in skill_counts.items() if n > 0}:
        return None
    # A side without a change is shared as it is (with its spatial index, if already built).
    # Rows that only changed are replaced where they are; with rows removed or added, the side's
    # rows are spliced (kept ones first, new ones after) and the engine indexes them anew.
    people, people_in_place = t.participants, not p_removed and None not in p_changed
    if participants or p_rows:
        new_people = _participant_table(vocab, list(participants), t.related, t.travel)
        if people_in_place:
            people = _replaced(people, np.array(p_changed, dtype=np.int64), new_people)
        else:
            p_keep = np.setdiff1d(np.arange(people.size), np.fromiter(p_rows, dtype=np.int64))
            people = _spliced(people, p_keep, new_people)
    jobs, jobs_in_place = t.profiles, not r_removed and None not in r_changed
    if profiles or r_rows:
        new_jobs = _profile_table(vocab, list(profiles))
        if jobs_in_place:
            jobs = _replaced(jobs, np.array(r_changed, dtype=np.int64), new_jobs)
        else:
            r_keep = np.setdiff1d(np.arange(jobs.size), np.fromiter(r_rows, dtype=np.int64))
            jobs = _spliced(jobs, r_keep, new_jobs)
    tables = Tables(vocab, people, jobs, t.related, t.travel)
    result = Engine.from_tables(
        tables,
        weights=engine.weights,
        rows_of=engine if people_in_place and jobs_in_place else None,
    )
    if people_in_place and jobs_in_place and not profiles:
        # Only participants changed, in place: their engine rows, for the travel-time grid.
        result.replaced_rows = (weakref.ref(engine), np.array(p_changed, dtype=np.int64))
    return result, counts
