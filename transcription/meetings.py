"""Meetings as the console keeps them: details, the stored recording, transcript and minutes.

The recognised transcript and the drafted minutes are kept as they came from the machine (an
``ai`` revision) and every human change after them is a ``human`` revision with who, when and
what changed, so a reviewer can always see what the AI wrote and what a person corrected.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from transcription.minutes.schema import Minutes
from transcription.schema import Transcript
from yishi.clock import as_utc, utc_now
from yishi.db import Base, session_scope
from yishi.errors import InputError, NotFound

STATUS_NAMES = {
    "queued": "排隊中",
    "transcribing": "轉寫中",
    "drafting": "草擬紀錄中",
    "ready": "待校對",
    "failed": "處理失敗",
}
MEETING_TYPES = ("市政會議", "主任秘書會報", "議會質詢", "專案會議", "其他")


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    meeting_type: Mapped[str | None] = mapped_column(String(20))
    date: Mapped[date | None] = mapped_column(Date)
    start_time: Mapped[str | None] = mapped_column(String(10))
    chair: Mapped[str | None] = mapped_column(String(60))
    location: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), index=True)
    audio_path: Mapped[str] = mapped_column(String(300))  # relative to the data directory
    audio_name: Mapped[str] = mapped_column(String(255))  # the uploaded name, for display only
    audio_sha256: Mapped[str] = mapped_column(String(64))
    audio_bytes: Mapped[int] = mapped_column(Integer)
    audio_seconds: Mapped[float] = mapped_column(Float)
    created_by: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    transcript: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(500))


class MeetingRevisionRow(Base):
    __tablename__ = "meeting_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    origin: Mapped[str] = mapped_column(String(10))  # ai | human
    kind: Mapped[str] = mapped_column(String(20))  # transcript | segment | speaker | minutes
    author: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str
    meeting_type: str | None
    date: date | None
    start_time: str | None
    chair: str | None
    location: str | None
    status: str
    audio_path: str
    audio_name: str
    audio_sha256: str
    audio_bytes: int
    audio_seconds: float
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    error: str | None
    has_transcript: bool
    has_minutes: bool

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


@dataclass(frozen=True)
class Revision:
    id: int
    at: datetime
    origin: str
    kind: str
    author: str
    summary: str


@dataclass(frozen=True)
class SearchHit:
    meeting: Meeting
    where: str  # 逐字稿 | 會議紀錄
    start: float | None
    snippet: str


@dataclass(frozen=True)
class StoredRecording:
    relative_path: str  # under the data directory
    sha256: str
    size_bytes: int
    seconds: float


def store_recording(upload: Path, *, data_dir: Path, max_bytes: int) -> StoredRecording:
    """Check an uploaded file by decoding it, then keep it under ``data_dir/recordings``.

    The file is named by its content hash (the uploaded name is only displayed), so a
    path-like name can never choose where it is written. The upload is moved into place only
    after every check passed: a bad file leaves nothing behind.
    """
    import hashlib
    import os

    from transcription.audio import check_decodes, probe

    info = probe(upload, max_bytes=max_bytes)
    decoded = check_decodes(upload, seconds=5.0)
    if not info.duration:
        raise InputError(f"無法判斷錄音長度：{upload.name}")
    if info.duration < 1.0:
        raise InputError(f"錄音太短（不到 1 秒）：{upload.name}")
    if decoded < 0.9 * min(5.0, info.duration):  # the header promises more than there is
        raise InputError(f"錄音檔不完整或已損毀（只能解碼 {decoded:.1f} 秒）：{upload.name}")
    digest = hashlib.sha256()
    with upload.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    sha = digest.hexdigest()
    suffix = "".join(c for c in upload.suffix.lower()[:8] if c.isalnum() or c == ".") or ".bin"
    relative = f"recordings/{sha[:2]}/{sha}{suffix}"
    target = data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        upload.unlink()  # the same recording uploaded again: one copy is enough
    else:
        os.replace(upload, target)
    return StoredRecording(relative, sha, info.size_bytes, float(info.duration))


class MeetingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        *,
        title: str,
        meeting_type: str | None,
        day: date | None,
        start_time: str | None,
        chair: str | None,
        location: str | None,
        audio_path: str,
        audio_name: str,
        audio_sha256: str,
        audio_bytes: int,
        audio_seconds: float,
        created_by: int | None,
    ) -> Meeting:
        title = title.strip()
        if not title:
            raise InputError("請填寫會議名稱")
        at = utc_now()
        row = MeetingRow(
            title=title[:200], meeting_type=meeting_type, date=day, start_time=start_time,
            chair=(chair or "").strip()[:60] or None, location=(location or "").strip()[:120] or None,
            status="queued", audio_path=audio_path, audio_name=audio_name[:255],
            audio_sha256=audio_sha256, audio_bytes=audio_bytes, audio_seconds=audio_seconds,
            created_by=created_by, created_at=at, updated_at=at,
        )  # fmt: skip
        with session_scope(self.engine) as session:
            session.add(row)
            session.flush()
            return _meeting(row)

    def get(self, meeting_id: int) -> Meeting:
        with session_scope(self.engine, read_only=True) as session:
            row = session.get(MeetingRow, meeting_id)
            if row is None:
                raise NotFound(f"找不到會議 {meeting_id}")
            return _meeting(row)

    def list(self, *, limit: int = 100) -> builtins.list[Meeting]:
        query = select(MeetingRow).order_by(MeetingRow.created_at.desc()).limit(limit)
        with session_scope(self.engine, read_only=True) as session:
            return [_meeting(row) for row in session.scalars(query)]

    def count(self) -> int:
        with session_scope(self.engine, read_only=True) as session:
            return int(session.scalar(select(func.count()).select_from(MeetingRow)) or 0)

    def set_status(self, meeting_id: int, status: str, error: str | None = None) -> None:
        with session_scope(self.engine) as session:
            row = _row(session, meeting_id)
            row.status = status
            row.error = error[:500] if error else None
            row.updated_at = utc_now()

    def update_details(self, meeting_id: int, **fields: Any) -> Meeting:
        allowed = {"title", "meeting_type", "date", "start_time", "chair", "location"}
        unknown = set(fields) - allowed
        if unknown:
            raise InputError(f"不可修改的欄位：{'、'.join(sorted(unknown))}")
        if "title" in fields and not str(fields["title"] or "").strip():
            raise InputError("請填寫會議名稱")
        with session_scope(self.engine) as session:
            row = _row(session, meeting_id)
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_at = utc_now()
            session.flush()
            return _meeting(row)

    # Transcript -------------------------------------------------------------------------

    def transcript(self, meeting_id: int) -> Transcript | None:
        with session_scope(self.engine, read_only=True) as session:
            text = _row(session, meeting_id).transcript
        return Transcript.model_validate_json(text) if text else None

    def save_recognised(self, meeting_id: int, transcript: Transcript) -> None:
        """The machine's transcript, kept whole as the first revision."""
        body = transcript.model_dump_json()
        with session_scope(self.engine) as session:
            row = _row(session, meeting_id)
            row.transcript = body
            row.updated_at = utc_now()
            session.add(
                _revision(meeting_id, "ai", "transcript", "語音辨識",
                          f"辨識完成：{len(transcript.segments)} 段", body)
            )  # fmt: skip

    def edit_segment(self, meeting_id: int, segment_id: int, text: str, *, author: str) -> str:
        """Replace one segment's text; the before and after are kept as a revision."""
        text = " ".join(text.split())
        if len(text) > 5000:
            raise InputError("一段文字不可超過 5,000 字")
        with session_scope(self.engine) as session:
            row = _row(session, meeting_id)
            transcript = _transcript_of(row)
            segment = next((s for s in transcript.segments if s.id == segment_id), None)
            if segment is None:
                raise NotFound(f"找不到第 {segment_id} 段")
            before = segment.text
            if before == text:
                return text
            segment.text = text
            segment.words = []  # word timings belonged to the recognised text
            if "edited" not in segment.flags:
                segment.flags.append("edited")
            row.transcript = transcript.model_dump_json()
            row.updated_at = utc_now()
            session.add(
                _revision(
                    meeting_id, "human", "segment", author,
                    f"修改第 {segment_id} 段", json.dumps(
                        {"segment": segment_id, "before": before, "after": text},
                        ensure_ascii=False,
                    ),
                )
            )  # fmt: skip
            return text

    def resolve_flag(self, meeting_id: int, segment_id: int, *, author: str) -> None:
        """A reviewer checked a flagged (待查) segment."""
        with session_scope(self.engine) as session:
            row = _row(session, meeting_id)
            transcript = _transcript_of(row)
            segment = next((s for s in transcript.segments if s.id == segment_id), None)
            if segment is None:
                raise NotFound(f"找不到第 {segment_id} 段")
            kept = [f for f in segment.flags if f == "edited"]
            if kept == segment.flags:
                return
            before = list(segment.flags)
            segment.flags = [*kept, "checked"]
            row.transcript = transcript.model_dump_json()
            row.updated_at = utc_now()
            session.add(
                _revision(meeting_id, "human", "segment", author, f"確認第 {segment_id} 段",
                          json.dumps({"segment": segment_id, "flags": before}, ensure_ascii=False))
            )  # fmt: skip

    def rename_speaker(self, meeting_id: int, speaker_id: str, name: str, *, author: str) -> int:
        """Rename a speaker everywhere at once; returns how many segments carry the label."""
        name = name.strip()
        if not name or len(name) > 40:
            raise InputError("發言者名稱須為 1 至 40 字")
        with session_scope(self.engine) as session:
            row = _row(session, meeting_id)
            transcript = _transcript_of(row)
            speaker = next((s for s in transcript.speakers if s.id == speaker_id), None)
            if speaker is None:
                raise NotFound(f"找不到發言者 {speaker_id}")
            before = speaker.name
            speaker.name = name
            speaker.source = "manual"
            speaker.evidence = f"{author} 手動命名"
            row.transcript = transcript.model_dump_json()
            row.updated_at = utc_now()
            session.add(
                _revision(
                    meeting_id, "human", "speaker", author, f"發言者「{before}」改為「{name}」",
                    json.dumps({"speaker": speaker_id, "before": before, "after": name},
                               ensure_ascii=False),
                )
            )  # fmt: skip
            return sum(1 for s in transcript.segments if s.speaker == speaker_id)

    # Minutes ----------------------------------------------------------------------------

    def minutes(self, meeting_id: int) -> Minutes | None:
        with session_scope(self.engine, read_only=True) as session:
            text = _row(session, meeting_id).minutes
        return Minutes.model_validate_json(text) if text else None

    def save_minutes(
        self, meeting_id: int, minutes: Minutes, *, origin: str, author: str, summary: str
    ) -> None:
        body = minutes.model_dump_json()
        with session_scope(self.engine) as session:
            row = _row(session, meeting_id)
            row.minutes = body
            row.updated_at = utc_now()
            session.add(_revision(meeting_id, origin, "minutes", author, summary, body))

    def revisions(self, meeting_id: int, *, limit: int = 200) -> builtins.list[Revision]:
        query = (
            select(MeetingRevisionRow)
            .where(MeetingRevisionRow.meeting_id == meeting_id)
            .order_by(MeetingRevisionRow.id.desc())
            .limit(limit)
        )
        with session_scope(self.engine, read_only=True) as session:
            return [
                Revision(r.id, as_utc(r.at), r.origin, r.kind, r.author, r.summary)
                for r in session.scalars(query)
            ]

    def recognised_text(self, meeting_id: int, segment_id: int) -> str | None:
        """What speech recognition wrote for a segment, before anyone edited it."""
        query = (
            select(MeetingRevisionRow.content)
            .where(
                MeetingRevisionRow.meeting_id == meeting_id,
                MeetingRevisionRow.origin == "ai",
                MeetingRevisionRow.kind == "transcript",
            )
            .order_by(MeetingRevisionRow.id.desc())
            .limit(1)
        )
        with session_scope(self.engine, read_only=True) as session:
            content = session.scalar(query)
        if content is None:
            return None
        original = Transcript.model_validate_json(content)
        return next((s.text for s in original.segments if s.id == segment_id), None)

    # Search -----------------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 50) -> builtins.list[SearchHit]:
        """Meetings whose transcript or minutes contain ``text`` (Traditional or Simplified)."""
        from yishi.zh import to_simplified

        needle = to_simplified(" ".join(text.split()))
        if len(needle) < 1:
            return []
        hits: builtins.list[SearchHit] = []
        with session_scope(self.engine, read_only=True) as session:
            rows = session.scalars(select(MeetingRow).order_by(MeetingRow.created_at.desc()))
            for row in rows:
                meeting = _meeting(row)
                if needle in to_simplified(row.title):
                    hits.append(SearchHit(meeting, "會議名稱", None, row.title))
                if row.transcript:
                    for segment in Transcript.model_validate_json(row.transcript).segments:
                        if needle in to_simplified(segment.text):
                            hits.append(SearchHit(meeting, "逐字稿", segment.start, segment.text))
                if row.minutes:
                    for line in _minutes_lines(Minutes.model_validate_json(row.minutes)):
                        if needle in to_simplified(line):
                            hits.append(SearchHit(meeting, "會議紀錄", None, line))
                if len(hits) >= limit:
                    break
        return hits[:limit]


