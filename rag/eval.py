"""Retrieval evaluation: recall@1/5, MRR and agency accuracy for dense, lexical and hybrid search."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rag.hybrid import Mode, hybrid_search
from rag.index import ReplyIndex
from rag.routing import suggest_agency
from yishi.errors import InputError


@dataclass(frozen=True)
class Inquiry:
    id: str
    text: str
    expected_ids: tuple[str, ...]
    expected_agency: str | None
    kind: str


@dataclass
class ArmResult:
    mode: str
    queries: int = 0
    hits_at_1: int = 0
    hits_at_5: int = 0
    all_at_5: int = 0  # every expected case in the top five (recurring issues have several)
    reciprocal_ranks: float = 0.0
    agency_right: int = 0
    agency_asked: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall_at_1(self) -> float:
        return self.hits_at_1 / self.queries if self.queries else 0.0

    @property
    def recall_at_5(self) -> float:
        return self.hits_at_5 / self.queries if self.queries else 0.0

    @property
    def full_recall_at_5(self) -> float:
        return self.all_at_5 / self.queries if self.queries else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.queries if self.queries else 0.0

    @property
    def agency_accuracy(self) -> float:
        return self.agency_right / self.agency_asked if self.agency_asked else 0.0


def load_inquiries(paths: list[Path]) -> list[Inquiry]:
    inquiries = []
    for path in paths:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                inquiries.append(
                    Inquiry(
                        id=str(data["id"]),
                        text=str(data["text"]),
                        expected_ids=tuple(data.get("expected_ids") or ()),
                        expected_agency=data.get("expected_agency"),
                        kind=str(data.get("kind") or ""),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(
                    f"{path.name} 第 {number} 行格式錯誤（需要 id、text、expected_ids）"
                ) from exc
    return inquiries


def evaluate(
    index: ReplyIndex,
    inquiries: list[Inquiry],
    *,
    modes: tuple[Mode, ...] = ("dense", "lexical", "hybrid"),
) -> list[ArmResult]:
    results = []
    for mode in modes:
        result = ArmResult(mode=mode)
        for inquiry in inquiries:
            hits = hybrid_search(index, inquiry.text, k=10, mode=mode)
            if inquiry.expected_agency:
                result.agency_asked += 1
                suggestion = suggest_agency(inquiry.text, hits, index.agencies)
                expected = index.agencies.resolve(inquiry.expected_agency).code
                result.agency_right += bool(
                    suggestion.agency and suggestion.agency.code == expected
                )
            if not inquiry.expected_ids:
                continue
            result.queries += 1
            ranked = [h.record.id for h in hits]
            ranks = [ranked.index(i) + 1 for i in inquiry.expected_ids if i in ranked]
            first = min(ranks) if ranks else None
            result.hits_at_1 += first == 1
            result.hits_at_5 += bool(first and first <= 5)
            result.all_at_5 += all(i in ranked[:5] for i in inquiry.expected_ids)
            result.reciprocal_ranks += 1.0 / first if first else 0.0
            if not first or first > 5:
                result.misses.append(
                    f"{inquiry.id}: {inquiry.text[:40]} → {ranked[:3]}, want {list(inquiry.expected_ids)}"
                )
        results.append(result)
    return results
