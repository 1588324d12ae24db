"""LINE and Telegram bots for staff: case status, deadlines, overdue lists, past replies, reminders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bots.conversation import CaseCard, Conversation, IncomingMessage, Reply
from bots.line_webhook import LineBot, line_sender
from bots.line_webhook import router as line_router
from bots.reminders import ReminderReport, digest, send_reminders
from bots.staff import Account, Invitation, Staff, StaffDirectory
from bots.telegram_webhook import TelegramBot, telegram_sender
from bots.telegram_webhook import router as telegram_router
from inquiries import CaseStore
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


@dataclass(frozen=True)
class Bots:
    """The bots the settings configure (either may be absent), sharing one conversation."""

    line: LineBot | None
    telegram: TelegramBot | None

    async def close(self) -> None:
        for bot in (self.line, self.telegram):
            if bot is not None:
                await bot.close()


async def start_bots(settings: Settings, *, dispatch: Callable[[Any], None] | None = None) -> Bots:
    """Open the store and start the LINE and Telegram bots whose secrets are set.

    ``dispatch`` hands accepted messages to the answer worker instead of answering in place.
    The SDK clients hold connection pools bound to the running event loop: call this inside it.
    """
    store = CaseStore.from_settings(settings)
    staff = StaffDirectory(store.engine)
    conversation = Conversation(store, staff, similar=similar_from_index(settings))
    line = telegram = None
    if settings.line_channel_secret and settings.line_channel_access_token:
        line = LineBot(
            channel_secret=settings.line_channel_secret.get_secret_value(),
            access_token=settings.line_channel_access_token.get_secret_value(),
            base_url=settings.line_api_base_url,
            conversation=conversation,
            staff=staff,
            dispatch=dispatch,
        )
    if settings.telegram_bot_token and settings.telegram_webhook_secret:
        telegram = TelegramBot(
            token=settings.telegram_bot_token.get_secret_value(),
            secret=settings.telegram_webhook_secret.get_secret_value(),
            base_url=settings.telegram_api_base_url,
            conversation=conversation,
            staff=staff,
            dispatch=dispatch,
        )
        await telegram.start()
    return Bots(line, telegram)


__all__ = [
    "Account",
    "Bots",
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
    "start_bots",
    "telegram_router",
    "telegram_sender",
]
