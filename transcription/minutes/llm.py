"""The LLM drafter: map-reduce over transcript chunks, schema-checked, every directive grounded.

Each chunk of the transcript goes to the model with the prompt ``minutes_extract``; the JSON
it returns is validated against a schema (with a bounded repair round when it is not), every
directive must cite transcript segments that actually say it, and the chunks' findings are
merged in code. Agencies and deadlines are resolved with the same registry and calendar as the
rule-based drafter, so both drafters' outputs mean the same thing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel, Field

from inquiries import Agency, AgencyRegistry, WorkCalendar, default_agencies
from prompts import render, version_of
from transcription.minutes.schema import (
    Directive,
    DiscussionItem,
    DraftRecord,
    MeetingHeader,
    Minutes,
    ReportItem,
    Span,
)
from transcription.minutes.when import find_deadline
from transcription.schema import Segment, Transcript
from yishi import clock
from yishi.errors import InputError
from yishi.llm import LLMClient, complete_structured

T = TypeVar("T", ReportItem, DiscussionItem)
PROMPT = "minutes_extract"
REPAIR_PROMPT = "json_repair"
MAX_REPAIRS = 2
OVERLAP_SEGMENTS = 2
GROUNDING_MIN = 0.35


class _ChunkDirective(BaseModel):
    segment_ids: list[int] = Field(min_length=1)
    text: str = Field(min_length=1)
    agency: str | None = None
    co_agencies: list[str] = Field(default_factory=list)
    deadline: str | None = None


class _ChunkReport(BaseModel):
    segment_ids: list[int] = Field(default_factory=list)
    agency: str | None = None
    title: str
    summary: list[str] = Field(default_factory=list)


class _ChunkDiscussion(BaseModel):
    segment_ids: list[int] = Field(default_factory=list)
    subject: str
    decision: str | None = None


class ChunkResult(BaseModel):
    directives: list[_ChunkDirective] = Field(default_factory=list)
    reports: list[_ChunkReport] = Field(default_factory=list)
    discussions: list[_ChunkDiscussion] = Field(default_factory=list)


class LLMDrafter:
    name = "llm"

    def __init__(
        self,
        client: LLMClient,
        *,
        chunk_chars: int = 5000,
        agencies: AgencyRegistry | None = None,
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.client = client
        self.chunk_chars = chunk_chars
        self.agencies = agencies or default_agencies()
        self.calendar = calendar or WorkCalendar()

    def draft(self, transcript: Transcript, header: MeetingHeader) -> Minutes:
        if not transcript.segments:
            raise InputError("逐字稿為空白，無法草擬會議紀錄")
        started = time.perf_counter()
        chunks = chunk_segments(transcript.segments, self.chunk_chars)
        by_id = {s.id: s for s in transcript.segments}
        directives: dict[int, Directive] = {}
        reports: list[ReportItem] = []
        discussions: list[DiscussionItem] = []
        dropped = 0
        for number, chunk in enumerate(chunks, 1):
            result = self._ask(chunk, header, number, len(chunks), transcript.speaker_name)
            allowed = {s.id for s in chunk}
            for item in result.directives:
                directive = self._directive(item, allowed, by_id, header)
                if directive is None:
                    dropped += 1
                    continue
                directives.setdefault(directive.span.segment_ids[0], directive)
            reports += [
                r for r in (self._report(item, allowed, by_id) for item in result.reports) if r
            ]
            discussions += [
                d
                for d in (self._discussion(item, allowed, by_id) for item in result.discussions)
                if d
            ]
        notes = []
        if dropped:
            notes.append(f"語言模型提出的 {dropped} 項指示無法對應到逐字稿，已略去。")
        return Minutes(
            header=header,
            reports=_unique_by_start(reports),
            discussions=_unique_by_start(discussions),
            directives=[directives[k] for k in sorted(directives)],
            notes=notes,
            draft=DraftRecord(
                drafter=self.name,
                model=self.client.model,
                prompt_version=version_of(PROMPT),
                created_at=datetime.now(UTC),
                transcript_file=transcript.source.file,
                transcript_sha256=transcript.source.sha256,
                seconds=round(time.perf_counter() - started, 3),
            ),
        )

    def _ask(
        self,
        chunk: list[Segment],
        header: MeetingHeader,
        part: int,
        parts: int,
        speaker_name: Callable[[str | None], str | None],
    ) -> ChunkResult:
        prompt = render(
            PROMPT,
            title=header.title,
            meeting_type=header.meeting_type or "會議",
            date=header.date.isoformat() if header.date else "日期未填",
            part=part,
            parts=parts,
            agencies="、".join(a.short for a in self.agencies),
            segments=[
                {"id": s.id, "text": s.text, "speaker": speaker_name(s.speaker)} for s in chunk
            ],
            labelled=any(s.speaker for s in chunk),
        )
        result, _reply = complete_structured(
            self.client,
            prompt.text,
            ChunkResult,
            repair=lambda error: render(REPAIR_PROMPT, error=error).text,
            max_repairs=MAX_REPAIRS,
        )
        return result

    def _directive(
        self,
        item: _ChunkDirective,
        allowed: set[int],
        by_id: dict[int, Segment],
        header: MeetingHeader,
    ) -> Directive | None:
        cited = [by_id[i] for i in item.segment_ids if i in allowed and i in by_id]
        if not cited:
            return None
        said = "".join(s.text for s in cited)
        context = said + "".join(
            by_id[i].text for i in range(cited[0].id - 3, cited[0].id) if i in by_id
        )
        flags: list[str] = []
        if _overlap(item.text, said) < GROUNDING_MIN:
            flags.append("ungrounded")
        lead = self._resolve(item.agency)
        agency_said = None
        if lead is None:
            found = self.agencies.find_in_text(said)
            lead = found[0] if found else None
            if lead is None:
                agency_said = item.agency
                flags.append("unknown_agency" if item.agency else "no_agency")
        elif not any(name in context for name in lead.names) and "ungrounded" not in flags:
            flags.append("ungrounded")
        co = [
            a
            for a in (self._resolve(n) for n in item.co_agencies)
            if a and (not lead or a.code != lead.code)
        ]
        deadline = find_deadline(
            item.deadline or said,
            meeting_date=header.date or clock.today(),
            meeting_type=header.meeting_type,
            calendar=self.calendar,
        )
        return Directive(
            text=item.text.strip(),
            lead_agency=lead.code if lead else None,
            lead_agency_name=lead.short if lead else agency_said,
            co_agencies=[a.code for a in co],
            co_agency_names=[a.short for a in co],
            agency_said=agency_said,
            deadline_text=deadline.text if deadline else None,
            due=deadline.due if deadline else None,
            due_basis=deadline.basis if deadline else None,
            urgent=bool(deadline and deadline.urgent),
            span=Span(start=cited[0].start, end=cited[-1].end, segment_ids=[s.id for s in cited]),
            flags=flags,
        )

    def _resolve(self, name: str | None) -> Agency | None:
        if not name:
            return None
        try:
            return self.agencies.resolve(name)
        except InputError:
            found = self.agencies.find_in_text(name)
            return found[0] if found else None

    def _report(
        self, item: _ChunkReport, allowed: set[int], by_id: dict[int, Segment]
    ) -> ReportItem | None:
        cited = [by_id[i] for i in item.segment_ids if i in allowed and i in by_id]
        if not cited:
            return None
        agency = self._resolve(item.agency)
        return ReportItem(
            title=item.title, agency=agency.code if agency else None,
            agency_name=agency.short if agency else item.agency, summary=item.summary[:3],
            span=Span(start=cited[0].start, end=cited[-1].end, segment_ids=[s.id for s in cited]),
        )  # fmt: skip

    def _discussion(
        self, item: _ChunkDiscussion, allowed: set[int], by_id: dict[int, Segment]
    ) -> DiscussionItem | None:
        cited = [by_id[i] for i in item.segment_ids if i in allowed and i in by_id]
        if not cited:
            return None
        return DiscussionItem(
            subject=item.subject, decision=item.decision,
            span=Span(start=cited[0].start, end=cited[-1].end, segment_ids=[s.id for s in cited]),
        )  # fmt: skip


def chunk_segments(segments: list[Segment], max_chars: int) -> list[list[Segment]]:
    """Consecutive segments up to ``max_chars`` each, overlapping by two so no cue is cut off."""
    chunks: list[list[Segment]] = []
    current: list[Segment] = []
    size = 0
    for segment in segments:
        if current and size + len(segment.text) > max_chars:
            chunks.append(current)
            current = current[-OVERLAP_SEGMENTS:]
            size = sum(len(s.text) for s in current)
        current.append(segment)
        size += len(segment.text)
    if current and (not chunks or current[-1] is not chunks[-1][-1]):
        chunks.append(current)
    return chunks


def _overlap(claim: str, source: str) -> float:
    """Share of the claim's character bigrams found in the source text."""

    def grams(text: str) -> set[str]:
        clean = re.sub(r"[\W_]+", "", text)
        return {clean[i : i + 2] for i in range(len(clean) - 1)}

    claimed = grams(claim)
    return len(claimed & grams(source)) / len(claimed) if claimed else 0.0


def _unique_by_start(items: list[T]) -> list[T]:
    seen: set[float] = set()
    unique = []
    for item in sorted(items, key=lambda i: i.span.start):
        if item.span.start not in seen:
            seen.add(item.span.start)
            unique.append(item)
    return unique
