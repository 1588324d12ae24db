"""A local LINE Messaging API: bearer token, request shapes, single-use expiring reply tokens,
409 on a reused X-Line-Retry-Key, 403 for a user who blocked the bot, bot info, and outages
(500 for every call, or 429 for sends) switched on for a while."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http import serving

TEXT_LIMIT = 5000


@dataclass
class FakeLine:
    access_token: str = "line-test-token"
    tokens: dict[str, float] = field(default_factory=dict)  # reply token → expiry time
    retry_keys: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)
    sent: list[dict[str, Any]] = field(
        default_factory=list
    )  # {"via": "reply"|"push", "to", "messages"}
    loading: list[str] = field(default_factory=list)
    retry_headers: list[str | None] = field(default_factory=list)
    # Accept a push, then answer 500 as if the response was lost: the client must retry with
    # the same X-Line-Retry-Key, and LINE answers 409 instead of sending twice.
    lose_responses: int = 0
    # Until these monotonic times, every call answers 500, or sends answer 429 (rate limit).
    unavailable_until: float = 0.0
    rate_limited_until: float = 0.0
    refused: int = 0  # calls answered 500 or 429
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_reply_token(self, token: str, *, ttl: float = 30.0) -> str:
        self.tokens[token] = time.monotonic() + ttl
        return token

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if headers.get("Authorization") != f"Bearer {self.access_token}":
            return 401, {
                "message": "Authentication failed. Confirm that the access token in the authorization header is valid."
            }
        if time.monotonic() < self.unavailable_until:
            self.refused += 1
            return 500, {"message": "An error occurred in the internal server"}
        if method == "GET" and path == "/v2/bot/info":
            return 200, {"userId": "Ubot0001", "basicId": "@123yishi", "displayName": "議事助理",
                         "chatMode": "bot", "markAsReadMode": "auto"}  # fmt: skip
        if method == "POST" and path == "/v2/bot/chat/loading/start":
            if not body.get("chatId"):
                return 400, {
                    "message": "The request body has 1 error(s)",
                    "details": [{"property": "chatId", "message": "must be specified"}],
                }
            self.loading.append(body["chatId"])
            return 202, {}
        if method == "POST" and path in ("/v2/bot/message/reply", "/v2/bot/message/push"):
            if time.monotonic() < self.rate_limited_until:
                self.refused += 1
                return 429, {"message": "The API rate limit has been exceeded. Try again later."}
            problem = _check_messages(body.get("messages"))
            if problem:
                return 400, {"message": problem}
            with self.lock:
                if path.endswith("reply"):
                    expiry = self.tokens.pop(body.get("replyToken", ""), None)
                    if expiry is None or expiry < time.monotonic():
                        return 400, {"message": "Invalid reply token"}
                    self.sent.append({"via": "reply", "to": None, "messages": body["messages"],
                                      "token": body.get("replyToken"), "at": time.monotonic(),
                                      "key": None})  # fmt: skip
                    return 200, {"sentMessages": [{"id": str(len(self.sent))}]}
                key = headers.get("X-Line-Retry-Key")
                self.retry_headers.append(key)
                if key and key in self.retry_keys:
                    return 409, {"message": "The retry key is already accepted"}
                if body.get("to") in self.blocked:
                    return 403, {"message": "You can't send messages to this user"}
                if key:
                    self.retry_keys.add(key)
                self.sent.append(
                    {"via": "push", "to": body.get("to"), "messages": body["messages"],
                     "at": time.monotonic(), "key": key}
                )  # fmt: skip
                if self.lose_responses > 0:
                    self.lose_responses -= 1
                    return 500, {"message": "An error occurred in the internal server"}
                return 200, {"sentMessages": [{"id": str(len(self.sent))}]}
        return 404, {"message": "Not found"}

    def texts(self) -> list[str]:
        return [m["text"] for s in self.sent for m in s["messages"] if m.get("type") == "text"]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.sent


def _check_messages(messages: Any) -> str | None:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return "messages must be 1 to 5"
    for message in messages:
        kind = message.get("type")
        if kind == "text":
            if not message.get("text") or len(message["text"]) > TEXT_LIMIT:
                return "text must be 1 to 5000 characters"
        elif kind == "flex":
            if not message.get("altText") or "contents" not in message:
                return "flex needs altText and contents"
        else:
            return f"unsupported message type {kind}"
    return None


@contextmanager
def running_fake_line(fake: FakeLine | None = None) -> Iterator[FakeLine]:
    fake = fake or FakeLine()
    with serving(fake.handle) as url:
        fake.base_url = url
        yield fake
