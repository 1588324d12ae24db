"""Webhook benchmark: signed LINE webhooks and Telegram updates against `yishi serve`.

    python bench/webhook.py [--rate 300] [--seconds 10] [--cases 100000]

Starts the local fake LINE and Telegram servers, imports ``--cases`` generated cases, binds 50
staff, runs `yishi serve` (uvicorn, one worker) in its own process, then sends webhooks at a
steady ``--rate`` for ``--seconds`` from one async client: half LINE (signed), half Telegram
(secret token), every one a real question for a bound user. Reports throughput and p50/p99
latency to 200 OK and to the answer reaching the fake platform. The baseline, measured in the
same run, is the same load against `GET /healthz` of the same server.
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

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.line_server import running_fake_line  # noqa: E402
from tests.fakes.telegram_server import running_fake_telegram  # noqa: E402

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


async def drive(
    base: str, rate: int, seconds: float, users: int, line, telegram
) -> dict[str, object]:  # type: ignore[no-untyped-def]
    ok_latency: list[float] = []
    sent_at: dict[str, float] = {}
    statuses: list[int] = []
    async with httpx.AsyncClient(
        base_url=base, timeout=10, limits=httpx.Limits(max_connections=64)
    ) as client:

        async def one(n: int) -> None:
            started = time.monotonic()
            if n % 2 == 0:
                token = line.issue_reply_token(f"bench-{n}")
                event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000), "webhookEventId": f"E{n:012d}",
                         "deliveryContext": {"isRedelivery": False}, "source": {"type": "user", "userId": f"U{n % users}"},
                         "replyToken": token, "message": {"type": "text", "id": str(n), "quoteToken": f"q{n}", "text": QUESTIONS[n % len(QUESTIONS)]}}  # fmt: skip
                body = json.dumps(
                    {"destination": "Ubot", "events": [event]}, ensure_ascii=False
                ).encode()
                signature = base64.b64encode(
                    hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
                ).decode()
                sent_at[token] = started
                response = await client.post(
                    "/line/callback",
                    content=body,
                    headers={"X-Line-Signature": signature, "Content-Type": "application/json"},
                )
            else:
                user = 1000 + n % users
                update = {"update_id": n, "message": {"message_id": n, "date": int(time.time()), "text": QUESTIONS[n % len(QUESTIONS)],
                          "chat": {"id": user, "type": "private"}, "from": {"id": user, "is_bot": False, "first_name": "x"}}}  # fmt: skip
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

        async def health() -> None:
            await client.get("/healthz")

        # Baseline: the same rate against /healthz.
        baseline: list[float] = []
        for _ in range(int(rate * min(seconds, 3))):
            started = time.monotonic()
            await asyncio.gather(health())
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
    deadline = time.monotonic() + 60
    expected_line = (total + 1) // 2
    while time.monotonic() < deadline and (
        len(line.sent) < expected_line or len(telegram.sent) < total // 2
    ):
        await asyncio.sleep(0.1)
    reply_latency = [
        (s["at"] - sent_at[s["token"]]) * 1000 for s in line.sent if s.get("token") in sent_at
    ]
    _ = expected_line
    return {"total": total, "elapsed": elapsed, "ok": statuses.count(200), "failed": statuses.count(0), "p50": statistics.median(ok_latency), "p99": pct(ok_latency, 0.99),
            "reply_p50": statistics.median(reply_latency) if reply_latency else float("nan"), "reply_p99": pct(reply_latency, 0.99),
            "answered": len(line.sent) + len(telegram.sent), "baseline_p50": statistics.median(baseline)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_fake_line() as line,
        running_fake_telegram() as telegram,
    ):
        line.access_token = "bench-token"
        port = free_port()
        env = os.environ | {
            "YISHI_DATA_DIR": tmp, "YISHI_LINE_CHANNEL_SECRET": SECRET, "YISHI_LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
            "YISHI_LINE_API_BASE_URL": line.base_url, "YISHI_TELEGRAM_BOT_TOKEN": telegram.token,
            "YISHI_TELEGRAM_WEBHOOK_SECRET": TG_SECRET, "YISHI_TELEGRAM_API_BASE_URL": telegram.base_url,
        }  # fmt: skip
        print(f"preparing {args.cases:,} cases and {args.users * 2} bound accounts…", flush=True)
        prepare(env, args.cases, args.users)
        server = subprocess.Popen(
            [sys.executable, "-m", "yishi", "serve", "--port", str(port)], env=env
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            result = asyncio.run(drive(base, args.rate, args.seconds, args.users, line, telegram))
        finally:
            server.terminate()
            server.wait(timeout=30)
    rate = result["total"] / result["elapsed"]  # type: ignore[operator]
    print(
        f"sent {result['total']:,} webhooks in {result['elapsed']:.1f} s = {rate:.0f}/s; 200 OK: {result['ok']:,}"
    )
    print(
        f"to 200 OK: p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms (baseline GET /healthz p50 {result['baseline_p50']:.1f} ms)"
    )
    print(
        f"to the LINE answer reaching the fake: p50 {result['reply_p50']:.0f} ms, p99 {result['reply_p99']:.0f} ms; answers received {result['answered']:,}"
    )


if __name__ == "__main__":
    main()
