"""Hybrid search: an exact lane for case numbers and quoted phrases, dense E5, BM25, fused by RRF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rag.index import ReplyIndex
from rag.records import PastRecord
from yishi.zh import to_simplified

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60
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
    fused: dict[str, float] = {}
    for ranking in (dense, lexical):
        for rank, (case_id, _score) in enumerate(ranking[:POOL]):
            fused[case_id] = fused.get(case_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    for case_id in exact:
        fused[case_id] = fused.get(case_id, 0.0) + 1.0  # an id or quote said outright wins
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
