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


def platform_clients(
    settings: Settings, staff: StaffDirectory
) -> tuple[LineBot | None, TelegramBot | None]:
    """The API clients of the platforms whose secrets are set (create them in the event loop)."""
    line = telegram = None
    if settings.line_channel_secret and settings.line_channel_access_token:
        line = LineBot(
            access_token=settings.line_channel_access_token.get_secret_value(),
            base_url=settings.line_api_base_url, staff=staff,
        )  # fmt: skip
    if settings.telegram_bot_token and settings.telegram_webhook_secret:
        telegram = TelegramBot(
            token=settings.telegram_bot_token.get_secret_value(),
            base_url=settings.telegram_api_base_url, staff=staff,
        )  # fmt: skip
    return line, telegram


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
    "platform_clients",
    "send_reminders",
    "similar_from_index",
    "telegram_router",
    "telegram_sender",
]
