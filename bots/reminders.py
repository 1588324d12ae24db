"""The daily digest: due today, due soon, overdue — one message a bound staff member a day."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

from bots.conversation import Reply
from bots.staff import Account, Staff, StaffDirectory
from inquiries import Case, CaseQuery, CaseStore

Send = Callable[[Account, Reply], Awaitable[bool]]
SHOWN = 8


@dataclass
class ReminderReport:
    day: date
    working_day: bool
    sent: list[str] = field(default_factory=list)
    nothing_due: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def digest(store: CaseStore, staff: Staff, *, days_ahead: int) -> Reply | None:
    """The staff member's digest, or None when nothing is due or overdue."""
    today = store.today()
    scope = {} if staff.sees_all else {"agency": staff.agency, "include_co_agency": True}
    overdue = store.find(CaseQuery(overdue=True, limit=None, **scope)).cases  # type: ignore[arg-type]
    due = store.find(CaseQuery(due_within=max(days_ahead, 1), limit=None, **scope)).cases  # type: ignore[arg-type]
    due_today = [c for c in due if c.due_on == today]
    soon = [c for c in due if c.due_on > today]
    if not (overdue or due):
        return None
    agency = store.agencies.get(staff.agency).short
    lines = [
        f"{staff.name}早安，{today:%m/%d} 案件提醒（{'全府' if staff.sees_all else agency}）："
    ]
    for label, cases in (
        ("今天到期", due_today),
        (f"{days_ahead} 個工作天內到期", soon),
        ("已逾期", overdue),
    ):
        if cases:
            lines.append(f"【{label}】{len(cases)} 件")
            lines += [_line(store, c) for c in cases[:SHOWN]]
            if len(cases) > SHOWN:
                lines.append(f"　還有 {len(cases) - SHOWN} 件")
    return Reply("\n".join(lines), "reminder", quick_replies=["今天到期", "逾期案件", "本週到期"])


def _line(store: CaseStore, case: Case) -> str:
    return f"・{case.id} {case.title[:16]}｜{store.agencies.get(case.lead_agency).short}｜{case.due_on:%m/%d}"


async def send_reminders(
    store: CaseStore, staff: StaffDirectory, send: Send, *, days_ahead: int, dry_run: bool = False
) -> ReminderReport:
    today = store.today()
    report = ReminderReport(day=today, working_day=store.calendar().is_working_day(today))
    if not report.working_day:
        return report  # holidays and weekends send nothing
    for account in staff.accounts():
        who = f"{account.staff.name}（{account.platform}）"
        if account.blocked:
            report.blocked.append(who)
            continue
        message = await asyncio.to_thread(digest, store, account.staff, days_ahead=days_ahead)
        if message is None:
            report.nothing_due.append(who)
            continue
        if dry_run:
            report.sent.append(who)
            continue
        if await send(account, message):
            report.sent.append(who)
        elif _now_blocked(staff, account):
            report.blocked.append(who)
        else:
            report.failed.append(who)
    return report


def _now_blocked(staff: StaffDirectory, account: Account) -> bool:
    current = staff.account(account.platform, account.platform_user_id)
    return current is not None and current.blocked
