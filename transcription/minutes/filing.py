"""Directives become tracked cases (kind 裁示), once per meeting: re-filing never duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field

from inquiries import CaseQuery, CaseStore, Kind, NewCase, Priority
from transcription.minutes.schema import Directive, Minutes
from yishi.errors import InputError


@dataclass
class FilingReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def meeting_key(minutes: Minutes) -> str:
    """A stable id for the meeting: its date and title, as the secretary names it."""
    day = minutes.header.date.isoformat() if minutes.header.date else "undated"
    return f"{day} {minutes.header.title}"[:120]


def directive_key(minutes: Minutes, directive: Directive) -> str:
    first = (
        directive.span.segment_ids[0] if directive.span.segment_ids else int(directive.span.start)
    )
    return f"{meeting_key(minutes)}#{first}"[:120]


def file_directives(minutes: Minutes, store: CaseStore) -> FilingReport:
    """Create one 裁示 case per directive that names a known agency; skip those already filed."""
    if minutes.header.date is None:
        raise InputError("會議日期未填，無法建立列管案件（請以 --date 指定）")
    report = FilingReport()
    meeting = meeting_key(minutes)
    filed = {
        case.source_ref: case.id
        for case in store.find(CaseQuery(meeting_id=meeting, limit=None)).cases
    }
    for number, directive in enumerate(minutes.directives, 1):
        key = directive_key(minutes, directive)
        if key in filed:
            report.existing.append(filed[key])
            continue
        if directive.lead_agency is None:
            said = directive.agency_said or "未指明"
            report.skipped.append((f"第{number}項", f"權責機關不明（{said}），請先修正紀錄"))
            continue
        case = store.add(
            NewCase(
                kind=Kind.DIRECTIVE,
                title=_title(directive.text),
                question=directive.text,
                lead_agency=directive.lead_agency,
                co_agencies=tuple(directive.co_agencies),
                priority=Priority.URGENT if directive.urgent else Priority.NORMAL,
                received_on=minutes.header.date,
                due_on=directive.due,
                source=f"{minutes.header.title}（錄音 {_clock(directive.span.start)}–{_clock(directive.span.end)}）",
                source_ref=key,
                meeting_id=meeting,
                span_start=directive.span.start,
                span_end=directive.span.end,
                notes=f"期限依會議所述「{directive.deadline_text}」"
                if directive.deadline_text
                else None,
            ),
            reason=f"會議紀錄裁示事項第{number}項",
        )
        report.created.append(case.id)
    return report


def _title(text: str) -> str:
    clean = text.strip("。 ")
    return clean if len(clean) <= 60 else clean[:59] + "…"


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
