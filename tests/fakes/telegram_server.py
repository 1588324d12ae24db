"""A local Telegram Bot API: /bot<token>/<method>, getMe, sendMessage (MarkdownV2 checked),
answerCallbackQuery, 401 for a wrong token, 403 for a user who blocked the bot, and outages
(502 for every call, or 429 flood control with retry_after) switched on for a while."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http import serving

RESERVED = r"_*[]()~`>#+-=|{}.!"


@dataclass
class FakeTelegram:
    token: str = "123456:telegram-test-token"
    blocked: set[str] = field(default_factory=set)
    sent: list[dict[str, Any]] = field(default_factory=list)
    unavailable_until: float = 0.0  # monotonic time; 502 Bad Gateway until then
    flood_until: float = 0.0  # sendMessage answers 429 with retry_after until then
    refused: int = 0
    base_url: str = ""

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if match.group(1) != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        name = match.group(2)
        now = time.monotonic()
        if now < self.unavailable_until:
            self.refused += 1
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        if name == "sendMessage" and now < self.flood_until:
            self.refused += 1
            wait = max(int(self.flood_until - now + 0.999), 1)
            return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {wait}",
                         "parameters": {"retry_after": wait}}  # fmt: skip
        if name == "getMe":
            return 200, {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "議事助理", "username": "yishi_bot",
                                               "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}}  # fmt: skip
        if name == "answerCallbackQuery":
            return 200, {"ok": True, "result": True}
        if name == "sendMessage":
            chat_id, text = str(body.get("chat_id", "")), body.get("text", "")
            if not chat_id or not text:
                return 400, {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: message text is empty",
                }
            if chat_id in self.blocked:
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            if body.get("parse_mode") == "MarkdownV2" and _unescaped(text):
                return 400, {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: can't parse entities",
                }
            markup = (
                json.loads(body["reply_markup"])
                if isinstance(body.get("reply_markup"), str)
                else body.get("reply_markup")
            )
            self.sent.append(
                {"chat_id": chat_id, "text": text, "reply_markup": markup, "at": time.monotonic()}
            )
            return 200, {"ok": True, "result": {"message_id": len(self.sent), "date": int(time.time()),
                                               "chat": {"id": int(chat_id), "type": "private"}, "text": text}}  # fmt: skip
        return 400, {
            "ok": False,
            "error_code": 400,
            "description": f"Bad Request: method {name} not supported here",
        }

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.sent


def _unescaped(text: str) -> bool:
    """A reserved MarkdownV2 character without its backslash (Telegram refuses such text)."""
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in RESERVED:
            return True
    return False


@contextmanager
def running_fake_telegram(fake: FakeTelegram | None = None) -> Iterator[FakeTelegram]:
    fake = fake or FakeTelegram()
    with serving(fake.handle) as url:
        fake.base_url = f"{url}/bot"
        yield fake