def _minutes_lines(minutes: Minutes) -> builtins.list[str]:
    lines: builtins.list[str] = []
    for report in minutes.reports:
        lines.append("：".join([report.title, *report.summary]))
    for item in [*minutes.discussions, *minutes.motions]:
        lines.append("：".join([item.subject, *item.explanation, item.decision or ""]))
    for directive in minutes.directives:
        agency = directive.lead_agency_name or directive.lead_agency or "未定"
        lines.append(f"{directive.text}（{agency}）")
    return lines


def _row(session: Any, meeting_id: int) -> MeetingRow:
    row = session.get(MeetingRow, meeting_id)
    if row is None:
        raise NotFound(f"找不到會議 {meeting_id}")
    return row  # type: ignore[no-any-return]


def _transcript_of(row: MeetingRow) -> Transcript:
    if not row.transcript:
        raise InputError("這場會議還沒有逐字稿")
    return Transcript.model_validate_json(row.transcript)


def _revision(
    meeting_id: int, origin: str, kind: str, author: str, summary: str, content: str
) -> MeetingRevisionRow:
    return MeetingRevisionRow(
        meeting_id=meeting_id, at=utc_now(), origin=origin, kind=kind, author=author[:80],
        summary=summary[:300], content=content,
    )  # fmt: skip


def _meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        id=row.id, title=row.title, meeting_type=row.meeting_type, date=row.date,
        start_time=row.start_time, chair=row.chair, location=row.location, status=row.status,
        audio_path=row.audio_path, audio_name=row.audio_name, audio_sha256=row.audio_sha256,
        audio_bytes=row.audio_bytes, audio_seconds=row.audio_seconds, created_by=row.created_by,
        created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at), error=row.error,
        has_transcript=row.transcript is not None, has_minutes=row.minutes is not None,
    )  # fmt: skip
