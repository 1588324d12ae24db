"""LINE and Telegram bots for staff: case status, deadlines, overdue lists, past replies, reminders."""

from __future__ import annotations

from collections.abc import Callable

from bots.conversation import CaseCard, Conversation, IncomingMessage, Reply
from bots.inbox import Inbox, Job
from bots.line_webhook import LineBot, LineWebhook, line_sender
from bots.line_webhook import router as line_router
from bots.reminders import ReminderReport, digest, send_reminders
from bots.staff import Account, BindLimits, Invitation, Staff, StaffDirectory
from bots.supervisor import Supervisor
from bots.telegram_webhook import TelegramBot, TelegramWebhook, telegram_sender
from bots.telegram_webhook import router as telegram_router
from yishi.config import Settings

Similar = Callable[[str, str | None], list[tuple[str, str, str, str]]]


def similar_from_index(settings: Settings) -> Similar:
    """ "查類似 …": the closest past replies from the retrieval index, opened on first use.

    ``agency`` limits the answer to that agency's past cases (a liaison's own).
    """

    def similar(question: str, agency: str | None) -> list[tuple[str, str, str, str]]:
        import rag

        index = rag.open_index(settings)
        names = {a.code: a.short for a in index.agencies}
        return [
            (h.record.id, names.get(h.record.agency or "", ""), h.record.question, h.record.reply)
            for h in rag.search(question, k=3, agency=agency, index=index)
        ]

    return similar


__all__ = [
    "Account",
    "BindLimits",
    "CaseCard",
    "Conversation",
    "Inbox",
    "IncomingMessage",
    "Invitation",
    "Job",
    "LineBot",
    "LineWebhook",
    "ReminderReport",
    "Reply",
    "Staff",
    "StaffDirectory",
    "Supervisor",
    "TelegramBot",
    "TelegramWebhook",
    "digest",
    "line_router",
    "line_sender",
    "send_reminders",
    "similar_from_index",
    "telegram_router",
    "telegram_sender",
]
