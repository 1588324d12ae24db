"""Reply drafting for councillor inquiries: hybrid retrieval over past replies, cited drafts.

The functions here are what the CLI, the bots and the web call; each opens the configured index
unless one is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.drafting import ReplyDraft, Source, split_subquestions
from rag.drafting import draft_reply as _draft
from rag.hybrid import Mode, SearchHit, hybrid_search
from rag.index import IndexReport, ReplyIndex
from rag.records import LoadReport, PastRecord, load_records
from rag.routing import AgencySuggestion
from rag.routing import suggest_agency as _suggest
from yishi.config import Settings, get_settings

if TYPE_CHECKING:  # openai loads only when a draft is asked for, not for a search
    from yishi.llm import LLMClient

_OPEN: dict[str, ReplyIndex] = {}


def open_index(settings: Settings | None = None) -> ReplyIndex:
    """The configured index, opened once per process."""
    settings = settings or get_settings()
    key = f"{settings.data_dir}|{settings.chroma_url}|{settings.replies_collection}"
    if key not in _OPEN:
        _OPEN[key] = ReplyIndex.from_settings(settings)
    return _OPEN[key]


def index_records(records: Sequence[PastRecord], *, index: ReplyIndex | None = None) -> IndexReport:
    return (index or open_index()).index_records(records)


def search(
    query: str,
    *,
    k: int = 5,
    agency: str | None = None,
    mode: Mode = "hybrid",
    index: ReplyIndex | None = None,
) -> list[SearchHit]:
    return hybrid_search(index or open_index(), query, k=k, agency=agency, mode=mode)


def suggest_agency(query: str, *, index: ReplyIndex | None = None) -> AgencySuggestion:
    index = index or open_index()
    return _suggest(query, hybrid_search(index, query, k=5), index.agencies)


def draft_reply(
    inquiry: str,
    *,
    k: int = 5,
    agency: str | None = None,
    index: ReplyIndex | None = None,
    llm: LLMClient | None = None,
    use_configured_llm: bool = True,
    actor: str | None = None,
) -> ReplyDraft:
    """A cited draft reply, logged with its model, prompt version and sources."""
    from yishi.audit import log_draft
    from yishi.llm import llm_from_settings

    settings = get_settings()
    index = index or open_index(settings)
    if llm is None and use_configured_llm:
        llm = llm_from_settings(settings)
    hits = hybrid_search(index, inquiry, k=k)
    draft = _draft(inquiry, hits, agencies=index.agencies, llm=llm, agency=agency)
    log_draft(
        index.engine, actor=actor or settings.user, kind="reply", drafter=draft.drafter,
        model=draft.model, prompt_version=draft.prompt_version,
        sources=[{"id": s.id, "number": s.number} for s in draft.sources],
        output=draft.text,
    )  # fmt: skip
    return draft


__all__ = [
    "AgencySuggestion",
    "IndexReport",
    "LoadReport",
    "Mode",
    "PastRecord",
    "ReplyDraft",
    "ReplyIndex",
    "SearchHit",
    "Source",
    "draft_reply",
    "index_records",
    "load_records",
    "open_index",
    "search",
    "split_subquestions",
    "suggest_agency",
]
