"""Proofreading a meeting: the transcript beside its recording, the minutes as a form, downloads.

Every change goes through :class:`MeetingStore`, which keeps what the machine wrote (an ``ai``
revision) and records each human change as a ``human`` revision.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.datastructures import FormData

from inquiries import AgencyRegistry, CaseStore, WorkCalendar
from transcription.guards import FLAG_LABELS
from transcription.meetings import MEETING_TYPES, Meeting, MeetingStore
from transcription.minutes.schema import (
    DIRECTIVE_FLAGS,
    Directive,
    DiscussionItem,
    FollowUp,
    MeetingHeader,
    Minutes,
    ReportItem,
    Span,
)
from transcription.minutes.when import find_deadline
from transcription.schema import Transcript
from yishi.dates import date_input, parse_date
from yishi.errors import InputError
from yishi.web.deps import Secretariat, Viewer, checked_form, render, settings_of, templates
from yishi.web.pages.meetings import meetings_of

router = APIRouter()

# Flags that record the reviewer's work rather than a doubt about the text.
REVIEW_MARKS = ("edited", "checked")
# Directive flags the form works out again on every save; the others are kept as drafted.
RECOMPUTED_FLAGS = ("unknown_agency", "no_agency", "deadline_unresolved")
# Decoding a long recording in the browser to draw its waveform takes too much memory.
WAVEFORM_MAX_SECONDS = 3600
MAX_DIRECTIVES = 300
MANUAL_DUE = "人工指定日期"

MINUTES_DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "md": "text/markdown; charset=utf-8",
}
TRANSCRIPT_DOWNLOADS = {
    "srt": "application/x-subrip",
    "vtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
}


def _case_store(request: Request, viewer: Viewer | None = None) -> CaseStore:
    return CaseStore.from_settings(
        settings_of(request), actor=viewer.staff.name if viewer else None
    )


def pending_flags(flags: list[str]) -> list[str]:
    """The zh-TW names of a segment's doubts (待查), leaving out the reviewer's own marks."""
    return [FLAG_LABELS.get(f, f) for f in flags if f not in REVIEW_MARKS]


templates.env.globals.setdefault("pending_flags", pending_flags)


# Transcript -------------------------------------------------------------------------------


def _transcript_context(meeting: Meeting, transcript: Transcript | None) -> dict[str, Any]:
    if transcript is None:
        return {"transcript": None}
    turns: dict[str, int] = {}
    for segment in transcript.segments:
        if segment.speaker:
            turns[segment.speaker] = turns.get(segment.speaker, 0) + 1
    return {
        "transcript": transcript,
        "names": {s.id: s.name for s in transcript.speakers},
        "turns": turns,
        "flagged": sum(1 for s in transcript.segments if pending_flags(s.flags)),
        "waveform": meeting.audio_seconds <= WAVEFORM_MAX_SECONDS,
    }


@router.get("/meetings/{meeting_id}/transcript", response_class=HTMLResponse)
async def transcript_page(request: Request, meeting_id: int, viewer: Secretariat) -> HTMLResponse:
    store = meetings_of(request)
    meeting = await asyncio.to_thread(store.get, meeting_id)
    transcript = await asyncio.to_thread(store.transcript, meeting_id)
    return render(
        request, "transcript.html", viewer, nav="meetings", meeting=meeting,
        flash=request.query_params.get("ok"), **_transcript_context(meeting, transcript),
    )  # fmt: skip


def _segment_answer(
    request: Request, viewer: Viewer, meeting_id: int, segment_id: int, message: str
) -> Response:
    """The segment's row for HTMX (it replaces the old one); a redirect back for plain forms."""
    store = meetings_of(request)
    if not request.headers.get("hx-request"):
        target = f"/meetings/{meeting_id}/transcript?ok={message}#seg-{segment_id}"
        return RedirectResponse(target, status_code=303)
    meeting = store.get(meeting_id)
    transcript = store.transcript(meeting_id)
    segment = (
        next((s for s in transcript.segments if s.id == segment_id), None) if transcript else None
    )
    if transcript is None or segment is None:
        raise HTTPException(404, f"找不到第 {segment_id} 段")
    template = templates.get_template("transcript.html")
    context = template.new_context(
        {"viewer": viewer, "meeting": meeting, "s": segment,
         **_transcript_context(meeting, transcript)}
    )  # fmt: skip
    html = "".join(template.blocks["segment"](context))
    # The status line reads this event; JSON escapes keep the header ASCII.
    trigger = json.dumps({"yishiStatus": message})
    return HTMLResponse(html, headers={"HX-Trigger": trigger})


