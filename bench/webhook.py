"""Webhook benchmark: signed LINE webhooks and Telegram updates against `yishi serve`.

    python bench/webhook.py [--rate 50] [--seconds 60] [--cases 100000]

Starts the local fake LINE and Telegram servers, imports ``--cases`` generated cases, binds 50
staff, runs `yishi serve` (uvicorn, one worker) in its own process, then sends webhooks at a
steady ``--rate`` for ``--seconds`` from one async client: half LINE (signed), half Telegram
(secret token), every one a real question for a bound user. Each webhook is stored in the
database before its 200, then answered by the worker. Reports throughput and p50/p99 latency to
200 OK and from the webhook to its answer reaching the fake platform, for LINE and Telegram.
The baseline, measured in the same run, is the same load against `GET /healthz` of the server.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SECRET, TG_SECRET = "bench-line-secret", "bench-telegram-secret"
QUESTIONS = ["逾期案件", "本週到期", "三天內到期", "我的案件", "說明"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def prepare(env: dict[str, str], cases: int, users: int) -> None:
    script = f"""
import sys; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / "bench")!r})
from pathlib import Path
import tempfile
from cases import generate_csv
from inquiries import CaseStore, import_cases
from bots import StaffDirectory
from yishi.config import get_settings
store = CaseStore.from_settings(get_settings())
path = Path(tempfile.mkdtemp()) / "cases.csv"
generate_csv(path, {cases})
report = import_cases(store, path)
assert report.ok, report.problems[:3]
staff = StaffDirectory(store.engine)
for n in range({users}):
    code = staff.invite(name=f"承辦{{n}}", agency="都發局" if n % 2 else "交通局", role="secretariat" if n % 5 == 0 else "liaison").code
    staff.bind(code, platform="line", platform_user_id=f"U{{n}}", chat_id=f"U{{n}}")
    code = staff.invite(name=f"電報{{n}}", agency="都發局").code
    staff.bind(code, platform="telegram", platform_user_id=str(1000 + n), chat_id=str(1000 + n))
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True)


