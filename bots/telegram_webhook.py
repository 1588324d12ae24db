"""The Telegram webhook (the only ``telegram`` importer): secret token checked, updates processed.

python-telegram-bot's ``Application`` is fed each update from the webhook (``process_update``);
the ``X-Telegram-Bot-Api-Secret-Token`` header must match the secret set with setWebhook
(missing or wrong → 403). Replies are MarkdownV2, escaped, with inline keyboard buttons.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.helpers import escape_markdown

from bots.conversation import Conversation, IncomingMessage, Reply
from bots.render import TELEGRAM_TEXT_LIMIT, RecentIds, clip
from bots.staff import Account, StaffDirectory

log = logging.getLogger(__name__)


class TelegramBot:
    def __init__(
        self,
        *,
        token: str,
        secret: str,
        base_url: str,
        conversation: Conversation,
        staff: StaffDirectory,
        dispatch: Callable[[tuple[str, Any]], None] | None = None,
    ) -> None:
        self.dispatch = dispatch  # hands updates to the bots' worker process, as for LINE
        self.secret = secret
        self.conversation = conversation
        self.staff = staff
        self.app = Application.builder().token(token).base_url(base_url).updater(None).build()
        self.app.add_handler(MessageHandler(filters.TEXT, self._on_text))
        self.app.add_handler(CallbackQueryHandler(self._on_button))
        self.tasks: set[asyncio.Task[None]] = set()
        self.recent = RecentIds()

    async def start(self) -> None:
        await self.app.initialize()

    async def close(self) -> None:
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.app.shutdown()

    async def handle(self, data: dict[str, Any], secret: str | None) -> int:
        if not secret or not secrets.compare_digest(secret, self.secret):
            return 403
        update_id = data.get("update_id")
        if not isinstance(update_id, int):
            return 400
        if not self.recent.first(str(update_id)):
            return 200
        if self.dispatch is not None:
            self.dispatch(("telegram", data))
            return 200
        task = asyncio.create_task(self.process(data))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return 200

    async def process(self, data: dict[str, Any]) -> None:
        """Handle one accepted update: in this process, or in the bots' worker process."""
        update = Update.de_json(data, self.app.bot)
        if update is None:
            return
        if not await asyncio.to_thread(self.staff.first_delivery, f"telegram:{update.update_id}"):
            return
        try:
            await self.app.process_update(update)
        except Exception:
            log.exception("Telegram update failed")

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_user and update.effective_chat and update.effective_message:
            await self._answer(update, update.effective_message.text or "")

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None:
            await query.answer()
            await self._answer(update, query.data or "")

    async def _answer(self, update: Update, text: str) -> None:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        message = IncomingMessage("telegram", str(user.id), str(chat.id), text)
        reply = await asyncio.to_thread(self.conversation.handle, message)
        try:
            await chat.send_message(**telegram_message(reply))
        except Forbidden:
            self.staff.mark_blocked("telegram", str(user.id))


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


async def send(
    bot_app: Application[Any, Any, Any, Any, Any, Any],
    staff: StaffDirectory,
    user_id: str,
    chat_id: str,
    reply: Reply,
    *,
    attempts: int = 3,
) -> bool:
    for attempt in range(attempts):
        try:
            await bot_app.bot.send_message(chat_id=chat_id, **telegram_message(reply))
            return True
        except Forbidden:
            staff.mark_blocked("telegram", user_id)
            return False
        except TelegramError as exc:
            log.warning("Telegram send failed: %s", exc)
            await asyncio.sleep(0.2 * 2**attempt)
    return False


def telegram_sender(bot: TelegramBot) -> Callable[[Account, Reply], Awaitable[bool]]:
    async def deliver(account: Account, reply: Reply) -> bool:
        return await send(bot.app, bot.staff, account.platform_user_id, account.chat_id, reply)

    return deliver


def router(get_bot: Callable[[], TelegramBot | None]) -> APIRouter:
    routes = APIRouter()

    @routes.post("/telegram/webhook")
    async def webhook(request: Request) -> Response:
        bot = get_bot()
        if bot is None:
            return Response("Telegram 未設定", status_code=503)
        try:
            data = await request.json()
        except ValueError:
            data = None
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if not isinstance(data, dict):
            return Response(status_code=403 if secret != bot.secret else 400)
        status = await bot.handle(data, secret)
        return Response(status_code=status)

    return routes