@router.post("/meetings/{meeting_id}/segments/{segment_id}")
async def edit_segment(
    request: Request, meeting_id: int, segment_id: int, viewer: Secretariat
) -> Response:
    form = await checked_form(request, viewer)
    text = str(form.get("text") or "")
    await asyncio.to_thread(
        meetings_of(request).edit_segment, meeting_id, segment_id, text, author=viewer.staff.name
    )
    return _segment_answer(request, viewer, meeting_id, segment_id, f"已儲存第 {segment_id} 段")


@router.post("/meetings/{meeting_id}/segments/{segment_id}/check")
async def check_segment(
    request: Request, meeting_id: int, segment_id: int, viewer: Secretariat
) -> Response:
    await checked_form(request, viewer)
    await asyncio.to_thread(
        meetings_of(request).resolve_flag, meeting_id, segment_id, author=viewer.staff.name
    )
    return _segment_answer(request, viewer, meeting_id, segment_id, f"已確認第 {segment_id} 段")


@router.get("/meetings/{meeting_id}/segments/{segment_id}/original", response_class=HTMLResponse)
async def original_text(
    request: Request, meeting_id: int, segment_id: int, viewer: Secretariat
) -> HTMLResponse:
    """What speech recognition wrote for the segment, for a reviewer comparing an edit."""
    from html import escape

    text = await asyncio.to_thread(meetings_of(request).recognised_text, meeting_id, segment_id)
    if text is None:
        return HTMLResponse('<span class="muted">（找不到 AI 原文）</span>')
    return HTMLResponse(f'<span class="original-said">{escape(text) or "（空白）"}</span>')


@router.post("/meetings/{meeting_id}/speakers/{speaker_id}")
async def rename_speaker(
    request: Request, meeting_id: int, speaker_id: str, viewer: Secretariat
) -> Response:
    form = await checked_form(request, viewer)
    name = " ".join(str(form.get("name") or "").split())
    count = await asyncio.to_thread(
        meetings_of(request).rename_speaker, meeting_id, speaker_id, name, author=viewer.staff.name
    )
    message = f"發言者已改名為「{name}」（{count} 段）"
    return RedirectResponse(f"/meetings/{meeting_id}/transcript?ok={message}", status_code=303)


# Minutes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectiveRow:
    """One row of the 裁示事項 table: the directive and which stored directive it came from."""

    directive: Directive
    source: int | None


