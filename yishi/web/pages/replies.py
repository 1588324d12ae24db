"""Reply drafting: paste an inquiry, see similar past cases and a cited draft, edit, take a DOCX.

The draft is what ``yishi replies draft`` makes (``rag.draft_reply``: rule-based outline without
a language model, the configured model otherwise), logged in the AI audit log the same way. A
liaison's similar cases and draft rest only on their own agency's past replies, as the bots'
"查類似" does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

import rag
from rag import ReplyDraft, ReplyIndex, SearchHit
from rag.drafting import draft_reply as draft_from_hits
from rag.hybrid import hybrid_search
from yishi.audit import log_draft
from yishi.config import Settings
from yishi.documents import government_document, to_bytes
from yishi.errors import InputError
from yishi.llm import llm_from_settings
from yishi.web.deps import SignedIn, Viewer, checked_form, render, settings_of
from yishi.web.pages.cases import attachment

router = APIRouter()
MAX_INQUIRY = 5000
MAX_REPLY = 20_000
SIMILAR = 5
INDEX_HELP = (
    "yishi replies index 過去答復.jsonl（或 .csv／.xlsx），"
    "或 yishi replies index --from-cases（同步追蹤系統中已答復的案件）"
)


@dataclass(frozen=True)
class Similar:
    id: str
    agency: str
    date: str
    question: str
    reply: str
    score: float


def _index(settings: Settings) -> ReplyIndex:
    return rag.open_index(settings)


def _actor(viewer: Viewer) -> str:
    return f"{viewer.staff.name}（網頁）"


@router.get("/replies", response_class=HTMLResponse)
async def replies_page(request: Request, viewer: SignedIn) -> HTMLResponse:
    settings = settings_of(request)
    count = await asyncio.to_thread(lambda: _index(settings).count())
    return render(
        request, "replies.html", viewer, nav="replies", indexed=count, inquiry="",
        index_help=INDEX_HELP, draft=None,
    )  # fmt: skip


@router.post("/replies/draft", response_class=HTMLResponse)
async def draft(request: Request, viewer: SignedIn) -> HTMLResponse:
    form = await checked_form(request, viewer)
    settings = settings_of(request)
    inquiry = str(form.get("inquiry") or "").strip()
    agency = str(form.get("agency") or "").strip()[:60] or None
    context: dict[str, Any] = {"inquiry": inquiry, "index_help": INDEX_HELP, "draft": None}
    if not inquiry:
        return _page(request, viewer, settings, 400, "請貼上質詢內容", context)
    if len(inquiry) > MAX_INQUIRY:
        return _page(request, viewer, settings, 400, f"質詢內容超過 {MAX_INQUIRY:,} 字", context)
    try:
        result = await asyncio.to_thread(
            _draft, settings, inquiry, agency, viewer.agency_filter, _actor(viewer)
        )
    except InputError as exc:
        return _page(request, viewer, settings, 400, exc.message, context)
    if result is None:
        return _page(request, viewer, settings, 200, None, context)
    reply_draft, similar = result
    agency_choice = reply_draft.agency.agency
    context |= {
        "draft": reply_draft,
        "similar": similar,
        "agency": agency or "",
        "suggested": agency_choice.short if agency_choice else "",
        "draft_text": reply_draft.text,
    }
    return _page(request, viewer, settings, 200, None, context)


def _page(
    request: Request,
    viewer: Viewer,
    settings: Settings,
    status: int,
    problem: str | None,
    context: dict[str, Any],
) -> HTMLResponse:
    indexed = _index(settings).count()
    return render(
        request, "replies.html", viewer, status_code=status, nav="replies", indexed=indexed,
        flash=problem, flash_kind="error" if problem else None, **context,
    )  # fmt: skip


def _draft(
    settings: Settings, inquiry: str, agency: str | None, within: str | None, actor: str
) -> tuple[ReplyDraft, list[Similar]] | None:
    """The similar cases and the logged draft; None when the index is empty."""
    index = _index(settings)
    if index.count() == 0:
        return None
    if agency:
        agency = index.agencies.resolve(agency).code
    llm = llm_from_settings(settings)
    if within is None:
        # Exactly the CLI's path (yishi replies draft): search, draft, audit log.
        reply_draft = rag.draft_reply(
            inquiry, k=SIMILAR, agency=agency, index=index, llm=llm, use_configured_llm=False,
            actor=actor,
        )  # fmt: skip
    else:
        reply_draft = _draft_within(index, inquiry, agency, within, llm, actor)
    hits = rag.search(inquiry, k=SIMILAR, agency=within, index=index)
    return reply_draft, [_similar(index, hit) for hit in hits]


def _draft_within(
    index: ReplyIndex, inquiry: str, agency: str | None, within: str, llm: Any, actor: str
) -> ReplyDraft:
    """``rag.draft_reply`` grounded only on one agency's past replies (a liaison's own).

    The same steps and the same audit record as ``rag.draft_reply``; only the retrieval is
    limited to ``within``, so that no other agency's reply is quoted to a liaison.
    """
    hits = hybrid_search(index, inquiry, k=SIMILAR, agency=within)
    result = draft_from_hits(inquiry, hits, agencies=index.agencies, llm=llm, agency=agency)
    log_draft(
        index.engine, actor=actor, kind="reply", drafter=result.drafter, model=result.model,
        prompt_version=result.prompt_version,
        sources=[{"id": s.id, "number": s.number} for s in result.sources], output=result.text,
    )  # fmt: skip
    return result


def _similar(index: ReplyIndex, hit: SearchHit) -> Similar:
    names = {a.code: a.short for a in index.agencies}
    record = hit.record
    return Similar(
        id=record.id,
        agency=record.agencies_label(names) or "",  # as written when it is no known agency
        date=record.date or "",
        question=record.question,
        reply=record.reply,
        score=hit.score,
    )


@router.post("/replies/export")
async def export(request: Request, viewer: SignedIn) -> Response:
    form = await checked_form(request, viewer)
    settings = settings_of(request)
    text = str(form.get("text") or "").strip()
    if not text:
        raise InputError("答復內容是空的，無法匯出")
    if len(text) > MAX_REPLY:
        raise InputError(f"答復內容超過 {MAX_REPLY:,} 字")
    inquiry = str(form.get("inquiry") or "").strip()[:MAX_INQUIRY]
    agency = str(form.get("agency_name") or "").strip()[:60]
    source_ids = [str(s)[:60] for s in form.getlist("source_id")][:50]
    made_by = str(form.get("made_by") or "").strip()[:200]
    data = await asyncio.to_thread(
        _docx, settings, viewer, inquiry, agency, text, source_ids, made_by
    )
    stamp = datetime.now(ZoneInfo(settings.timezone)).strftime("%Y%m%d-%H%M")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={
            "Content-Disposition": attachment(f"書面答復草稿-{stamp}.docx", "reply-draft.docx")
        },
    )


def _docx(
    settings: Settings,
    viewer: Viewer,
    inquiry: str,
    agency: str,
    text: str,
    source_ids: list[str],
    made_by: str,
) -> bytes:
    """The edited reply as a DOCX, with its citations looked up again in the index."""
    index = _index(settings)
    names = {a.code: a.short for a in index.agencies}
    records = index.records(source_ids) if source_ids else {}
    document = government_document("書面答復（草稿）", title_size=18)
    if inquiry:
        document.add_paragraph(f"質詢內容：{inquiry}")
    if agency:
        document.add_paragraph(f"答復機關：{agency}")
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.rstrip())
    cited = []
    for number, case_id in enumerate(source_ids, 1):
        record = records.get(case_id)
        if record is None or (viewer.agency_filter and record.agency != viewer.agency_filter):
            cited.append(f"[{number}] 案號 {case_id}")
            continue
        who = record.agencies_label(names) or "未載機關"
        cited.append(f"[{number}] 案號 {case_id}（{who}，{record.date or '日期不詳'}）")
    if cited:
        document.add_paragraph("引用來源：")
        for line in cited:
            document.add_paragraph(line)
    basis = f"依{made_by}" if made_by else ""
    document.add_paragraph(
        f"〔Yishi 議事助理{basis}草稿，經 {viewer.staff.name} 編修；"
        "引用之數據請以最新資料核對後定稿。〕"
    )
    return to_bytes(document)
