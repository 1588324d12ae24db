"""LINE (the only ``linebot`` importer): the webhook that accepts messages, the client that answers.

LINE signs the raw body (HMAC-SHA256, base64, ``X-Line-Signature``); a request whose signature
does not verify is answered 400 and nothing in it is processed, and so is any signed body that
is not a well-formed webhook. Accepted messages go to the durable inbox before LINE gets its
200; the answer worker replies with the single-use reply token and falls back to a push whose
``X-Line-Retry-Key`` is derived from the event, so a repeated push is never shown twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
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
from linebot.v3.webhooks import (
    GroupSource,
    JoinEvent,
    MessageEvent,
    RoomSource,
    TextMessageContent,
    UserSource,
)

from bots.conversation import Reply
from bots.inbox import Inbox, Job
from bots.outcome import GiveUp, RetryLater
from bots.render import LINE_TEXT_LIMIT, card_lines, clip, read_capped
from bots.staff import Account, StaffDirectory
from yishi.errors import UpstreamError

log = logging.getLogger(__name__)
RETRY_KEYS = uuid.UUID("6f0d8b7e-3a51-4c1e-9f59-0a7c2d1e4b11")  # namespace for event → retry key


class LineWebhook:
    """The web server's side: verify, read, store. Holds no API client."""

    def __init__(self, *, channel_secret: str, inbox: Inbox, max_age_seconds: float) -> None:
        self.parser = WebhookParser(channel_secret)
        self.inbox = inbox
        self.max_age_seconds = max_age_seconds

    def handle(self, body: bytes, signature: str) -> int:
        """Verify and store a webhook request; returns the HTTP status for LINE."""
        try:
            text = body.decode("utf-8")
            events = self.parser.parse(text, signature)
        except InvalidSignatureError:
            return 400
        except Exception:  # signed, but not a webhook body: {}, an event without its type…
            log.info("LINE webhook body is malformed", exc_info=True)
            return 400
        if not isinstance(events, list):
            return 400
        jobs = [job for job in (self._job(event) for event in events) if job is not None]
        try:
            self.inbox.accept(jobs)
        except UpstreamError:
            log.warning("LINE webhook refused: the database is unreachable")
            return 503  # not acknowledged: LINE delivers it again
        return 200

    def _job(self, event: Any) -> Job | None:
        if not isinstance(event, MessageEvent | JoinEvent) or not event.webhook_event_id:
            return None
        sent_at = (event.timestamp or 0) / 1000
        if time.time() - sent_at > self.max_age_seconds:
            log.info("LINE event %s is too old; ignored", event.webhook_event_id)
            return None
        source = event.source
        group = isinstance(source, GroupSource | RoomSource)
        chat = (
            source.group_id
            if isinstance(source, GroupSource)
            else source.room_id
            if isinstance(source, RoomSource)
            else source.user_id
            if isinstance(source, UserSource)
            else None
        )
        user = getattr(source, "user_id", None) or ""
        if not chat or (not group and not user):
            return None
        if isinstance(event, JoinEvent):
            kind, text = "join", ""
        elif isinstance(event.message, TextMessageContent):
            kind, text = "text", event.message.text or ""
        else:
            kind, text = "other", ""
        return Job(
            platform="line", event_id=event.webhook_event_id, kind=kind, user=user, chat=chat,
            group=group, text=text, reply_token=event.reply_token or "", at=sent_at,
        )  # fmt: skip


