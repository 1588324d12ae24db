"""`yishi serve` as staff run it, the fake platforms, and a sender that behaves like LINE and
Telegram: it delivers each webhook again until it is acknowledged with a 200."""

from __future__ import annotations

import base64
import collections
import contextlib
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.line_server import FakeLine, running_fake_line
from tests.fakes.telegram_server import FakeTelegram, running_fake_telegram

LINE_SECRET, TELEGRAM_SECRET = "fault-line-secret", "fault-telegram-secret"
RETRY_KEYS = uuid.UUID("6f0d8b7e-3a51-4c1e-9f59-0a7c2d1e4b11")  # as bots.line_webhook derives keys


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Platforms:
    line: FakeLine
    telegram: FakeTelegram


@contextmanager
def platforms() -> Iterator[Platforms]:
    with running_fake_line() as line, running_fake_telegram() as telegram:
        yield Platforms(line, telegram)


class Server:
    """`python -m yishi serve` in its own process group (its worker is a child of it)."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(env["YISHI_DATA_DIR"]) / "server.log"

    def start(self, *, timeout: float = 60.0) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "yishi", "serve", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]
            health = self.health()
            if health and health.get("worker", {}).get("state") == "ok":
                return
            time.sleep(0.1)
        raise AssertionError(f"server did not become healthy:\n{self.log.read_text()[-3000:]}")

    def health(self) -> dict[str, Any] | None:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).json()  # type: ignore[no-any-return]
        except (httpx.HTTPError, ValueError):
            return None

    def kill(self) -> None:
        """SIGKILL the web server alone, as a crash or an OOM kill would (its worker notices)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):  # nothing of it may outlive the test
                os.killpg(self.process.pid, signal.SIGKILL)


def server_env(data_dir: Path, fakes: Platforms, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YISHI_")}
    env |= {
        "YISHI_DATA_DIR": str(data_dir), "YISHI_CACHE_DIR": os.environ.get("YISHI_CACHE_DIR", ""),
        "YISHI_TODAY": os.environ.get("YISHI_TODAY", ""),
        "YISHI_LINE_CHANNEL_SECRET": LINE_SECRET, "YISHI_LINE_CHANNEL_ACCESS_TOKEN": fakes.line.access_token,
        "YISHI_LINE_API_BASE_URL": fakes.line.base_url, "YISHI_TELEGRAM_BOT_TOKEN": fakes.telegram.token,
        "YISHI_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET, "YISHI_TELEGRAM_API_BASE_URL": fakes.telegram.base_url,
        "YISHI_BOT_LEASE_SECONDS": "10", "YISHI_BOT_STALL_SECONDS": "10",
    }  # fmt: skip
    return env | extra


@dataclass
class Delivery:
    """One webhook the platform must get acknowledged: LINE events and Telegram updates."""

    platform: str
    body: bytes
    headers: dict[str, str]
    answer_key: str  # LINE: the reply token; Telegram: the chat id (one chat per update)
    push_key: str = ""  # LINE: the X-Line-Retry-Key the answer worker derives from the event
    acknowledged: bool = False
    tries: int = 0


def line_delivery(fake: FakeLine, number: int, user: str, text: str) -> Delivery:
    event_id = f"01FAULT{number:012d}"
    token = fake.issue_reply_token(f"fault-reply-{number}", ttl=3600)
    event = {
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "webhookEventId": event_id, "deliveryContext": {"isRedelivery": False},
        "source": {"type": "user", "userId": user}, "replyToken": token,
        "message": {"type": "text", "id": str(number), "quoteToken": f"q{number}", "text": text},
    }  # fmt: skip
    body = json.dumps({"destination": "Ubot", "events": [event]}, ensure_ascii=False).encode()
    signature = base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest())
    headers = {"X-Line-Signature": signature.decode(), "Content-Type": "application/json"}
    key = str(uuid.uuid5(RETRY_KEYS, event_id))
    return Delivery("line", body, headers, token, key)


def telegram_delivery(number: int, text: str) -> Delivery:
    chat = 900_000 + number
    update = {
        "update_id": 700_000 + number,
        "message": {
            "message_id": number, "date": int(time.time()), "text": text,
            "chat": {"id": chat, "type": "private", "first_name": "測"},
            "from": {"id": chat, "is_bot": False, "first_name": "測"},
        },
    }  # fmt: skip
    headers = {
        "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
        "Content-Type": "application/json",
    }
    return Delivery("telegram", json.dumps(update, ensure_ascii=False).encode(), headers, str(chat))


class Sender:
    """Posts every delivery at ``rate`` per second, and again (as the platforms do) until a 200."""

    def __init__(self, url: str, deliveries: list[Delivery], *, rate: float) -> None:
        self.url, self.deliveries, self.rate = url, deliveries, rate
        self.statuses: collections.Counter[int] = collections.Counter()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def join(self, timeout: float) -> None:
        self.thread.join(timeout)

    def _run(self) -> None:
        queue = collections.deque(self.deliveries)
        with httpx.Client(timeout=5) as client:
            while queue:
                delivery = queue.popleft()
                delivery.tries += 1
                path = "/line/callback" if delivery.platform == "line" else "/telegram/webhook"
                try:
                    status = client.post(self.url + path, content=delivery.body,
                                         headers=delivery.headers).status_code  # fmt: skip
                except httpx.HTTPError:
                    status = 0
                self.statuses[status] += 1
                if status == 200:
                    delivery.acknowledged = True
                else:
                    queue.append(delivery)  # redelivered later
                    if status == 0 or status >= 500:
                        time.sleep(0.05)
                time.sleep(1 / self.rate)


def answers(fakes: Platforms) -> collections.Counter[str]:
    """How many times each delivery's answer reached its platform (by reply token, key, chat)."""
    counted: collections.Counter[str] = collections.Counter()
    for sent in list(fakes.line.sent):
        counted[sent.get("token") or sent.get("key") or ""] += 1
    for sent in list(fakes.telegram.sent):
        counted[sent["chat_id"]] += 1
    return counted


def answered(delivery: Delivery, counted: collections.Counter[str]) -> int:
    return counted[delivery.answer_key] + (counted[delivery.push_key] if delivery.push_key else 0)


def wait_until_answered(
    fakes: Platforms, deliveries: list[Delivery], timeout: float
) -> list[Delivery]:
    """The acknowledged deliveries still unanswered when answers stop coming or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        counted = answers(fakes)
        missing = [d for d in deliveries if d.acknowledged and answered(d, counted) == 0]
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.2)


@dataclass
class Ledger:
    """What the inbox recorded: rows per state, and the ids whose send was begun more than once."""

    states: dict[str, int] = field(default_factory=dict)
    resent: set[str] = field(default_factory=set)


def ledger(database_url: str) -> Ledger:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            states = dict(
                connection.execute(
                    text("SELECT state, count(*) FROM bot_inbox GROUP BY state")
                ).all()
            )
            resent = {
                f"{platform}:{event}"
                for platform, event in connection.execute(
                    text("SELECT platform, event_id FROM bot_inbox WHERE send_attempts > 1")
                )
            }
    finally:
        engine.dispose()
    return Ledger(states, resent)


def event_key(delivery: Delivery) -> str:
    data = json.loads(delivery.body)
    if delivery.platform == "line":
        return f"line:{data['events'][0]['webhookEventId']}"
    return f"telegram:{data['update_id']}"
