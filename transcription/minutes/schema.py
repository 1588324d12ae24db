"""The minutes as data: what the drafters produce, the exporters lay out and staff correct."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

SCHEMA_VERSION = "yishi.minutes/1"

# Flag codes on directives, with the words a reviewer sees.
DIRECTIVE_FLAGS = {
    "unknown_agency": "機關不在機關清單，請確認",
    "no_agency": "未指明權責機關",
    "not_from_chair": "可能非主席裁示，請確認",
    "ungrounded": "與逐字稿對不上，請確認",
    "deadline_unresolved": "期限無法換算為日期",
}


class Span(BaseModel):
    """Where in the recording something was said (seconds), and the transcript segments."""

    start: float
    end: float
    segment_ids: list[int] = Field(default_factory=list)


class MeetingHeader(BaseModel):
    title: str
    meeting_type: str | None = None
    date: dt.date | None = None
    start_time: str | None = None
    location: str | None = None
    chair: str | None = None
    attendees: list[str] = Field(default_factory=list)
    observers: list[str] = Field(default_factory=list)
    recorder: str | None = None


class Directive(BaseModel):
    """One 主席裁示/指示事項: what to do, who (權責機關), by when (期限), where it was said."""

    text: str
    lead_agency: str | None = None
    lead_agency_name: str | None = None
    co_agencies: list[str] = Field(default_factory=list)
    co_agency_names: list[str] = Field(default_factory=list)
    agency_said: str | None = None
    deadline_text: str | None = None
    due: dt.date | None = None
    due_basis: str | None = None
    urgent: bool = False
    span: Span
    flags: list[str] = Field(default_factory=list)
    speaker: str | None = None  # who said it, where the transcript has speaker labels


class Question(BaseModel):
    """A councillor's question (議員質詢), attributed from the speaker labels."""

    councillor: str
    text: str
    span: Span


class FollowUp(BaseModel):
    """上次會議決議及指裁示事項執行情形: one line and what the chair decided."""

    text: str
    decision: str | None = None
    span: Span


class ReportItem(BaseModel):
    title: str
    agency: str | None = None
    agency_name: str | None = None
    summary: list[str] = Field(default_factory=list)
    span: Span


class DiscussionItem(BaseModel):
    subject: str
    proposer: str | None = None
    explanation: list[str] = Field(default_factory=list)
    decision: str | None = None
    span: Span


class DraftRecord(BaseModel):
    """Who drafted these minutes: the audit trail every AI output carries."""

    drafter: str
    model: str | None = None
    prompt_version: str | None = None
    created_at: dt.datetime
    transcript_file: str | None = None
    transcript_sha256: str | None = None
    seconds: float = 0.0


class Minutes(BaseModel):
    schema_version: str = SCHEMA_VERSION
    header: MeetingHeader
    follow_ups: list[FollowUp] = Field(default_factory=list)
    reports: list[ReportItem] = Field(default_factory=list)
    discussions: list[DiscussionItem] = Field(default_factory=list)
    motions: list[DiscussionItem] = Field(default_factory=list)
    directives: list[Directive] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    adjourned_at: float | None = None
    notes: list[str] = Field(default_factory=list)
    draft: DraftRecord
