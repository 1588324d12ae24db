"""Minutes from a transcript: the schema, the drafters and the exports."""

from __future__ import annotations

from datetime import date
from typing import Any

from transcription.minutes.rules import RuleBasedDrafter
from transcription.minutes.schema import (
    DIRECTIVE_FLAGS,
    Directive,
    DiscussionItem,
    DraftRecord,
    FollowUp,
    MeetingHeader,
    Minutes,
    ReportItem,
    Span,
)
from transcription.minutes.when import SpokenDeadline, find_deadline


def header_for(meeting: dict[str, Any]) -> MeetingHeader:
    """A header from a plain mapping (title, type, date, chair, location…)."""
    value = meeting.get("date")
    day = value if isinstance(value, date) or value is None else date.fromisoformat(str(value))
    return MeetingHeader(
        title=str(meeting.get("title") or "會議"),
        meeting_type=meeting.get("type") or meeting.get("meeting_type"),
        date=day,
        location=meeting.get("location"),
        chair=meeting.get("chair"),
    )


__all__ = [
    "DIRECTIVE_FLAGS",
    "Directive",
    "DiscussionItem",
    "DraftRecord",
    "FollowUp",
    "MeetingHeader",
    "Minutes",
    "ReportItem",
    "RuleBasedDrafter",
    "Span",
    "SpokenDeadline",
    "find_deadline",
    "header_for",
]
