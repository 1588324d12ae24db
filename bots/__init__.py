"""LINE and Telegram bots for staff: case status, deadlines, overdue lists, past replies, reminders."""

from __future__ import annotations

from collections.abc import Callable

from bots.conversation import CaseCard, Conversation, IncomingMessage, Reply
from bots.line_webhook import LineBot, line_sender
from bots.line_webhook import router as line_router
from bots.reminders import ReminderReport, digest, send_reminders
from bots.staff import Account, Invitation, Staff, StaffDirectory
from bots.telegram_webhook import TelegramBot, telegram_sender
from bots.telegram_webhook import router as telegram_router
from yishi.config import Settings


def similar_from_index(settings: Settings) -> Callable[[str], list[tuple[str, str, str, str]]]:
    """ "查類似 …": the closest past replies from the retrieval index, opened on first use."""

    def similar(question: str) -> list[tuple[str, str, str, str]]:
        import rag

        index = rag.open_index(settings)
        names = {a.code: a.short for a in index.agencies}
        return [
            (h.record.id, names.get(h.record.agency or "", ""), h.record.question, h.record.reply)
            for h in rag.search(question, k=3, index=index)
        ]

    return similar


__all__ = [
    "Account",
    "CaseCard",
    "Conversation",
    "IncomingMessage",
    "Invitation",
    "LineBot",
    "ReminderReport",
    "Reply",
    "Staff",
    "StaffDirectory",
    "TelegramBot",
    "digest",
    "line_router",
    "line_sender",
    "send_reminders",
    "similar_from_index",
    "telegram_router",
    "telegram_sender",
]
