"""Messages the bots send on their own: the daily digest, and "your job is done" notices."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bots.conversation import Reply
from bots.line_webhook import line_sender
from bots.reminders import ReminderReport, send_reminders
from bots.staff import Account, StaffDirectory
from bots.telegram_webhook import telegram_sender
from inquiries import CaseStore
from yishi.config import Settings

log = logging.getLogger(__name__)
Send = Callable[[Account, Reply], Awaitable[bool]]


async def remind_once(
    settings: Settings, *, dry_run: bool = False, on_problem: Callable[[str], None] | None = None
) -> ReminderReport:
    """Send today's digest to every bound account (nothing on holidays and weekends)."""
    from bots import platform_clients

    store = CaseStore.from_settings(settings)
    staff = StaffDirectory(store.engine)
    line, telegram = platform_clients(settings, staff)
    if telegram is not None and dry_run:
        telegram = None  # a dry run sends nothing: no need to reach Telegram
    if telegram is not None:
        problem = await telegram.start()
        if problem:  # LINE reminders still go out; Telegram's are reported as not sent
            if on_problem is not None:
                on_problem(f"{problem}，Telegram 的提醒未發送")
            telegram = None
    senders: dict[str, Send | None] = {
        "line": line_sender(line) if line else None,
        "telegram": telegram_sender(telegram) if telegram else None,
    }

    async def send(account: Account, reply: Reply) -> bool:
        sender = senders.get(account.platform)
        return sender is not None and await sender(account, reply)

    try:
        return await send_reminders(
            store, staff, send, days_ahead=settings.reminder_days_ahead, dry_run=dry_run
        )
    finally:
        for bot in (line, telegram):
            if bot is not None:
                await bot.close()


async def notify_staff(settings: Settings, staff_id: int, text: str) -> int:
    """Tell one staff member something on every chat account they bound; how many got it."""
    from bots import platform_clients

    store = CaseStore.from_settings(settings)
    staff = StaffDirectory(store.engine)
    accounts = [a for a in staff.accounts() if a.staff.id == staff_id and not a.blocked]
    if not accounts:
        return 0
    line, telegram = platform_clients(settings, staff)
    if telegram is not None and await telegram.start():
        telegram = None
    senders: dict[str, Send | None] = {
        "line": line_sender(line) if line else None,
        "telegram": telegram_sender(telegram) if telegram else None,
    }
    delivered = 0
    try:
        for account in accounts:
            sender = senders.get(account.platform)
            if sender is not None and await sender(account, Reply(text=text, intent="notice")):
                delivered += 1
            elif sender is None:
                log.info("no %s client configured for a notice", account.platform)
    finally:
        for bot in (line, telegram):
            if bot is not None:
                await bot.close()
    return delivered
