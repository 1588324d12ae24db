"""Draft minutes with the configured drafter, falling back to the rules when the model fails."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from inquiries import WorkCalendar
from transcription.minutes.llm import LLMDrafter
from transcription.minutes.rules import RuleBasedDrafter
from transcription.minutes.schema import MeetingHeader, Minutes
from transcription.schema import SCHEMA_VERSION, Transcript
from yishi.errors import InputError, NotFound, UpstreamError
from yishi.llm import LLMClient

MEETING_TYPES = ("市政會議", "主任秘書會報", "議會質詢", "專案會議")


def draft_minutes(
    transcript: Transcript,
    header: MeetingHeader,
    *,
    llm: LLMClient | None = None,
    calendar: WorkCalendar | None = None,
    chunk_chars: int = 5000,
) -> Minutes:
    """The LLM draft when a model is configured and answers; the rule-based draft otherwise."""
    rules = RuleBasedDrafter(calendar=calendar)
    if llm is None or not transcript.segments:
        return rules.draft(transcript, header)
    try:
        return LLMDrafter(llm, calendar=calendar, chunk_chars=chunk_chars).draft(transcript, header)
    except UpstreamError as exc:
        minutes = rules.draft(transcript, header)
        minutes.notes.insert(0, f"語言模型無法使用（{exc.message}），本紀錄改以規則式草擬。")
        return minutes


def read_transcript(path: Path) -> Transcript:
    """A transcript JSON written by ``yishi transcribe``; a clear error for anything else."""
    if not path.is_file():
        raise NotFound(f"找不到檔案：{path}")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path.name} 不是有效的 JSON 檔") from exc
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise InputError(f"{path.name} 不是 Yishi 逐字稿（需要 yishi transcribe 產生的 JSON）")
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path.name} 的逐字稿格式不符：{where} {first['msg']}") from exc


def guess_meeting_type(title: str) -> str | None:
    if "主任秘書" in title or "主秘會報" in title:
        return "主任秘書會報"
    if "市政會議" in title:
        return "市政會議"
    if "議會" in title or "質詢" in title or "定期大會" in title:
        return "議會質詢"
    if "會議" in title:
        return "專案會議"
    return None
