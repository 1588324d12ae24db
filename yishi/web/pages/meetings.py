"""Meetings: upload recordings, watch their jobs, edit the details, play the audio."""

from __future__ import annotations

import asyncio
import mimetypes
import shutil
import unicodedata
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from transcription.meetings import MEETING_TYPES, Meeting, MeetingStore, store_recording
from yishi.config import Settings
from yishi.dates import date_input
from yishi.db import get_engine
from yishi.errors import YishiError
from yishi.jobs import MEETING_JOB, submit
from yishi.jobstore import Job, JobStore
from yishi.web.deps import Secretariat, Viewer, checked_form, render, settings_of
from yishi.web.limits import BodyTooLarge

router = APIRouter()
MAX_FILES = 10


def meetings_of(request: Request) -> MeetingStore:
    return MeetingStore(get_engine(settings_of(request)))


def jobs_of(request: Request) -> JobStore:
    return JobStore(get_engine(settings_of(request)))


def display_name(raw: str | None) -> str:
    """The uploaded file's name for display: no folders, no control characters, bounded."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    return name[:120] or "錄音檔"


@router.get("/meetings", response_class=HTMLResponse)
async def meetings_page(request: Request, viewer: Secretariat) -> HTMLResponse:
    meetings = await asyncio.to_thread(meetings_of(request).list, limit=200)
    jobs = await asyncio.to_thread(_latest_jobs, jobs_of(request), [m.id for m in meetings])
    return render(
        request, "meetings.html", viewer, nav="meetings", meetings=meetings, jobs=jobs,
        types=MEETING_TYPES, limit_mb=settings_of(request).upload_max_bytes // 1024**2,
        flash=request.query_params.get("ok"),
    )  # fmt: skip


@router.post("/meetings")
async def upload(request: Request, viewer: Secretariat) -> Response:
    settings = settings_of(request)
    try:
        form = await checked_form(request, viewer)
    except BodyTooLarge:
        return _upload_error(
            request,
            viewer,
            413,
            f"上傳檔案過大（上限 {settings.upload_max_bytes // 1024**2:,} MB）",
        )
    except ClientDisconnect:
        return Response(status_code=400)  # nobody is listening; nothing was stored
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    try:
        if not files:
            raise _Bad("請選擇至少一個錄音檔")
        if len(files) > MAX_FILES:
            raise _Bad(f"一次最多上傳 {MAX_FILES} 個檔案")
        details = _details(form)
    except _Bad as exc:
        await form.close()
        return _upload_error(request, viewer, 400, str(exc))
    except YishiError as exc:
        await form.close()
        return _upload_error(request, viewer, 400, exc.message)
    created: list[Meeting] = []
    problems: list[str] = []
    for index, upload_file in enumerate(files):
        shown = display_name(upload_file.filename)
        try:
            meeting = await asyncio.to_thread(
                _store_one, settings, upload_file, shown, details, viewer.staff.id,
                index if len(files) > 1 else None,
            )  # fmt: skip
            created.append(meeting)
        except YishiError as exc:
            problems.append(f"{shown}：{exc.message}")
    await form.close()
    if problems:
        ok = f"已排入 {len(created)} 場會議。" if created else ""
        return _upload_error(request, viewer, 400 if not created else 207, ok + "；".join(problems))
    if len(created) == 1:
        return RedirectResponse(f"/meetings/{created[0].id}", status_code=303)
    return RedirectResponse(f"/meetings?ok=已排入 {len(created)} 場會議", status_code=303)


class _Bad(Exception):
    pass


def _details(form: Any) -> dict[str, Any]:
    title = str(form.get("title") or "").strip()
    meeting_type = str(form.get("meeting_type") or "").strip() or None
    if meeting_type is not None and meeting_type not in MEETING_TYPES:
        raise _Bad(f"不明的會議類型：{meeting_type}")
    raw_date = str(form.get("date") or "").strip()
    day: date | None = date_input(raw_date, label="會議日期") if raw_date else None
    start_time = str(form.get("start_time") or "").strip()[:5] or None
    return {
        "title": title[:200],
        "meeting_type": meeting_type,
        "day": day,
        "start_time": start_time,
        "chair": str(form.get("chair") or "").strip()[:60] or None,
        "location": str(form.get("location") or "").strip()[:120] or None,
    }


def _store_one(
    settings: Settings,
    upload_file: UploadFile,
    shown: str,
    details: dict[str, Any],
    staff_id: int,
    index: int | None,
) -> Meeting:
    """Copy the upload next to the data, check it decodes, keep it, record it, queue its job."""
    incoming = settings.data_dir / "uploads"
    incoming.mkdir(parents=True, exist_ok=True)
    suffix = Path(shown).suffix.lower()[:8]
    temp = incoming / f"{uuid.uuid4().hex}.part{suffix}"
    try:
        upload_file.file.seek(0)
        with temp.open("wb") as target:
            shutil.copyfileobj(upload_file.file, target, length=1024 * 1024)
        recording = store_recording(
            temp, data_dir=settings.data_dir, max_bytes=settings.upload_max_bytes
        )
    finally:
        temp.unlink(missing_ok=True)
    title = details["title"] or Path(shown).stem
    if index is not None and details["title"]:
        title = f"{details['title']}（{index + 1}）"
    meetings = MeetingStore(get_engine(settings))
    meeting = meetings.create(
        title=title, meeting_type=details["meeting_type"], day=details["day"],
        start_time=details["start_time"], chair=details["chair"], location=details["location"],
        audio_path=recording.relative_path, audio_name=shown, audio_sha256=recording.sha256,
        audio_bytes=recording.size_bytes, audio_seconds=recording.seconds, created_by=staff_id,
    )  # fmt: skip
    submit(
        MEETING_JOB, {"meeting_id": meeting.id}, settings=settings, created_by=staff_id,
        meeting_id=meeting.id,
    )  # fmt: skip
    return meeting


def _upload_error(request: Request, viewer: Viewer, status: int, message: str) -> HTMLResponse:
    meetings = meetings_of(request).list(limit=200)
    return render(
        request, "meetings.html", viewer, status_code=status, nav="meetings", meetings=meetings,
        jobs=_latest_jobs(jobs_of(request), [m.id for m in meetings]), types=MEETING_TYPES,
        limit_mb=settings_of(request).upload_max_bytes // 1024**2, flash=message,
        flash_kind="error" if status >= 400 else "warn",
    )  # fmt: skip


def _latest_jobs(store: JobStore, meeting_ids: list[int]) -> dict[int, Job]:
    latest: dict[int, Job] = {}
    for job in store.list(limit=500):
        if job.meeting_id in meeting_ids and job.meeting_id not in latest:
            latest[job.meeting_id] = job
    return latest


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
async def meeting_page(request: Request, meeting_id: int, viewer: Secretariat) -> HTMLResponse:
    store = meetings_of(request)
    meeting = await asyncio.to_thread(store.get, meeting_id)
    job = next(iter(jobs_of(request).list(meeting_id=meeting_id, limit=1)), None)
    return render(
        request, "meeting.html", viewer, nav="meetings", meeting=meeting, job=job,
        revisions=store.revisions(meeting_id, limit=50), types=MEETING_TYPES,
        flash=request.query_params.get("ok"),
    )  # fmt: skip


@router.get("/meetings/{meeting_id}/progress", response_class=HTMLResponse)
async def progress(request: Request, meeting_id: int, viewer: Secretariat) -> HTMLResponse:
    meeting = meetings_of(request).get(meeting_id)
    job = next(iter(jobs_of(request).list(meeting_id=meeting_id, limit=1)), None)
    return render(request, "_progress.html", viewer, meeting=meeting, job=job)


@router.post("/meetings/{meeting_id}/details")
async def save_details(request: Request, meeting_id: int, viewer: Secretariat) -> Response:
    form = await checked_form(request, viewer)
    try:
        details = _details(form)
        if not details["title"]:
            raise _Bad("請填寫會議名稱")
    except _Bad as exc:
        raise HTTPException(400, str(exc)) from None
    store = meetings_of(request)
    store.update_details(
        meeting_id, title=details["title"], meeting_type=details["meeting_type"],
        date=details["day"], start_time=details["start_time"], chair=details["chair"],
        location=details["location"],
    )  # fmt: skip
    return RedirectResponse(f"/meetings/{meeting_id}?ok=已儲存會議資料", status_code=303)


@router.post("/meetings/{meeting_id}/retry")
async def retry(request: Request, meeting_id: int, viewer: Secretariat) -> Response:
    from yishi.jobs import publish

    await checked_form(request, viewer)
    store = jobs_of(request)
    job = next(iter(store.list(meeting_id=meeting_id, limit=1)), None)
    if job is None or store.retry(job.id) is None:
        raise HTTPException(400, "只能重試失敗的工作")
    meetings_of(request).set_status(meeting_id, "queued")
    publish(job.id, settings_of(request))
    return RedirectResponse(f"/meetings/{meeting_id}?ok=已重新排入佇列", status_code=303)


@router.get("/meetings/{meeting_id}/audio")
async def audio(request: Request, meeting_id: int, viewer: Secretariat) -> Response:
    meeting = meetings_of(request).get(meeting_id)
    path = settings_of(request).data_dir / meeting.audio_path
    if not path.is_file():
        raise HTTPException(404, "找不到錄音檔")
    media = mimetypes.guess_type(meeting.audio_name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media)


@router.get("/jobs", response_class=HTMLResponse)
async def jobs_page(request: Request, viewer: Secretariat) -> HTMLResponse:
    store = jobs_of(request)
    return render(
        request, "jobs.html", viewer, nav="jobs", jobs=store.list(limit=200), counts=store.counts()
    )