def _minutes_page(
    request: Request,
    viewer: Viewer,
    meeting: Meeting,
    minutes: Minutes | None,
    *,
    rows: list[DirectiveRow] | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    if minutes is not None and rows is None:
        rows = [DirectiveRow(d, i) for i, d in enumerate(minutes.directives)]
    return render(
        request, "minutes.html", viewer, status_code=status_code, nav="meetings",
        meeting=meeting, minutes=minutes, rows=rows or [], agencies=list(_case_store(request).agencies),
        types=MEETING_TYPES, directive_flags=DIRECTIVE_FLAGS, **context,
    )  # fmt: skip


@router.get("/meetings/{meeting_id}/minutes", response_class=HTMLResponse)
async def minutes_page(request: Request, meeting_id: int, viewer: Secretariat) -> HTMLResponse:
    store = meetings_of(request)
    meeting = await asyncio.to_thread(store.get, meeting_id)
    minutes = await asyncio.to_thread(store.minutes, meeting_id)
    return _minutes_page(request, viewer, meeting, minutes, flash=request.query_params.get("ok"))


@router.post("/meetings/{meeting_id}/minutes")
async def save_minutes(request: Request, meeting_id: int, viewer: Secretariat) -> Response:
    form = await checked_form(request, viewer)
    store = meetings_of(request)
    meeting = store.get(meeting_id)
    stored = store.minutes(meeting_id)
    if stored is None:
        raise HTTPException(404, "這場會議還沒有會議紀錄")
    cases = _case_store(request)
    edited, rows, problems = MinutesForm(
        form, stored, agencies=cases.agencies, calendar=cases.calendar(), today=cases.today()
    ).read()
    if problems:
        return _minutes_page(
            request, viewer, meeting, edited, rows=rows, status_code=400,
            flash="未儲存：" + "；".join(problems), flash_kind="error",
        )  # fmt: skip
    changed = _changes(stored, edited)
    if not changed:
        return RedirectResponse(f"/meetings/{meeting_id}/minutes?ok=沒有變更", status_code=303)
    summary = f"人工修改會議紀錄：{'、'.join(changed)}（裁示事項 {len(edited.directives)} 項）"
    await asyncio.to_thread(
        store.save_minutes, meeting_id, edited, origin="human", author=viewer.staff.name,
        summary=summary,
    )  # fmt: skip
    return RedirectResponse(f"/meetings/{meeting_id}/minutes?ok=已儲存會議紀錄", status_code=303)


@router.post("/meetings/{meeting_id}/minutes/file", response_class=HTMLResponse)
async def file_minutes(request: Request, meeting_id: int, viewer: Secretariat) -> HTMLResponse:
    """The saved minutes' directives become tracked cases; filing again creates none twice."""
    from transcription.minutes.filing import file_directives

    await checked_form(request, viewer)
    store = meetings_of(request)
    meeting = store.get(meeting_id)
    minutes = store.minutes(meeting_id)
    if minutes is None:
        raise HTTPException(404, "這場會議還沒有會議紀錄")
    if minutes.header.date is None:
        raise HTTPException(400, "會議日期未填，無法建立列管案件：請先填寫會議日期並儲存")
    report = await asyncio.to_thread(file_directives, minutes, _case_store(request, viewer))
    message = (
        f"列管：新建 {len(report.created)} 件、已建檔 {len(report.existing)} 件、"
        f"略過 {len(report.skipped)} 項"
    )
    return _minutes_page(
        request, viewer, meeting, minutes, filing=report, flash=message,
        flash_kind="warn" if report.skipped else "ok",
    )  # fmt: skip


def _changes(before: Minutes, after: Minutes) -> list[str]:
    parts = []
    if before.header != after.header:
        parts.append("會議資料")
    if (before.follow_ups, before.reports, before.discussions, before.motions) != (
        after.follow_ups,
        after.reports,
        after.discussions,
        after.motions,
    ):
        parts.append("議程內容")
    if before.directives != after.directives:
        parts.append("裁示事項")
    return parts


class MinutesForm:
    """Reads the minutes form back into :class:`Minutes`, collecting every problem found.

    The result keeps whatever was typed (even an unknown agency), so a page with problems can
    show the reviewer's input again; it is saved only when there are no problems.
    """

    def __init__(
        self,
        form: FormData,
        stored: Minutes,
        *,
        agencies: AgencyRegistry,
        calendar: WorkCalendar,
        today: date,
    ) -> None:
        self.form = form
        self.stored = stored
        self.agencies = agencies
        self.calendar = calendar
        self.today = today
        self.problems: list[str] = []

    def read(self) -> tuple[Minutes, list[DirectiveRow], list[str]]:
        header = self._header()
        rows = self._directives(header)
        minutes = self.stored.model_copy(
            update={
                "header": header,
                "follow_ups": self._follow_ups(),
                "reports": self._reports(),
                "discussions": self._discussions("disc", self.stored.discussions),
                "motions": self._discussions("mot", self.stored.motions),
                "directives": [row.directive for row in rows],
            },
            deep=True,
        )
        return minutes, rows, self.problems

    # Fields ------------------------------------------------------------------------------

    def _text(self, name: str, limit: int, default: str | None = None) -> str:
        value = self.form.get(name)
        if value is None:
            return default or ""
        return str(value).strip()[:limit]

    def _lines(self, name: str, default: list[str]) -> list[str]:
        if name not in self.form:
            return list(default)
        text = str(self.form.get(name) or "")[:20000]
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _names(self, name: str, default: list[str]) -> list[str]:
        if name not in self.form:
            return list(default)
        text = str(self.form.get(name) or "")[:2000]
        return [part for part in re.split(r"[、,，;；\n]+", text) if part.strip()]

    def _header(self) -> MeetingHeader:
        old = self.stored.header
        title = self._text("title", 200, old.title)
        if not title:
            self.problems.append("請填寫會議名稱")
            title = old.title
        meeting_type = self._text("meeting_type", 20, old.meeting_type) or None
        if meeting_type is not None and meeting_type not in MEETING_TYPES:
            self.problems.append(f"不明的會議類型：{meeting_type}")
            meeting_type = old.meeting_type
        day = old.date
        if "date" in self.form:
            raw = self._text("date", 20)
            day = self._date(raw, "會議日期") if raw else None
            if raw and day is None:
                day = old.date
        start = self._text("start_time", 5, old.start_time) or None
        if start is not None and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", start):
            self.problems.append(f"開會時間格式不符：{start}（例：09:30）")
            start = old.start_time
        return old.model_copy(
            update={
                "title": title,
                "meeting_type": meeting_type,
                "date": day,
                "start_time": start,
                "location": self._text("location", 120, old.location) or None,
                "chair": self._text("chair", 60, old.chair) or None,
                "recorder": self._text("recorder", 60, old.recorder) or None,
                "attendees": [n.strip()[:60] for n in self._names("attendees", old.attendees)],
                "observers": [n.strip()[:60] for n in self._names("observers", old.observers)],
            }
        )

    def _date(self, raw: str, label: str) -> date | None:
        try:
            return date_input(raw, label=label)
        except InputError as exc:
            self.problems.append(exc.message)
            return None

    # Sections ----------------------------------------------------------------------------

    def _follow_ups(self) -> list[FollowUp]:
        kept = []
        for i, item in enumerate(self.stored.follow_ups):
            text = self._text(f"fu-{i}-text", 2000, item.text)
            if text:
                decision = self._text(f"fu-{i}-decision", 2000, item.decision) or None
                kept.append(item.model_copy(update={"text": text, "decision": decision}))
        return kept

    def _reports(self) -> list[ReportItem]:
        kept = []
        for i, item in enumerate(self.stored.reports):
            title = self._text(f"r-{i}-title", 300, item.title)
            if title:
                summary = self._lines(f"r-{i}-summary", item.summary)
                kept.append(item.model_copy(update={"title": title, "summary": summary}))
        return kept

    def _discussions(self, prefix: str, items: list[DiscussionItem]) -> list[DiscussionItem]:
        kept = []
        for i, item in enumerate(items):
            subject = self._text(f"{prefix}-{i}-subject", 500, item.subject)
            if not subject:
                continue
            kept.append(
                item.model_copy(
                    update={
                        "subject": subject,
                        "proposer": self._text(f"{prefix}-{i}-proposer", 60, item.proposer) or None,
                        "explanation": self._lines(f"{prefix}-{i}-explanation", item.explanation),
                        "decision": self._text(f"{prefix}-{i}-decision", 2000, item.decision)
                        or None,
                    }
                )
            )
        return kept

    # Directives --------------------------------------------------------------------------

    def _directives(self, header: MeetingHeader) -> list[DirectiveRow]:
        indexes = sorted(
            {int(m.group(1)) for key in self.form if (m := re.fullmatch(r"d-(\d{1,4})-text", key))}
        )
        if len(indexes) > MAX_DIRECTIVES:
            self.problems.append(f"裁示事項最多 {MAX_DIRECTIVES} 項")
            indexes = indexes[:MAX_DIRECTIVES]
        old = self.stored.header
        refresh = (header.date, header.meeting_type) != (old.date, old.meeting_type)
        rows = []
        for number, index in enumerate(indexes, 1):
            row = self._directive(number, index, header, refresh=refresh)
            if row is not None:
                rows.append(row)
        return rows

    def _directive(
        self, number: int, index: int, header: MeetingHeader, *, refresh: bool
    ) -> DirectiveRow | None:
        prefix = f"d-{index}-"
        text = " ".join(str(self.form.get(prefix + "text") or "").split())[:2000]
        if not text or self.form.get(prefix + "delete"):
            return None
        raw_source = str(self.form.get(prefix + "src") or "")
        source = int(raw_source) if raw_source.isdigit() else None
        if source is not None and source >= len(self.stored.directives):
            source = None
        original = self.stored.directives[source] if source is not None else None
        where = f"第 {number} 項裁示事項"

        lead_code = str(self.form.get(prefix + "lead") or "").strip()
        lead = None
        if lead_code:
            try:
                lead = self.agencies.get(lead_code)
            except InputError:
                self.problems.append(
                    f"{where}：權責機關「{lead_code[:40]}」不在機關清單，請從清單選擇"
                )
        co = []
        for name in self._names(prefix + "co", []):
            try:
                agency = self.agencies.resolve(name)
            except InputError:
                self.problems.append(f"{where}：會同機關「{name.strip()[:40]}」不在機關清單")
                continue
            if agency not in co and (lead is None or agency.code != lead.code):
                co.append(agency)

        said = self._text(prefix + "deadline", 60) or None
        raw_due = self._text(prefix + "due", 20)
        typed = self._date(raw_due, f"{where}的期限日期") if raw_due else None
        due, basis, urgent = self._deadline(said, typed, original, header, refresh=refresh)

        agency_said = original.agency_said if original else None
        flags = [f for f in (original.flags if original else []) if f not in RECOMPUTED_FLAGS]
        if lead is None and not lead_code:
            flags.append("unknown_agency" if agency_said else "no_agency")
        if said and due is None and not urgent and basis != "下次會議日期未定":
            flags.append("deadline_unresolved")
        if original is not None and set(flags) == set(original.flags):
            flags = list(original.flags)
        if original is not None:
            span = original.span
        else:
            # A hand-added directive was said nowhere in the recording. Filing keys a directive
            # by its first segment id, so it gets an id of its own that no segment can have.
            span = Span(start=0.0, end=0.0, segment_ids=[-1 - secrets.randbelow(10**9)])
        directive = Directive(
            text=text,
            lead_agency=lead.code if lead else (lead_code or None),
            lead_agency_name=lead.short if lead else (None if lead_code else agency_said),
            co_agencies=[a.code for a in co],
            co_agency_names=[a.short for a in co],
            agency_said=agency_said,
            deadline_text=said,
            due=due,
            due_basis=basis,
            urgent=urgent,
            span=span,
            flags=flags,
            speaker=original.speaker if original else None,
        )
        return DirectiveRow(directive, source)

    def _deadline(
        self,
        said: str | None,
        typed: date | None,
        original: Directive | None,
        header: MeetingHeader,
        *,
        refresh: bool,
    ) -> tuple[date | None, str | None, bool]:
        """The due date, how it was worked out, and whether it is urgent.

        A date typed into the date field wins when it was changed; otherwise a changed deadline
        phrase (「兩週內」, 「12月15日前」) is resolved from the meeting date on the working-day
        calendar, as the drafter does.
        """
        before_said = original.deadline_text if original else None
        before_due = original.due if original else None
        urgent = original.urgent if original else False
        if typed is not None and typed != before_due:
            return typed, MANUAL_DUE, urgent
        if said and (said != before_said or refresh or typed is None):
            found = find_deadline(
                said,
                meeting_date=header.date or self.today,
                meeting_type=header.meeting_type,
                calendar=self.calendar,
            )
            if found is not None and found.due is not None:
                return found.due, found.basis, found.urgent
            try:
                return parse_date(said), MANUAL_DUE, urgent
            except ValueError:
                pass
            if found is not None:
                return None, found.basis, found.urgent
            return None, f"「{said}」無法換算為日期，請填寫日期", False
        if typed is not None:
            basis = original.due_basis if original and original.due == typed else MANUAL_DUE
            return typed, basis or MANUAL_DUE, urgent
        if said:
            return None, original.due_basis if original else None, urgent
        return None, None, False


# Downloads --------------------------------------------------------------------------------


def _stem(title: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in title).strip("_")
    return re.sub(r"_+", "_", safe)[:80]


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with an ASCII name for old clients and the UTF-8 name (RFC 6266/5987)."""
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_"
                         for c in fallback)  # fmt: skip
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _for_export(transcript: Transcript) -> Transcript:
    """The transcript as staff share it: no reviewer marks as doubts, no voice embeddings."""
    copy = transcript.model_copy(deep=True)
    for segment in copy.segments:
        segment.flags = [f for f in segment.flags if f not in REVIEW_MARKS]
    for speaker in copy.speakers:
        speaker.embedding = None
    return copy


def _write_download(store: MeetingStore, meeting: Meeting, fmt: str, folder: Path) -> Path:
    from transcription.minutes.export import write_minutes
    from transcription.writers import write_transcript

    if fmt in MINUTES_DOWNLOADS:
        minutes = store.minutes(meeting.id)
        if minutes is None:
            raise HTTPException(404, "這場會議還沒有會議紀錄")
        return write_minutes(minutes, outdir=folder, stem="minutes", formats=[fmt])[0]
    transcript = store.transcript(meeting.id)
    if transcript is None:
        raise HTTPException(404, "這場會議還沒有逐字稿")
    return write_transcript(
        _for_export(transcript), outdir=folder, stem="transcript", formats=[fmt]
    )[0]


@router.get("/meetings/{meeting_id}/download/{fmt}")
async def download(request: Request, meeting_id: int, fmt: str, viewer: Secretariat) -> Response:
    fmt = fmt.lower()
    media = MINUTES_DOWNLOADS.get(fmt) or TRANSCRIPT_DOWNLOADS.get(fmt)
    if media is None:
        raise HTTPException(404, f"不支援的下載格式：{fmt[:10]}")
    store = meetings_of(request)
    meeting = await asyncio.to_thread(store.get, meeting_id)
    scratch = settings_of(request).data_dir / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="download-", dir=scratch))
    try:
        path = await asyncio.to_thread(_write_download, store, meeting, fmt, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    kind = ("會議紀錄", "minutes") if fmt in MINUTES_DOWNLOADS else ("逐字稿", "transcript")
    name = f"{_stem(meeting.title) or f'meeting-{meeting_id}'}-{kind[0]}.{fmt}"
    return FileResponse(
        path,
        media_type=media,
        headers={
            "Content-Disposition": content_disposition(
                name, f"meeting-{meeting_id}-{kind[1]}.{fmt}"
            )
        },
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