class LineBot:
    """The answer worker's side: the async Messaging API client; create it in the event loop."""

    def __init__(self, *, access_token: str, base_url: str, staff: StaffDirectory) -> None:
        self.client = AsyncApiClient(
            Configuration(host=base_url.rstrip("/"), access_token=access_token)
        )
        self.api = AsyncMessagingApi(self.client)
        self.staff = staff

    async def close(self) -> None:
        await self.client.close()

    async def probe(self) -> str | None:
        """None when LINE answers with this channel's token, else why not (in zh-TW)."""
        try:
            await self.api.get_bot_info()
        except ApiException as exc:
            return f"LINE 回應 {exc.status}"
        except Exception as exc:  # connection refused, DNS, TLS, timeout
            return f"無法連線 LINE（{type(exc).__name__}）"
        return None

    def loading(self, job: Job) -> Callable[[], Awaitable[None]]:
        """Show the typing animation in a one-to-one chat (an answer is on its way)."""

        async def show() -> None:
            if job.group or not job.user:
                return
            with contextlib.suppress(Exception):
                await self.api.show_loading_animation(
                    ShowLoadingAnimationRequest(chat_id=job.user, loading_seconds=5)
                )

        return show

    async def deliver(self, job: Job, reply: Reply, *, previous_via: str | None) -> str:
        """Send ``reply``; returns how (reply, push, blocked). Raises RetryLater or GiveUp."""
        messages = line_messages(reply)
        if job.reply_token and previous_via in (None, "reply"):
            try:
                await self.api.reply_message(
                    ReplyMessageRequest(reply_token=job.reply_token, messages=messages)
                )
                return "reply"
            except ApiException as exc:
                if exc.status != 400:  # 400: the token expired or was used; push instead
                    raise _retry_or_give_up(exc) from exc
            except Exception as exc:
                raise RetryLater(2.0, f"LINE 無法連線：{type(exc).__name__}") from exc
        key = str(uuid.uuid5(RETRY_KEYS, f"{job.event_id}"))
        # A 403 in a group means the bot left it, not that this person blocked the bot.
        who = None if job.group else job.user
        return await push(self.api, self.staff, job.chat, messages, retry_key=key, user=who)


async def push(
    api: AsyncMessagingApi,
    staff: StaffDirectory,
    to: str,
    messages: list[object],
    *,
    retry_key: str,
    user: str | None = None,
) -> str:
    """One push; LINE sends a retry key's message once (409 on a repeat = already sent)."""
    try:
        await api.push_message(
            PushMessageRequest(to=to, messages=messages), x_line_retry_key=retry_key
        )
        return "push"
    except ApiException as exc:
        if exc.status == 409:
            return "push"  # accepted by an earlier attempt
        if exc.status == 403:
            if user is not None:
                staff.mark_blocked("line", user)
            return "blocked"
        raise _retry_or_give_up(exc) from exc
    except Exception as exc:
        raise RetryLater(2.0, f"LINE 無法連線：{type(exc).__name__}") from exc


def _retry_or_give_up(exc: ApiException) -> Exception:
    status = int(exc.status or 0)
    if status == 429 or status >= 500 or status == 0:
        after = _retry_after(exc)
        return RetryLater(after, f"LINE 回應 {status}")
    if status == 401:  # an expired or rotated channel token: kept until it is fixed
        return RetryLater(60.0, "LINE 存取權杖無效")
    return GiveUp(f"LINE 拒絕：{status} {str(exc.body or '')[:120]}")


def _retry_after(exc: ApiException) -> float:
    headers = exc.headers or {}
    with contextlib.suppress(TypeError, ValueError):
        return max(float(headers.get("Retry-After") or headers.get("retry-after") or 0), 1.0)
    return 1.0


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


def router(get_webhook: Callable[[], LineWebhook | None], *, max_body_bytes: int) -> APIRouter:
    routes = APIRouter()

    @routes.get("/line/callback")
    async def console_check() -> Response:
        return Response(
            "Yishi 議事助理 LINE webhook 運作中。", media_type="text/plain; charset=utf-8"
        )

    @routes.post("/line/callback")
    async def callback(request: Request) -> Response:
        webhook = get_webhook()
        if webhook is None:
            return Response("LINE 未設定", status_code=503)
        signature = request.headers.get("X-Line-Signature", "")
        if not signature:
            return Response("Bad signature", status_code=400)
        body, status = await read_capped(request, max_body_bytes)
        if body is None:
            return Response(status_code=status)
        status = await asyncio.to_thread(webhook.handle, body, signature)
        text = {200: "OK", 400: "Bad request", 503: "Try again later"}.get(status, "")
        return Response(text, status_code=status)

    return routes


def line_sender(bot: LineBot) -> Callable[[Account, Reply], Awaitable[bool]]:
    """Reminders go out as pushes, each with its own retry key, tried a few times."""

    async def send(account: Account, reply: Reply) -> bool:
        key, messages = str(uuid.uuid4()), line_messages(reply)
        for attempt in range(3):
            try:
                to = account.platform_user_id
                via = await push(bot.api, bot.staff, to, messages, retry_key=key, user=to)
                return via == "push"
            except RetryLater:
                await asyncio.sleep(0.2 * 2**attempt)
            except GiveUp as exc:
                log.warning("LINE reminder refused: %s", exc.reason)
                return False
        return False

    return send
