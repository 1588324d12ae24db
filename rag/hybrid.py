"""Hybrid search: an exact lane for case numbers and quoted phrases, dense E5 and BM25, fused.

The two arms are fused by a weighted sum of their normalised scores, not by reciprocal rank
(RRF). On real councillor Q&A (tests/data/replies-real, dev split, 100 queries among 2,122
documents) RRF only averaged the arms: dense led on inquiries written as sentences (R@1 0.90 vs
BM25 0.76), BM25 on keyword queries (0.98 vs 0.88), and RRF gave 0.91 overall, because a rank
says nothing about how far ahead the leader of an arm is. Scores do: the dense cosine, min-max
scaled over its candidate pool, plus BM25 divided by its best score, weighted 0.7 : 0.3, gave
0.94 (0.6-0.8 all gave 0.93-0.95; bench/retrieval_real.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rag.index import ReplyIndex
from rag.records import PastRecord
from yishi.zh import to_simplified

Mode = Literal["hybrid", "dense", "lexical"]
DENSE_WEIGHT = 0.7  # fitted on the development split only; BM25 gets the rest
POOL = 50  # candidates each arm hands to the fusion
CASE_ID = re.compile(r"\d{2,3}\s*-\s*[質索陳裁]?\s*-?\s*\d{3,6}")
QUOTED = re.compile(r"[「『“\"]([^」』”\"]{2,40})[」』”\"]")


@dataclass(frozen=True)
class SearchHit:
    record: PastRecord
    score: float
    dense: float | None = None
    lexical: float | None = None
    exact: bool = False


def hybrid_search(
    index: ReplyIndex,
    query: str,
    *,
    k: int = 5,
    agency: str | None = None,
    since: str | None = None,
    until: str | None = None,
    mode: Mode = "hybrid",
) -> list[SearchHit]:
    """The past cases most like ``query``, best first."""
    query = query.strip()
    if not query:
        return []
    agency_code = index.agencies.resolve(agency).code if agency else None
    exact = _exact_ids(index, query)
    dense: list[tuple[str, float]] = []
    lexical: list[tuple[str, float]] = []
    if mode in ("hybrid", "dense"):
        dense = _best_per_case(index.vectors.query(index.embedder.query(query), k=POOL * 3))
    if mode in ("hybrid", "lexical"):
        lexical = index.lexical().search(query, POOL)
    fused = fuse(dense[:POOL], lexical[:POOL])
    for case_id in exact:
        fused[case_id] = fused.get(case_id, 0.0) + 2.0  # an id said outright wins (fused ≤ 1)
    ordered = sorted(fused, key=lambda case_id: -fused[case_id])
    phrases = [to_simplified(p) for p in QUOTED.findall(query)]
    dense_scores, lexical_scores = dict(dense), dict(lexical)
    hits: list[SearchHit] = []
    # Load the records in small batches, best first: most searches need only the first one.
    batch = max(2 * k, 10) if not phrases else len(ordered)
    records: dict[str, PastRecord] = {}
    for position, case_id in enumerate(ordered):
        if position % batch == 0:
            if len(hits) >= k and not phrases:
                break
            records.update(index.records(ordered[position : position + batch]))
        record = records.get(case_id)
        if record is None or not _passes(record, agency_code, since, until):
            continue
        boost = (
            0.5
            if phrases and all(p in to_simplified(record.question + record.reply) for p in phrases)
            else 0.0
        )
        hits.append(
            SearchHit(
                record=record,
                score=round(fused[case_id] + boost, 6),
                dense=dense_scores.get(case_id),
                lexical=lexical_scores.get(case_id),
                exact=case_id in exact,
            )
        )
    hits.sort(key=lambda h: -h.score)
    return hits[:k]


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]]) -> dict[str, float]:
    """Each case's weighted sum of its dense and lexical scores, each scaled to 0..1."""
    fused: dict[str, float] = {}
    weight = DENSE_WEIGHT if lexical else 1.0
    if dense:
        top, bottom = dense[0][1], dense[-1][1]
        spread = top - bottom
        for case_id, similarity in dense:
            scaled = (similarity - bottom) / spread if spread > 0 else 1.0
            fused[case_id] = weight * scaled
    if lexical:
        weight = 1.0 - DENSE_WEIGHT if dense else 1.0
        best = lexical[0][1]
        for case_id, score in lexical:
            fused[case_id] = fused.get(case_id, 0.0) + weight * score / best
    return fused


def _best_per_case(chunks: list[tuple[str, float]]) -> list[tuple[str, float]]:
    best: dict[str, float] = {}
    for case_id, similarity in chunks:
        best[case_id] = max(similarity, best.get(case_id, -1.0))
    return sorted(best.items(), key=lambda item: -item[1])


def _exact_ids(index: ReplyIndex, query: str) -> list[str]:
    said = [re.sub(r"\s+", "", m.group(0)) for m in CASE_ID.finditer(query)]
    if index.case_id_pattern is not None:  # the configured pattern, spaces around "-" closed up
        closed = re.sub(r"\s*-\s*", "-", query)
        said += [
            m.group(0) for m in index.case_id_pattern.finditer(closed) if m.group(0) not in said
        ]
    if not said:
        return []
    found = index.records(said)
    return [case_id for case_id in said if case_id in found]


def _passes(record: PastRecord, agency: str | None, since: str | None, until: str | None) -> bool:
    if agency and record.agency != agency:
        return False
    if since and (record.date or "") < since:
        return False
    return not (until and (record.date or "9999") > until)
