"""A local OpenAI-compatible server for tests: the real ``openai`` SDK talks to it over HTTP.

It speaks the wire format of ``POST /v1/chat/completions`` (bearer-token check, JSON bodies,
OpenAI-style error objects, 429/5xx statuses) and answers from a script of replies the test
supplies, recording every request it received.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http import serving


@dataclass
class Reply:
    """One scripted answer: content, or an HTTP error, optionally after a delay."""

    content: str | None = None
    status: int = 200
    delay: float = 0.0


Responder = Callable[[dict[str, Any]], Reply]


@dataclass
class FakeOpenAI:
    api_key: str = "sk-test-yishi"
    replies: list[Reply] = field(default_factory=list)
    responder: Responder | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""

    def next_reply(self, body: dict[str, Any]) -> Reply:
        if self.responder is not None:
            return self.responder(body)
        if not self.replies:
            return Reply(status=500, content="no scripted reply left")
        return self.replies.pop(0)

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if method != "POST" or path.rstrip("/") != "/v1/chat/completions":
            return _error(404, f"Unknown path {path}", "invalid_request_error")
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_request_error")
        if not body.get("model") or not isinstance(body.get("messages"), list):
            return _error(400, "model and messages are required", "invalid_request_error")
        self.requests.append(body)
        reply = self.next_reply(body)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.status != 200:
            return _error(
                reply.status,
                reply.content or "error",
                "rate_limit_exceeded" if reply.status == 429 else "server_error",
            )
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion",
            "created": int(time.time()), "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": reply.content}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }  # fmt: skip


def _error(status: int, message: str, kind: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"message": message, "type": kind, "code": None, "param": None}}


@contextmanager
def running_fake_openai(fake: FakeOpenAI | None = None) -> Iterator[FakeOpenAI]:
    """Serve ``fake`` on 127.0.0.1 on a free port for the duration of the block."""
    fake = fake or FakeOpenAI()
    with serving(fake.handle) as url:
        fake.base_url = f"{url}/v1"
        yield fake
