"""Daily reminders through the real SDKs to the fake platforms, run as staff would: `yishi remind`."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from bots import LineBot, Reply, StaffDirectory, digest, line_sender
from inquiries import CaseStore
from tests.bots.test_webhooks import LINE_SECRET, TELEGRAM_SECRET
from tests.fakes.line_server import running_fake_line
from tests.fakes.telegram_server import running_fake_telegram


def remind(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yishi", "remind", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_digest_per_role(store: CaseStore, staff: StaffDirectory) -> None:
    liaison = staff.invite(name="林承辦", agency="交通局").staff
    boss = staff.invite(name="秘書", agency="秘書處", role="secretariat").staff
    mine = digest(store, liaison, days_ahead=3)
    assert mine is not None and "115-索-0101" in mine.text and "115-質-0457" not in mine.text
    everything = digest(store, boss, days_ahead=3)
    assert everything is not None and "全府" in everything.text and "【已逾期】" in everything.text
    assert digest(store, staff.invite(name="閒人", agency="體育局").staff, days_ahead=3) is None


def test_remind_sends_once_per_person_and_skips_blocked(
    monkeypatch: pytest.MonkeyPatch, store: CaseStore, staff: StaffDirectory
) -> None:
    with running_fake_line() as line, running_fake_telegram() as telegram:
        for name, value in {
            "YISHI_LINE_CHANNEL_SECRET": LINE_SECRET, "YISHI_LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
            "YISHI_LINE_API_BASE_URL": line.base_url, "YISHI_TELEGRAM_BOT_TOKEN": telegram.token,
            "YISHI_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET, "YISHI_TELEGRAM_API_BASE_URL": telegram.base_url,
        }.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        for user, platform, agency in (
            ("U1", "line", "都發局"),
            ("U2", "line", "交通局"),
            ("42", "telegram", "都發局"),
        ):
            code = staff.invite(name=f"承辦{user}", agency=agency).code
            staff.bind(code, platform=platform, platform_user_id=user, chat_id=user)
        line.blocked.add("U2")
        dry = remind("--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "試算" in dry.stdout and line.sent == [] and telegram.sent == []
        result = remind()
        assert result.returncode == 0, result.stderr
        assert "已發送 2 人" in result.stdout and "已封鎖機器人" in result.stdout
        [pushed] = line.sent
        assert pushed["to"] == "U1" and "案件提醒" in pushed["messages"][0]["text"]
        assert line.retry_headers[0] and all(line.retry_headers)
        assert telegram.sent[0]["chat_id"] == "42"
        assert staff.account("line", "U2").blocked  # type: ignore[union-attr]
        closed = subprocess.run([sys.executable, "-m", "yishi", "calendar", "close", store.today().isoformat(), "--reason", "颱風停班"],
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert closed.returncode == 0
        holiday = remind()
        assert "不是工作日" in holiday.stdout and len(line.sent) == 1


def test_a_lost_push_response_is_retried_with_the_same_key_and_sent_once(
    store: CaseStore, staff: StaffDirectory
) -> None:
    code = staff.invite(name="林承辦", agency="都發局").code
    staff.bind(code, platform="line", platform_user_id="U9", chat_id="U9")
    account = staff.account("line", "U9")
    assert account is not None

    async def scenario(base_url: str, token: str) -> bool:
        bot = LineBot(access_token=token, base_url=base_url, staff=staff)
        try:
            return await line_sender(bot)(account, Reply("提醒", "reminder"))
        finally:
            await bot.close()

    with running_fake_line() as line:
        line.lose_responses = 1
        assert asyncio.run(scenario(line.base_url, line.access_token))
        assert len(line.sent) == 1  # the retry got 409: already sent, not sent again
        assert len(line.retry_headers) == 2 and line.retry_headers[0] == line.retry_headers[1]


def test_an_unreachable_platform_is_reported_and_the_other_still_sends(
    monkeypatch: pytest.MonkeyPatch, store: CaseStore, staff: StaffDirectory
) -> None:
    with running_fake_line() as line:
        for name, value in {
            "YISHI_LINE_CHANNEL_SECRET": LINE_SECRET, "YISHI_LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
            "YISHI_LINE_API_BASE_URL": line.base_url, "YISHI_TELEGRAM_BOT_TOKEN": "1:unreachable",
            "YISHI_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "YISHI_TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # nothing listens there
        }.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        for user, platform in (("U1", "line"), ("42", "telegram")):
            code = staff.invite(name=f"承辦{user}", agency="都發局").code
            staff.bind(code, platform=platform, platform_user_id=user, chat_id=user)
        result = remind()
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "錯誤：無法連線 Telegram" in result.stderr and "發送失敗：承辦42" in result.stdout
        assert [s["to"] for s in line.sent] == ["U1"]
