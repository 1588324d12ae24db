"""Telegram (the only ``telegram`` importer): the webhook that accepts updates, the bot that answers.

The ``X-Telegram-Bot-Api-Secret-Token`` header must match the secret set with setWebhook; it is
checked before the body is read (missing or wrong → 403), the body is capped, and an update that
is not well-formed JSON of the expected shape gets 400. Accepted messages go to the durable inbox
before Telegram gets its 200. The answer worker sends MarkdownV2 (escaped) with inline buttons
through python-telegram-bot, honouring flood control (``RetryAfter``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.helpers import escape_markdown

from bots.conversation import Reply
from bots.inbox import Inbox, Job
from bots.outcome import GiveUp, RetryLater
from bots.render import TELEGRAM_TEXT_LIMIT, clip, read_capped
from bots.staff import Account, StaffDirectory
from yishi.errors import UpstreamError

log = logging.getLogger(__name__)
GROUP_CHATS = ("group", "supergroup", "channel")


class TelegramWebhook:
    """The web server's side: check the secret, read, store. Holds no API client."""

    def __init__(self, *, secret: str, inbox: Inbox, max_age_seconds: float) -> None:
        self.secret = secret
        self.inbox = inbox
        self.max_age_seconds = max_age_seconds

    def authorised(self, secret: str | None) -> bool:
        return bool(secret) and secrets.compare_digest(secret.encode(), self.secret.encode())  # type: ignore[union-attr]

    def handle(self, body: bytes) -> int:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return 400
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return 400
        try:
            job = self._job(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            return 400
        if job is None:
            return 200  # an update the bot does not answer (an edit, a poll…)
        try:
            self.inbox.accept([job])
        except UpstreamError:
            log.warning("Telegram update refused: the database is unreachable")
            return 503  # not acknowledged: Telegram delivers it again
        return 200

    def _job(self, data: dict[str, Any]) -> Job | None:
        event_id = str(data["update_id"])
        if isinstance(data.get("message"), dict):
            message, sender = data["message"], data["message"].get("from") or {}
            text, callback = message.get("text"), ""
            new_members = message.get("new_chat_members") or []
            kind = "text" if isinstance(text, str) else "join" if new_members else "other"
        elif isinstance(data.get("callback_query"), dict):
            query = data["callback_query"]
            message, sender = query.get("message") or {}, query.get("from") or {}
            text, callback, kind = query.get("data"), str(query.get("id") or ""), "text"
            if not isinstance(text, str):
                return None
        else:
            return None
        chat = message.get("chat") if isinstance(message, dict) else None
        if not isinstance(chat, dict) or "id" not in chat or not isinstance(sender, dict):
            raise ValueError("a message without its chat or sender")
        # A button's message may be old; the press itself is now.
        sent_at = time.time() if callback else float(message.get("date") or time.time())
        if time.time() - sent_at > self.max_age_seconds:
            log.info("Telegram update %s is too old; ignored", event_id)
            return None
        return Job(
            platform="telegram", event_id=event_id, kind=kind, user=str(sender.get("id") or ""),
            chat=str(chat["id"]), group=chat.get("type") in GROUP_CHATS,
            text=text if isinstance(text, str) else "", callback_id=callback, at=sent_at,
        )  # fmt: skip


class TelegramBot:
    """The answer worker's side: python-telegram-bot's Application, initialised with retries."""

    def __init__(self, *, token: str, base_url: str, staff: StaffDirectory) -> None:
        self.staff = staff
        self.app = Application.builder().token(token).base_url(base_url).updater(None).build()
        self.ready = False

    async def start(self) -> str | None:
        """Initialise (getMe); None when ready, else why not (in zh-TW). Safe to call again."""
        if self.ready:
            return await self.probe()
        try:
            await self.app.initialize()
        except InvalidToken:
            return "Telegram 權杖無效"
        except TelegramError as exc:
            return f"無法連線 Telegram（{type(exc).__name__}）"
        self.ready = True
        return None

    async def probe(self) -> str | None:
        try:
            await self.app.bot.get_me()
        except TelegramError as exc:
            return f"無法連線 Telegram（{type(exc).__name__}）"
        return None

    async def close(self) -> None:
        if self.ready:
            await self.app.shutdown()

    async def deliver(self, job: Job, reply: Reply, *, previous_via: str | None) -> str:
        """Send ``reply``; returns how (send, blocked). Raises RetryLater or GiveUp."""
        if not self.ready:
            raise RetryLater(5.0, "Telegram 尚未連線")
        if job.callback_id and previous_via is None:
            try:
                await self.app.bot.answer_callback_query(job.callback_id)
            except TelegramError as exc:  # the button's spinner stops on its own
                log.info("answerCallbackQuery failed: %s", exc)
        # A 403 in a group means the bot was removed, not that this person blocked it.
        return await send(self.app, self.staff, None if job.group else job.user, job.chat, reply)


async def send(
    bot_app: Application[Any, Any, Any, Any, Any, Any],
    staff: StaffDirectory,
    user_id: str | None,
    chat_id: str,
    reply: Reply,
) -> str:
    try:
        await bot_app.bot.send_message(chat_id=chat_id, **telegram_message(reply))
        return "send"
    except RetryAfter as exc:
        raise RetryLater(_seconds(exc), "Telegram 流量限制") from exc
    except Forbidden:
        if user_id is not None:
            staff.mark_blocked("telegram", user_id)
        return "blocked"
    except InvalidToken as exc:
        raise RetryLater(60.0, "Telegram 權杖無效") from exc
    except BadRequest as exc:
        raise GiveUp(f"Telegram 拒絕：{exc.message[:120]}") from exc
    except TelegramError as exc:  # TimedOut, NetworkError: the message may go through later
        raise RetryLater(2.0, f"Telegram 無法連線：{type(exc).__name__}") from exc


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB warns about the int/timedelta change on access
        value = exc.retry_after
    return max(value.total_seconds() if isinstance(value, timedelta) else float(value), 1.0)


def telegram_message(reply: Reply) -> dict[str, Any]:
    """sendMessage arguments: MarkdownV2 text (every reserved character escaped) and buttons."""
    text = clip(reply.text, TELEGRAM_TEXT_LIMIT - 200)
    keyboard = [
        [
            InlineKeyboardButton(
                label[:30], callback_data=label.encode("utf-8")[:64].decode("utf-8", "ignore")
            )
        ]
        for label in reply.quick_replies[:6]
    ]
    return {
        "text": escape_markdown(text, version=2),
        "parse_mode": ParseMode.MARKDOWN_V2,
        "reply_markup": InlineKeyboardMarkup(keyboard) if keyboard else None,
    }


def telegram_sender(bot: TelegramBot) -> Callable[[Account, Reply], Awaitable[bool]]:
    """Reminders, tried a few times (flood control honoured)."""

    async def deliver(account: Account, reply: Reply) -> bool:
        for _attempt in range(3):
            try:
                via = await send(
                    bot.app, bot.staff, account.platform_user_id, account.chat_id, reply
                )
                return via == "send"
            except RetryLater as exc:
                await asyncio.sleep(min(exc.after, 30.0))
            except GiveUp as exc:
                log.warning("Telegram reminder refused: %s", exc.reason)
                return False
        return False

    return deliver


def router(get_webhook: Callable[[], TelegramWebhook | None], *, max_body_bytes: int) -> APIRouter:
    routes = APIRouter()

    @routes.post("/telegram/webhook")
    async def webhook(request: Request) -> Response:
        hook = get_webhook()
        if hook is None:
            return Response("Telegram 未設定", status_code=503)
        if not hook.authorised(request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
            return Response(status_code=403)  # before a byte of the body is read
        body, status = await read_capped(request, max_body_bytes)
        if body is None:
            return Response(status_code=status)
        return Response(status_code=await asyncio.to_thread(hook.handle, body))

    return routes
