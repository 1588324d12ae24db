"""The tracking store: every case, its deadline and its append-only history."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, and_, case, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from inquiries.agencies import AgencyRegistry, default_agencies
from inquiries.cases import AgencySummary, Case, CasePage, CaseQuery, HistoryEntry, NewCase
from inquiries.deadlines import CalendarOverride, Deadline, RuleBook, WorkCalendar, deadline_for
from inquiries.models import CalendarOverrideRow, CaseRow, CoAgencyRow, HistoryRow
from inquiries.vocabulary import (
    FINAL_STATUSES,
    KIND_LETTER,
    OPEN_STATUSES,
    STATUS_ORDER,
    Kind,
    Priority,
    Status,
)
from yishi.config import Settings
from yishi.db import database_url, get_engine, session_scope
from yishi.errors import InputError, NotFound

MANUAL_RULE = "manual"
_FIELDS = (
    "kind", "title", "question", "councillor", "source", "source_ref", "lead_agency",
    "co_agencies", "priority", "received_on", "due_on", "status", "reply_text", "replied_on",
    "tracked", "notes",
)  # fmt: skip
_FIELD_LABELS = {
    "kind": "類別", "title": "標題", "question": "內容", "councillor": "議員", "source": "來源",
    "source_ref": "文號", "lead_agency": "主辦機關", "co_agencies": "協辦機關",
    "priority": "速別", "received_on": "收文日期", "due_on": "期限", "status": "狀態",
    "reply_text": "答復內容", "replied_on": "答復日期", "tracked": "列管", "notes": "備註",
}  # fmt: skip


class CaseStore:
    """Read and change cases; every change is one transaction with its history rows."""

    def __init__(
        self,
        engine: Engine,
        *,
        actor: str,
        rules: RuleBook | None = None,
        agencies: AgencyRegistry | None = None,
        id_pattern: str = r"\d{2,3}-[質索陳裁]-\d{3,6}",
        today: Callable[[], date] | None = None,
    ) -> None:
        self.engine = engine
        self.actor = actor
        self.rules = rules or RuleBook.load()
        self.agencies = agencies or default_agencies()
        self.id_pattern = re.compile(id_pattern)
        self.today = today or (lambda: datetime.now(ZoneInfo("Asia/Taipei")).date())

    @classmethod
    def from_settings(cls, settings: Settings, *, actor: str | None = None) -> CaseStore:
        zone = ZoneInfo(settings.timezone)
        return cls(
            get_engine(settings),
            actor=actor or settings.user,
            rules=RuleBook.load(settings.deadline_rules_path),
            id_pattern=settings.case_id_pattern,
            today=_fixed_day(settings.today) or (lambda: datetime.now(zone).date()),
        )

    # Deadlines and the calendar

    def calendar(self, session: Session | None = None) -> WorkCalendar:
        if session is None:
            with session_scope(self.engine, read_only=True) as fresh:
                return self.calendar(fresh)
        rows = session.scalars(select(CalendarOverrideRow)).all()
        return WorkCalendar({r.day: CalendarOverride(r.day, r.working, r.reason) for r in rows})

    def deadline(self, kind: Kind, priority: Priority, received: date) -> Deadline:
        return deadline_for(kind, priority, received, rules=self.rules, calendar=self.calendar())

    def overrides(self) -> list[CalendarOverride]:
        with session_scope(self.engine, read_only=True) as session:
            rows = session.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.day))
            return [CalendarOverride(r.day, r.working, r.reason) for r in rows]

    def set_override(
        self, day: date, *, working: bool, reason: str
    ) -> list[tuple[str, date, date]]:
        """Close (typhoon) or open (make-up day) one date; re-date the open cases it moves."""
        if not reason.strip():
            raise InputError("行事曆異動必須註明原因")
        with session_scope(self.engine) as session:
            row = session.get(CalendarOverrideRow, day)
            if row is None:
                row = CalendarOverrideRow(day=day, created_at=_now())
                session.add(row)
            row.working, row.reason, row.actor = working, reason.strip(), self.actor
            session.flush()
            label = "停止上班" if not working else "改為上班日"
            return self._recompute(session, since=day, why=f"行事曆異動：{day} {label}（{reason}）")

    def remove_override(self, day: date) -> list[tuple[str, date, date]]:
        with session_scope(self.engine) as session:
            row = session.get(CalendarOverrideRow, day)
            if row is None:
                raise NotFound(f"{day} 沒有行事曆異動")
            session.delete(row)
            session.flush()
            return self._recompute(session, since=day, why=f"行事曆異動取消：{day}")

    def _recompute(
        self, session: Session, *, since: date, why: str
    ) -> list[tuple[str, date, date]]:
        calendar = self.calendar(session)
        rows = session.scalars(
            select(CaseRow)
            .where(CaseRow.status.in_(OPEN_STATUSES), CaseRow.due_rule != MANUAL_RULE)
            .where(CaseRow.received_on <= since, CaseRow.due_on >= since - timedelta(days=1))
            .with_for_update()
        ).all()
        moved = []
        for row in rows:
            new = deadline_for(
                Kind(row.kind), Priority(row.priority), row.received_on,
                rules=self.rules, calendar=calendar,
            )  # fmt: skip
            if new.due != row.due_on:
                moved.append((row.id, row.due_on, new.due))
                self._log(session, row.id, "deadline", "due_on", row.due_on, new.due, why)
                row.due_on, row.due_rule, row.updated_at = new.due, new.rule.id, _now()
        return moved

    # Reading

    def get(self, case_id: str) -> Case:
        with session_scope(self.engine, read_only=True) as session:
            return _to_case(self._row(session, case_id))

    def history(self, case_id: str) -> list[HistoryEntry]:
        with session_scope(self.engine, read_only=True) as session:
            self._row(session, case_id)
            rows = session.scalars(
                select(HistoryRow).where(HistoryRow.case_id == case_id).order_by(HistoryRow.id)
            )
            return [
                HistoryEntry(r.at, r.actor, r.action, r.field, r.old_value, r.new_value, r.reason)
                for r in rows
            ]

    def find(self, query: CaseQuery | None = None) -> CasePage:
        query = query or CaseQuery()
        with session_scope(self.engine, read_only=True) as session:
            conditions = self._conditions(query, session)  # once: it may read the database
            statement = select(CaseRow).where(*conditions)
            statement = statement.order_by(CaseRow.due_on, CaseRow.id).offset(query.offset)
            if query.limit is not None:
                statement = statement.limit(query.limit)
            rows = session.scalars(statement.options(selectinload(CaseRow.co_agencies))).all()
            if query.limit is None or (len(rows) < query.limit and (rows or query.offset == 0)):
                total = query.offset + len(rows)  # the page is not full: nothing follows it
            elif query.count_cap:
                # "還有 1,000+ 件" is enough for a chat reply; counting 40k rows is not free.
                capped = select(CaseRow.id).where(*conditions).limit(query.count_cap + 1)
                total = int(
                    session.scalar(select(func.count()).select_from(capped.subquery())) or 0
                )
            else:
                counted = select(func.count()).select_from(CaseRow).where(*conditions)
                total = int(session.scalar(counted) or 0)
            return CasePage([_to_case(r) for r in rows], total, query)

    def _conditions(self, query: CaseQuery, session: Session) -> list[Any]:
        conditions: list[Any] = []
        if query.agency:
            code = self.agencies.resolve(query.agency).code
            lead = CaseRow.lead_agency == code
            if query.include_co_agency:
                co = select(CoAgencyRow.case_id).where(CoAgencyRow.agency == code)
                # Listing the co-agency's case ids lets SQLite answer the OR from two indexes;
                # an IN (subquery) makes it scan every case.
                co_ids = list(session.scalars(co.limit(5001)))
                lead = or_(lead, CaseRow.id.in_(co_ids if len(co_ids) <= 5000 else co))
            conditions.append(lead)
        if query.kind:
            conditions.append(CaseRow.kind == query.kind.value)
        statuses = list(query.statuses)
        if query.open_only or query.overdue or query.due_within is not None:
            statuses = [s for s in statuses or OPEN_STATUSES if s in OPEN_STATUSES]
        if statuses:
            conditions.append(CaseRow.status.in_([s.value for s in statuses]))
        today = self.today()
        if query.overdue:
            conditions.append(CaseRow.due_on < today)
        if query.due_within is not None:
            end, _ = self.calendar(session).add_working_days(
                today, max(query.due_within, 1), count_from="received"
            )
            conditions.append(and_(CaseRow.due_on >= today, CaseRow.due_on <= end))
        if query.due_from:
            conditions.append(CaseRow.due_on >= query.due_from)
        if query.due_to:
            conditions.append(CaseRow.due_on <= query.due_to)
        if query.councillor:
            # Exact names use the index; "林議員" and "林" find "林議員" alike.
            name = query.councillor.strip().removesuffix("議員")
            conditions.append(CaseRow.councillor.in_([name, f"{name}議員"]))
        if query.meeting_id:
            conditions.append(CaseRow.meeting_id == query.meeting_id)
        if query.tracked is not None:
            conditions.append(CaseRow.tracked.is_(query.tracked))
        if query.text:
            pattern = f"%{query.text.strip()}%"
            conditions.append(or_(CaseRow.title.like(pattern), CaseRow.question.like(pattern)))
        return conditions

    # Changing

    def add(self, new: NewCase, *, reason: str | None = None) -> Case:
        with session_scope(self.engine) as session:
            row = self._insert(session, new, self.calendar(session), reason)
            return _to_case(row)

    def add_many(self, cases: Sequence[NewCase], *, reason: str) -> int:
        """Insert many validated cases in one transaction (the importer's fast path)."""
        with session_scope(self.engine) as session:
            calendar = CachedDeadlines(self.calendar(session), self.rules)
            now = _now()
            case_rows, co_rows, history_rows = [], [], []
            for new in cases:
                values = self._values(new, calendar, now)
                case_rows.append(values)
                co_rows += [
                    {"case_id": values["id"], "agency": code, "position": i}
                    for i, code in enumerate(values.pop("_co"))
                ]
                history_rows.append(
                    _history_values(
                        values["id"], now, self.actor, "create", _summary(values), reason
                    )
                )
            self._reject_existing(session, [v["id"] for v in case_rows])
            for start in range(0, len(case_rows), 5000):
                session.execute(insert(CaseRow), case_rows[start : start + 5000])
            for start in range(0, len(co_rows), 5000):
                session.execute(insert(CoAgencyRow), co_rows[start : start + 5000])
            for start in range(0, len(history_rows), 5000):
                session.execute(insert(HistoryRow), history_rows[start : start + 5000])
        refresh_statistics(self.engine)
        return len(case_rows)

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        with session_scope(self.engine, read_only=True) as session:
            return self._existing(session, list(ids))

    def update(self, case_id: str, *, reason: str | None = None, **changes: Any) -> Case:
        """Change fields of one case; each changed field gets a history row."""
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise InputError(f"無法修改的欄位：{'、'.join(sorted(unknown))}")
        with session_scope(self.engine) as session:
            row = self._row(session, case_id, lock=True)
            self._apply(session, row, changes, reason)
            return _to_case(row)

    def set_status(self, case_id: str, status: Status, *, reason: str | None = None) -> Case:
        return self.update(case_id, status=status, reason=reason)

    def close(self, case_id: str, *, reason: str | None = None, release: bool = False) -> Case:
        target = Status.RELEASED if release else Status.CLOSED
        if release and not (reason or "").strip():
            raise InputError("解除列管必須註明原因")
        return self.update(case_id, status=target, reason=reason)

    # Internals

    def _row(self, session: Session, case_id: str, *, lock: bool = False) -> CaseRow:
        statement = select(CaseRow).where(CaseRow.id == case_id.strip())
        if lock:
            statement = statement.with_for_update()
        row = session.scalars(statement.options(selectinload(CaseRow.co_agencies))).first()
        if row is None:
            raise NotFound(f"找不到案件：{case_id}")
        return row

    def _insert(
        self, session: Session, new: NewCase, calendar: WorkCalendar, reason: str | None
    ) -> CaseRow:
        now = _now()
        values = self._values(new, calendar, now, session=session)
        co = values.pop("_co")
        self._reject_existing(session, [values["id"]])
        row = CaseRow(**values)
        row.co_agencies = [CoAgencyRow(agency=code, position=i) for i, code in enumerate(co)]
        session.add(row)
        session.add(
            HistoryRow(
                **_history_values(row.id, now, self.actor, "create", _summary(values), reason)
            )
        )
        try:
            session.flush()
        except IntegrityError as exc:
            raise InputError(f"案號重複：{row.id}") from exc
        return row

    def _values(
        self,
        new: NewCase,
        calendar: WorkCalendar | CachedDeadlines,
        now: datetime,
        *,
        session: Session | None = None,
    ) -> dict[str, Any]:
        new = self.validated(new)
        if new.due_on is not None:
            due, rule = new.due_on, MANUAL_RULE
        else:
            if isinstance(calendar, WorkCalendar):
                calendar = CachedDeadlines(calendar, self.rules)
            computed = calendar.deadline(new.kind, new.priority, new.received_on)
            due, rule = computed.due, computed.rule.id
        case_id = new.id or self._next_id(session, new.kind, new.received_on)
        return {
            "id": case_id, "kind": new.kind.value, "title": new.title, "question": new.question,
            "councillor": new.councillor, "source": new.source, "source_ref": new.source_ref,
            "meeting_id": new.meeting_id, "span_start": new.span_start, "span_end": new.span_end,
            "lead_agency": new.lead_agency, "priority": new.priority.value,
            "received_on": new.received_on, "due_on": due, "due_rule": rule,
            "status": new.status.value, "reply_text": new.reply_text,
            "replied_on": new.replied_on, "tracked": new.tracked, "notes": new.notes,
            "created_at": now, "updated_at": now, "version": 1, "_co": new.co_agencies,
        }  # fmt: skip

    def validated(self, new: NewCase) -> NewCase:
        """Check a new case and resolve agency names to codes; InputError lists every problem."""
        problems: list[str] = []
        lead, co = new.lead_agency, new.co_agencies
        try:
            lead = self.agencies.resolve(new.lead_agency).code
        except InputError as exc:
            problems.append(exc.message)
        codes = []
        for name in co:
            try:
                codes.append(self.agencies.resolve(name).code)
            except InputError as exc:
                problems.append(exc.message.replace("機關", "協辦機關", 1))
        co = tuple(dict.fromkeys(c for c in codes if c != lead))
        if new.id is not None and not self.id_pattern.fullmatch(new.id):
            problems.append(f"案號格式不符：{new.id}（例：114-質-0457）")
        if not new.title.strip():
            problems.append("缺少標題")
        elif len(new.title) > 300:
            problems.append("標題超過 300 字")
        if (
            new.kind in (Kind.INTERPELLATION, Kind.DATA_REQUEST)
            and not (new.councillor or "").strip()
        ):
            problems.append(f"{new.kind}案件須填議員")
        if new.received_on > self.today():
            problems.append(f"收文日期 {new.received_on} 晚於今天")
        if new.due_on is not None and new.due_on < new.received_on:
            problems.append(f"期限 {new.due_on} 早於收文日期 {new.received_on}")
        if new.replied_on is not None and new.replied_on < new.received_on:
            problems.append(f"答復日期 {new.replied_on} 早於收文日期 {new.received_on}")
        if problems:
            raise InputError("；".join(problems))
        return replace(new, lead_agency=lead, co_agencies=co, title=new.title.strip(), id=new.id)

    def _next_id(self, session: Session | None, kind: Kind, received: date) -> str:
        prefix = f"{received.year - 1911}-{KIND_LETTER[kind]}-"
        if session is None:
            raise InputError("大量匯入時每筆都必須有案號")
        ids = session.scalars(select(CaseRow.id).where(CaseRow.id.startswith(prefix))).all()
        serials = [int(i[len(prefix) :]) for i in ids if i[len(prefix) :].isdigit()]
        return f"{prefix}{max(serials, default=0) + 1:04d}"

    def _reject_existing(self, session: Session, ids: list[str]) -> None:
        taken = self._existing(session, ids)
        if taken:
            shown = "、".join(sorted(taken)[:5]) + ("…" if len(taken) > 5 else "")
            raise InputError(f"案號已存在：{shown}")

    @staticmethod
    def _existing(session: Session, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 900]
            found |= set(session.scalars(select(CaseRow.id).where(CaseRow.id.in_(chunk))))
        return found

    def _apply(
        self, session: Session, row: CaseRow, changes: dict[str, Any], reason: str | None
    ) -> None:
        current = _to_case(row)
        if current.status in FINAL_STATUSES and not (reason or "").strip():
            raise InputError(f"案件已{current.status}，修改須註明原因")
        updates = self._normalised_changes(current, changes, reason)
        if "status" in updates:
            updates.update(self._status_side_effects(current, updates))
        recompute = {"kind", "priority", "received_on"} & set(updates) and "due_on" not in updates
        if recompute and row.due_rule != MANUAL_RULE:
            deadline = deadline_for(
                Kind(updates.get("kind", row.kind)),
                Priority(updates.get("priority", row.priority)),
                updates.get("received_on", row.received_on),
                rules=self.rules,
                calendar=self.calendar(session),
            )
            updates["due_on"], updates["_rule"] = deadline.due, deadline.rule.id
        rule = updates.pop("_rule", MANUAL_RULE if "due_on" in updates else row.due_rule)
        changed = False
        for name, value in updates.items():
            old = getattr(current, name)
            if _same(old, value):
                continue
            changed = True
            action = "status" if name == "status" else "update"
            self._log(session, row.id, action, name, old, value, reason)
            if name == "co_agencies":
                row.co_agencies = [CoAgencyRow(agency=c, position=i) for i, c in enumerate(value)]
            else:
                setattr(row, name, value.value if hasattr(value, "value") else value)
        if changed:
            row.due_rule = rule
            row.updated_at = _now()

    def _normalised_changes(
        self, current: Case, changes: dict[str, Any], reason: str | None
    ) -> dict[str, Any]:
        updates = {k: v for k, v in changes.items() if v is not None}
        if "lead_agency" in updates:
            updates["lead_agency"] = self.agencies.resolve(updates["lead_agency"]).code
        if "co_agencies" in updates:
            codes = [self.agencies.resolve(n).code for n in updates["co_agencies"]]
            lead = updates.get("lead_agency", current.lead_agency)
            updates["co_agencies"] = tuple(dict.fromkeys(c for c in codes if c != lead))
        if "due_on" in updates:
            if not (reason or "").strip():
                raise InputError("變更期限（展延）必須註明原因")
            received = updates.get("received_on", current.received_on)
            if updates["due_on"] < received:
                raise InputError(f"期限 {updates['due_on']} 早於收文日期 {received}")
        if "title" in updates and not str(updates["title"]).strip():
            raise InputError("標題不可為空白")
        return updates

    def _status_side_effects(self, current: Case, updates: dict[str, Any]) -> dict[str, Any]:
        target = Status(updates["status"])
        if target == current.status:
            return {}
        backwards = STATUS_ORDER[target] < STATUS_ORDER[current.status]
        if backwards and target != Status.RELEASED:
            raise InputError(
                f"狀態不可由「{current.status}」退回「{target}」；"
                "如需重新辦理請用 yishi cases reopen 並註明原因"
            )
        extra: dict[str, Any] = {"status": target}
        if target == Status.REPLIED and current.replied_on is None and "replied_on" not in updates:
            extra["replied_on"] = self.today()
        if target == Status.REPLIED and not (updates.get("reply_text") or current.reply_text):
            raise InputError("改為已答復時須附答復內容")
        return extra

    def reopen(self, case_id: str, *, reason: str) -> Case:
        """Send a closed or replied case back to 辦理中 (say, when the reply was rejected)."""
        if not reason.strip():
            raise InputError("重新辦理必須註明原因")
        with session_scope(self.engine) as session:
            row = self._row(session, case_id, lock=True)
            if row.status in (s.value for s in OPEN_STATUSES):
                raise InputError(f"案件 {case_id} 仍在辦理中，不需重新辦理")
            self._log(session, row.id, "status", "status", row.status, Status.IN_PROGRESS, reason)
            row.status, row.updated_at = Status.IN_PROGRESS.value, _now()
            return _to_case(row)

    def _log(
        self, session: Session, case_id: str, action: str, field: str | None,
        old: Any, new: Any, reason: str | None,
    ) -> None:  # fmt: skip
        session.add(
            HistoryRow(
                case_id=case_id,
                at=_now(),
                actor=self.actor,
                action=action,
                field=field,
                old_value=_text(old),
                new_value=_text(new),
                reason=reason,
            )
        )

    def councillors(self) -> list[str]:
        """Every councillor named on a case, without the 議員 title."""
        with session_scope(self.engine, read_only=True) as session:
            names = session.scalars(
                select(CaseRow.councillor).where(CaseRow.councillor.is_not(None)).distinct()
            )
            return sorted({n.strip().removesuffix("議員") for n in names if n and n.strip()})

    def agency_summary(self) -> list[AgencySummary]:
        """Open, overdue and due-soon counts per lead agency (the 執行情形一覽表)."""
        today = self.today()
        with session_scope(self.engine, read_only=True) as session:
            soon, _ = self.calendar(session).add_working_days(today, 3, count_from="received")
            open_values = [s.value for s in OPEN_STATUSES]
            is_open = CaseRow.status.in_(open_values)
            statement = (
                select(
                    CaseRow.lead_agency,
                    func.count(),
                    func.sum(case((is_open, 1), else_=0)),
                    func.sum(case((and_(is_open, CaseRow.due_on < today), 1), else_=0)),
                    func.sum(
                        case(
                            (and_(is_open, CaseRow.due_on >= today, CaseRow.due_on <= soon), 1),
                            else_=0,
                        )
                    ),
                    func.min(case((is_open, CaseRow.due_on), else_=None)),
                )
                .where(CaseRow.tracked.is_(True))
                .group_by(CaseRow.lead_agency)
            )
            summaries = []
            for code, total, open_count, overdue, due_soon, oldest_due in session.execute(
                statement
            ):
                summaries.append(
                    AgencySummary(
                        agency=code,
                        total=int(total),
                        open=int(open_count or 0),
                        overdue=int(overdue or 0),
                        due_soon=int(due_soon or 0),
                        oldest_open_due=oldest_due,
                    )
                )
            return sorted(summaries, key=lambda s: (-s.overdue, -s.open, s.agency))

    def delete(self, case_id: str, *, reason: str) -> None:
        """Remove a case entered by mistake (history goes with it); prefer close or release."""
        if not reason.strip():
            raise InputError("刪除案件必須註明原因")
        with session_scope(self.engine) as session:
            self._row(session, case_id)
            session.execute(delete(CaseRow).where(CaseRow.id == case_id))


class CachedDeadlines:
    """Deadlines for one calendar, computed once per (kind, priority, received day)."""

    def __init__(self, calendar: WorkCalendar, rules: RuleBook) -> None:
        self.calendar, self.rules = calendar, rules
        self._cache: dict[tuple[Kind, Priority, date], Deadline] = {}

    def deadline(self, kind: Kind, priority: Priority, received: date) -> Deadline:
        key = (kind, priority, received)
        if key not in self._cache:
            self._cache[key] = deadline_for(
                kind, priority, received, rules=self.rules, calendar=self.calendar
            )
        return self._cache[key]


def refresh_statistics(engine: Engine) -> None:
    """After a bulk import, let the planner know the tables' shape again (ANALYZE).

    Without statistics SQLite scanned every overdue case for one agency's list (115 ms at 100k)
    instead of using the agency index (11 ms). PostgreSQL's autovacuum gets there too, but only
    a minute or more later; until then the bots' lists ran as sequential scans and answers
    queued (webhook-to-answer p50 60 s at 50 questions a second, 100k cases, measured).
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("ANALYZE")
        elif engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE cases, case_co_agencies, case_history")
        connection.commit()


def known_councillors(settings: Settings) -> tuple[str, ...]:
    """Councillors named on the cases, for the transcriber; none when there is no store yet."""
    url = database_url(settings)
    if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).is_file():
        return ()  # transcribing must not create a database as a side effect
    try:
        return tuple(CaseStore.from_settings(settings).councillors())
    except (SQLAlchemyError, OSError):
        return ()  # names only improve the transcript; an unreachable store must not stop it


def field_label(name: str) -> str:
    return _FIELD_LABELS.get(name, name)


def _to_case(row: CaseRow) -> Case:
    return Case(
        id=row.id, kind=Kind(row.kind), title=row.title, question=row.question,
        councillor=row.councillor, source=row.source, source_ref=row.source_ref,
        meeting_id=row.meeting_id, span_start=row.span_start, span_end=row.span_end,
        lead_agency=row.lead_agency,
        co_agencies=tuple(c.agency for c in row.co_agencies),
        priority=Priority(row.priority), received_on=row.received_on, due_on=row.due_on,
        due_rule=row.due_rule, status=Status(row.status), reply_text=row.reply_text,
        replied_on=row.replied_on, tracked=row.tracked, notes=row.notes,
        created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


def _history_values(
    case_id: str, at: datetime, actor: str, action: str, summary: str, reason: str | None
) -> dict[str, Any]:
    return {
        "case_id": case_id, "at": at, "actor": actor, "action": action, "field": None,
        "old_value": None, "new_value": summary, "reason": reason,
    }  # fmt: skip


def _summary(values: dict[str, Any]) -> str:
    return (
        f"{values['kind']}｜{values['title']}｜主辦 {values['lead_agency']}｜"
        f"{values['priority']}｜收文 {values['received_on']}｜期限 {values['due_on']}"
        f"（{values['due_rule']}）"
    )


def _same(old: Any, new: Any) -> bool:
    return _text(old) == _text(new)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value.value if hasattr(value, "value") else value)


def _now() -> datetime:
    return datetime.now(UTC)


def _fixed_day(day: date | None) -> Callable[[], date] | None:
    return (lambda: day) if day is not None else None
