"""The LINE webhook (the only ``linebot`` importer): signature first, then parse, reply, push.

LINE signs the raw body (HMAC-SHA256, base64, ``X-Line-Signature``); a request whose signature
does not verify is answered 400 and nothing in it is processed. Events are answered in the
background so LINE gets its 200 at once; a redelivered event (same ``webhookEventId``) is handled
once. Replies use the single-use reply token first and fall back to a push (with a retry key,
so a retried push is never sent twice) when the token has expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    FlexBox,
    FlexBubble,
    FlexCarousel,
    FlexMessage,
    FlexText,
    MessageAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.webhooks import MessageEvent, TextMessageContent
from starlette.requests import ClientDisconnect

from bots.conversation import Conversation, IncomingMessage, Reply
from bots.render import LINE_TEXT_LIMIT, RecentIds, card_lines, clip
from bots.staff import Account, StaffDirectory

log = logging.getLogger(__name__)


class LineBot:
    """Holds the parser and the async API client; create it in the app's lifespan."""

    def __init__(
        self,
        *,
        channel_secret: str,
        access_token: str,
        base_url: str,
        conversation: Conversation,
        staff: StaffDirectory,
        dispatch: Dispatch | None = None,
    ) -> None:
        # ``dispatch`` hands accepted events to a worker process; without one, they are
        # answered here, in this process's event loop.
        self.dispatch = dispatch
        self.parser = WebhookParser(channel_secret)
        self.client = AsyncApiClient(
            Configuration(host=base_url.rstrip("/"), access_token=access_token)
        )
        self.api = AsyncMessagingApi(self.client)
        self.conversation = conversation
        self.staff = staff
        self.tasks: set[asyncio.Task[None]] = set()
        self.recent = RecentIds()

    async def close(self) -> None:
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.client.close()

    async def handle(self, body: str, signature: str) -> int:
        """Verify and accept a webhook request; returns the HTTP status for LINE."""
        try:
            events = self.parser.parse(body, signature)
        except InvalidSignatureError:
            return 400
        except ValueError:
            return 400
        for event in events:
            if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
                if not self.recent.first(event.webhook_event_id):
                    continue  # a redelivery seen by this process; the database catches the rest
                user = event.source.user_id if event.source else None
                if not user:
                    continue
                job = {
                    "event_id": event.webhook_event_id, "user": user,
                    "text": event.message.text, "reply_token": event.reply_token or "",
                }  # fmt: skip
                if self.dispatch is not None:
                    self.dispatch(("line", job))
                    continue
                task = asyncio.create_task(self.answer(job))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
        return 200

    async def answer(self, job: dict[str, str]) -> None:
        """Answer one accepted message: in this process, or in the bots' worker process."""
        user = job["user"]
        if not await asyncio.to_thread(self.staff.first_delivery, f"line:{job['event_id']}"):
            return
        message = IncomingMessage("line", user, user, job["text"])
        loading = asyncio.create_task(self._loading(user))
        try:
            reply = await asyncio.to_thread(self.conversation.handle, message)
        except Exception:  # a broken question must not take the webhook down
            log.exception("LINE message failed")
            reply = Reply("系統暫時無法處理，請稍後再試。", "error")
        loading.cancel()
        messages = line_messages(reply)
        try:
            await self.api.reply_message(
                ReplyMessageRequest(reply_token=job["reply_token"], messages=messages)
            )
        except ApiException as exc:
            if exc.status != 400:
                log.warning("LINE reply failed: %s", exc.status)
            await push(self.api, self.staff, user, messages)

    async def _loading(self, user: str) -> None:
        # Only shown when an answer takes longer than a moment.
        await asyncio.sleep(0.5)
        with contextlib.suppress(ApiException):
            await self.api.show_loading_animation(
                ShowLoadingAnimationRequest(chat_id=user, loading_seconds=5)
            )


async def push(
    api: AsyncMessagingApi,
    staff: StaffDirectory,
    user: str,
    messages: list[object],
    *,
    attempts: int = 3,
) -> bool:
    """Push with one retry key for all attempts: LINE sends it once (409 on a repeat = already sent)."""
    key = str(uuid.uuid4())
    for attempt in range(attempts):
        try:
            await api.push_message(
                PushMessageRequest(to=user, messages=messages), x_line_retry_key=key
            )
            return True
        except ApiException as exc:
            if exc.status == 409:
                return True  # accepted by an earlier attempt
            if exc.status == 403:
                staff.mark_blocked("line", user)
                return False
            if exc.status in (400, 401):
                log.warning("LINE push refused: %s", exc.status)
                return False
            await asyncio.sleep(0.2 * 2**attempt)
    return False


def line_messages(reply: Reply) -> list[object]:
    quick = (
        QuickReply(
            items=[
                QuickReplyItem(action=MessageAction(label=q[:20], text=q))
                for q in reply.quick_replies[:13]
            ]
        )
        if reply.quick_replies
        else None
    )
    text = TextMessage(text=clip(reply.text, LINE_TEXT_LIMIT), quick_reply=quick)
    if len(reply.cards) <= 1 and "\n" in reply.text:
        return [text]
    bubbles = [
        FlexBubble(body=FlexBox(layout="vertical", contents=[
            FlexText(text=line, wrap=True, size="sm" if n else "md", weight="bold" if n == 0 else "regular")
            for n, line in enumerate(card_lines(card))
        ]))
        for card in reply.cards[:10]
    ]  # fmt: skip
    if not bubbles:
        return [text]
    return [
        text,
        FlexMessage(alt_text=clip(reply.text, 400), contents=FlexCarousel(contents=bubbles)),
    ]


def router(get_bot: Callable[[], LineBot | None]) -> APIRouter:
    routes = APIRouter()

    @routes.get("/line/callback")
    async def console_check() -> Response:
        return Response(
            "Yishi 議事助理 LINE webhook 運作中。", media_type="text/plain; charset=utf-8"
        )

    @routes.post("/line/callback")
    async def callback(request: Request) -> Response:
        bot = get_bot()
        if bot is None:
            return Response("LINE 未設定", status_code=503)
        try:
            body = (await request.body()).decode("utf-8", errors="replace")
        except ClientDisconnect:
            return Response(status_code=400)  # the sender gave up mid-request; LINE redelivers
        status = await bot.handle(body, request.headers.get("X-Line-Signature", ""))
        return Response("OK" if status == 200 else "Bad signature", status_code=status)

    return routes


Dispatch = Callable[[tuple[str, Any]], None]


def line_sender(bot: LineBot) -> Callable[[Account, Reply], Awaitable[bool]]:
    """Reminders go out as pushes (each with its retry key)."""

    async def send(account: Account, reply: Reply) -> bool:
        return await push(bot.api, bot.staff, account.platform_user_id, line_messages(reply))

    return send
