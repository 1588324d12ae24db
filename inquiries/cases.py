"""Cases as the rest of Yishi sees them: plain values, no database session attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from inquiries.vocabulary import OPEN_STATUSES, Kind, Priority, Status


@dataclass(frozen=True)
class Case:
    id: str
    kind: Kind
    title: str
    question: str
    councillor: str | None
    source: str | None
    source_ref: str | None
    meeting_id: str | None
    span_start: float | None
    span_end: float | None
    lead_agency: str
    co_agencies: tuple[str, ...]
    priority: Priority
    received_on: date
    due_on: date
    due_rule: str
    status: Status
    reply_text: str | None
    replied_on: date | None
    tracked: bool
    notes: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


@dataclass(frozen=True)
class NewCase:
    """What staff give to open a case; the due date is computed unless ``due_on`` is set."""

    kind: Kind
    title: str
    lead_agency: str
    received_on: date
    priority: Priority = Priority.NORMAL
    id: str | None = None
    question: str = ""
    councillor: str | None = None
    co_agencies: tuple[str, ...] = ()
    source: str | None = None
    source_ref: str | None = None
    meeting_id: str | None = None
    span_start: float | None = None
    span_end: float | None = None
    due_on: date | None = None
    status: Status = Status.RECEIVED
    reply_text: str | None = None
    replied_on: date | None = None
    tracked: bool = True
    notes: str | None = None


@dataclass(frozen=True)
class CaseQuery:
    agency: str | None = None
    include_co_agency: bool = False
    kind: Kind | None = None
    statuses: tuple[Status, ...] = ()
    open_only: bool = False
    overdue: bool = False
    due_within: int | None = None  # working days, today included
    due_from: date | None = None
    due_to: date | None = None
    councillor: str | None = None
    meeting_id: str | None = None
    text: str | None = None
    tracked: bool | None = None
    limit: int | None = 50
    offset: int = 0
    count_cap: int | None = None  # stop counting past this many (the total then reads cap + 1)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    total: int
    query: CaseQuery = field(default_factory=CaseQuery)

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.query.offset - len(self.cases))

    @property
    def capped(self) -> bool:
        cap = self.query.count_cap
        return cap is not None and self.total > cap


@dataclass(frozen=True)
class AgencySummary:
    agency: str
    total: int
    open: int
    overdue: int
    due_soon: int
    oldest_open_due: date | None

    @property
    def overdue_rate(self) -> float:
        return self.overdue / self.open if self.open else 0.0
