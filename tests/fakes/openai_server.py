"""A local OpenAI-compatible server for tests: the real ``openai`` SDK talks to it over HTTP.

It speaks the wire format of ``POST /v1/chat/completions`` (bearer-token check, JSON bodies,
OpenAI-style error objects, 429/5xx statuses) and answers from a script of replies the test
supplies, recording every request it received.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); a real server would log and move on

        def _error(self, status: int, message: str, kind: str) -> None:
            self._send(
                status, {"error": {"message": message, "type": kind, "code": None, "param": None}}
            )

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._error(404, f"Unknown path {self.path}", "invalid_request_error")
                return
            if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                self._error(401, "Incorrect API key provided.", "invalid_request_error")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not body.get("model") or not isinstance(body.get("messages"), list):
                self._error(400, "model and messages are required", "invalid_request_error")
                return
            fake.requests.append(body)
            reply = fake.next_reply(body)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.status != 200:
                kind = "rate_limit_exceeded" if reply.status == 429 else "server_error"
                self._error(reply.status, reply.content or "error", kind)
                return
            self._send(200, {
                "id": f"chatcmpl-{len(fake.requests)}", "object": "chat.completion",
                "created": int(time.time()), "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": reply.content}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            })  # fmt: skip

    return Handler


@contextmanager
def running_fake_openai(fake: FakeOpenAI | None = None) -> Iterator[FakeOpenAI]:
    """Serve ``fake`` on 127.0.0.1 on a free port for the duration of the block."""
    fake = fake or FakeOpenAI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
