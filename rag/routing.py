"""Which agency should answer: the agencies the inquiry names, else the ones that answered alike."""

from __future__ import annotations

from dataclasses import dataclass

from inquiries import Agency, AgencyRegistry
from rag.hybrid import SearchHit
from yishi.zh import to_taiwan


@dataclass(frozen=True)
class AgencySuggestion:
    agency: Agency | None
    confidence: float
    reason: str


def suggest_agency(query: str, hits: list[SearchHit], agencies: AgencyRegistry) -> AgencySuggestion:
    # A query in Simplified script ("工务局") names its agency too.
    named = [
        _answering(a, agencies)
        for a in agencies.find_in_text(to_taiwan(query))
        if a.code != "districts"
    ]
    votes: dict[str, float] = {}
    for rank, hit in enumerate(hits[:5]):
        if hit.record.agency:
            votes[hit.record.agency] = votes.get(hit.record.agency, 0.0) + 1.0 / (rank + 1)
    total = sum(votes.values())
    if named:
        lead = named[0]
        agreement = votes.get(lead.code, 0.0) / total if total else 0.0
        return AgencySuggestion(lead, round(0.7 + 0.3 * agreement, 2), f"質詢內容點名{lead.short}")
    if not votes:
        return AgencySuggestion(None, 0.0, "沒有相似前案可供判斷")
    code = max(votes, key=lambda c: votes[c])
    agency = agencies.get(code)
    share = votes[code] / total
    # One similar case is weak evidence; agreement among several is strong.
    confidence = round(share * min(1.0, 0.5 + 0.1 * len(hits)), 2)
    return AgencySuggestion(agency, confidence, f"相似前案多由{agency.short}答復")


def _answering(agency: Agency, agencies: AgencyRegistry) -> Agency:
    """The agency that answers for ``agency``: a group of like units (各區戶政事務所) has its
    parent answer (民政局); a single unit (公園處, 聯合醫院) answers itself."""
    if agency.group and agency.parent:
        return agencies.get(agency.parent)
    return agency