async def drive(base: str, rate: int, seconds: float, users: int) -> dict[str, Any]:
    ok_latency: list[float] = []
    sent_at: dict[str, float] = {}
    telegram_sent: dict[str, list[float]] = {}  # per chat, in sending order
    statuses: list[int] = []
    async with httpx.AsyncClient(
        base_url=base, timeout=10, limits=httpx.Limits(max_connections=64)
    ) as client:

        async def one(n: int) -> None:
            started = time.monotonic()
            if n % 2 == 0:
                token = f"bench-{n}"
                event = {
                    "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
                    "webhookEventId": f"E{n:012d}", "deliveryContext": {"isRedelivery": False},
                    "source": {"type": "user", "userId": f"U{n % users}"}, "replyToken": token,
                    "message": {"type": "text", "id": str(n), "quoteToken": f"q{n}", "text": QUESTIONS[n % len(QUESTIONS)]},
                }  # fmt: skip
                body = json.dumps(
                    {"destination": "Ubot", "events": [event]}, ensure_ascii=False
                ).encode()
                signature = base64.b64encode(
                    hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
                ).decode()
                sent_at[token] = time.time()
                response = await client.post(
                    "/line/callback",
                    content=body,
                    headers={"X-Line-Signature": signature, "Content-Type": "application/json"},
                )
            else:
                user = 1000 + n % users
                telegram_sent.setdefault(str(user), []).append(time.time())
                update = {
                    "update_id": n,
                    "message": {"message_id": n, "date": int(time.time()), "text": QUESTIONS[n % len(QUESTIONS)],
                                "chat": {"id": user, "type": "private"}, "from": {"id": user, "is_bot": False, "first_name": "x"}},
                }  # fmt: skip
                response = await client.post(
                    "/telegram/webhook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
                )
            statuses.append(response.status_code)
            ok_latency.append((time.monotonic() - started) * 1000)

        async def guarded(n: int) -> None:
            try:
                await one(n)
            except httpx.HTTPError:
                statuses.append(0)  # refused, reset or timed out: counted as a failure

        baseline: list[float] = []  # the same client and rate against GET /healthz
        for _ in range(int(rate * min(seconds, 3))):
            started = time.monotonic()
            await client.get("/healthz")
            baseline.append((time.monotonic() - started) * 1000)
        tasks = []
        began = time.monotonic()
        total = int(rate * seconds)
        for n in range(total):
            delay = began + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(guarded(n)))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - began
        drained_by = time.monotonic() + 300  # wait for the worker to empty its queue
        while time.monotonic() < drained_by:
            health = (await client.get("/healthz")).json()
            if health.get("queue", {}).get("pending", 1) == 0:
                break
            await asyncio.sleep(0.5)
    await asyncio.sleep(1.0)
    return {
        "total": total, "elapsed": elapsed, "ok": statuses.count(200), "failed": statuses.count(0),
        "p50": statistics.median(ok_latency), "p99": pct(ok_latency, 0.99), "sent_at": sent_at,
        "baseline_p50": statistics.median(baseline), "telegram_sent": telegram_sent,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "answers.json"
        # The fake platforms run in a process of their own, so they don't share the load
        # client's interpreter lock.
        fakes = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "_fakes_process.py"), str(record)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert fakes.stdout is not None
        urls = json.loads(fakes.stdout.readline())
        port = free_port()
        env = os.environ | {
            "YISHI_DATA_DIR": tmp, "YISHI_LINE_CHANNEL_SECRET": SECRET, "YISHI_LINE_CHANNEL_ACCESS_TOKEN": "bench-token",
            "YISHI_LINE_API_BASE_URL": urls["line"], "YISHI_TELEGRAM_BOT_TOKEN": urls["token"],
            "YISHI_TELEGRAM_WEBHOOK_SECRET": TG_SECRET, "YISHI_TELEGRAM_API_BASE_URL": urls["telegram"],
        }  # fmt: skip
        print(f"preparing {args.cases:,} cases and {args.users * 2} bound accounts…", flush=True)
        prepare(env, args.cases, args.users)
        server = subprocess.Popen(
            [sys.executable, "-m", "yishi", "serve", "--port", str(port)], env=env
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(150):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            result = asyncio.run(drive(base, args.rate, args.seconds, args.users))
        finally:
            server.terminate()
            server.wait(timeout=90)
            fakes.terminate()
            fakes.wait(timeout=30)
        answers = (
            json.loads(record.read_text()) if record.exists() else {"line": [], "telegram": []}
        )
    sent_at = result["sent_at"]
    reply_latency = [
        (at - sent_at[token]) * 1000 for token, at in answers["line"] if token in sent_at
    ]
    rate = result["total"] / result["elapsed"]
    print(
        f"sent {result['total']:,} webhooks in {result['elapsed']:.1f} s = {rate:.0f}/s; 200 OK: {result['ok']:,}; failed: {result['failed']:,}"
    )
    print(
        f"to 200 OK: p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms (baseline GET /healthz p50 {result['baseline_p50']:.1f} ms)"
    )
    answered = len(answers["line"]) + len(answers["telegram"])
    # Telegram answers carry the chat, not the update: the k-th answer in a chat is taken to be
    # the k-th question sent there (answers may overtake each other by a few milliseconds).
    arrived: dict[str, list[float]] = {}
    for chat, at in answers["telegram"]:
        arrived.setdefault(chat, []).append(at)
    telegram_latency = [
        (got - asked) * 1000
        for chat, times in result["telegram_sent"].items()
        for asked, got in zip(times, sorted(arrived.get(chat, [])), strict=False)
    ]
    print(f"answers received {answered:,} of {result['ok']:,} acknowledged")
    for name, values in (("LINE", reply_latency), ("Telegram", telegram_latency),
                         ("both", reply_latency + telegram_latency)):  # fmt: skip
        if values:
            print(
                f"webhook → {name} answer delivered: p50 {statistics.median(values):.0f} ms, "
                f"p99 {pct(values, 0.99):.0f} ms, max {max(values):.0f} ms"
            )


if __name__ == "__main__":
    main()
