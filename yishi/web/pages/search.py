"""One search box across meetings (titles, transcripts, minutes) and cases, by role.

Meetings are the secretariat's: a liaison's search covers only the cases their agency leads or
helps with.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from inquiries import Case, CaseQuery, CaseStore
from transcription.meetings import MeetingStore
from transcription.meetings import SearchHit as MeetingHit
from yishi.config import Settings
from yishi.db import get_engine
from yishi.errors import NotFound
from yishi.web.deps import SignedIn, Viewer, render, settings_of

router = APIRouter()
MAX_QUERY = 100
MEETING_LIMIT = 50
CASE_LIMIT = 50


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, viewer: SignedIn, q: str = "") -> HTMLResponse:
    query = " ".join(q.split())[:MAX_QUERY]
    results: dict[str, Any] = {"meetings": [], "cases": [], "case_total": 0}
    if query:
        results = await asyncio.to_thread(_search, settings_of(request), viewer, query)
    return render(
        request, "search.html", viewer, nav="search", q=query, searched=bool(query), **results
    )


def _search(settings: Settings, viewer: Viewer, text: str) -> dict[str, Any]:
    store = CaseStore.from_settings(settings, actor=viewer.staff.name)
    cases, total = _cases(store, viewer, text)
    meetings: list[tuple[MeetingHit, str]] = []
    if viewer.sees_all:  # meetings are the secretariat's
        meeting_store = MeetingStore(get_engine(settings))
        hits = meeting_store.search(text, limit=MEETING_LIMIT)
        segments = _segment_ids(meeting_store, hits)
        meetings = [(hit, meeting_link(hit, segments)) for hit in hits]
    return {
        "meetings": meetings,
        "cases": cases,
        "case_total": total,
        "names": {a.code: a.short for a in store.agencies},
        "today": store.today(),
    }


def _segment_ids(store: MeetingStore, hits: list[MeetingHit]) -> dict[tuple[int, float], int]:
    """(meeting id, segment start) → segment id, for the transcript hits' anchors."""
    found: dict[tuple[int, float], int] = {}
    for meeting_id in dict.fromkeys(h.meeting.id for h in hits if h.where == "逐字稿"):
        transcript = store.transcript(meeting_id)
        for segment in transcript.segments if transcript else []:
            found.setdefault((meeting_id, segment.start), segment.id)
    return found


def _cases(store: CaseStore, viewer: Viewer, text: str) -> tuple[list[Case], int]:
    """Cases whose number is ``text``, then those whose title or content contains it."""
    agency = viewer.agency_filter
    page = store.find(CaseQuery(agency=agency, include_co_agency=True, text=text, limit=CASE_LIMIT))
    found, total = list(page.cases), page.total
    said = re.sub(r"\s*-\s*", "-", text)
    if store.id_pattern.fullmatch(said) and all(c.id != said for c in found):
        try:
            exact = store.get(said)
        except NotFound:
            exact = None
        if exact is not None and viewer.staff.may_see(exact):
            found.insert(0, exact)
            total += 1
    return found, total


def meeting_link(hit: MeetingHit, segments: dict[tuple[int, float], int]) -> str:
    """Where a meeting hit opens: the transcript at its segment, the minutes, or the meeting.

    The transcript page marks each segment ``id="seg-<segment id>"``; the search hit knows the
    segment's start, so the id is looked up from it.
    """
    if hit.where == "逐字稿" and hit.start is not None:
        segment = segments.get((hit.meeting.id, hit.start))
        anchor = f"#seg-{segment}" if segment is not None else ""
        return f"/meetings/{hit.meeting.id}/transcript{anchor}"
    if hit.where == "會議紀錄":
        return f"/meetings/{hit.meeting.id}/minutes"
    return f"/meetings/{hit.meeting.id}"
