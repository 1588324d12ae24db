"""LINE and Telegram end to end: real SDKs, the real app, local fake platform servers."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bots import StaffDirectory
from inquiries import CaseStore
from tests.fakes.line_server import FakeLine, running_fake_line
from tests.fakes.telegram_server import FakeTelegram, running_fake_telegram
from yishi.config import get_settings
from yishi.web.app import create_app

LINE_SECRET = "line-channel-secret"
TELEGRAM_SECRET = "telegram-webhook-secret"


@pytest.fixture()
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeLine, FakeTelegram]]:
    with running_fake_line() as line, running_fake_telegram() as telegram:
        monkeypatch.setenv("YISHI_LINE_CHANNEL_SECRET", LINE_SECRET)
        monkeypatch.setenv("YISHI_LINE_CHANNEL_ACCESS_TOKEN", line.access_token)
        monkeypatch.setenv("YISHI_LINE_API_BASE_URL", line.base_url)
        monkeypatch.setenv("YISHI_TELEGRAM_BOT_TOKEN", telegram.token)
        monkeypatch.setenv("YISHI_TELEGRAM_WEBHOOK_SECRET", TELEGRAM_SECRET)
        monkeypatch.setenv("YISHI_TELEGRAM_API_BASE_URL", telegram.base_url)
        get_settings.cache_clear()
        yield line, telegram


@pytest.fixture()
def client(fakes: tuple[FakeLine, FakeTelegram], store: CaseStore) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


_counter = iter(range(10_000))


def line_event(
    fake: FakeLine,
    text: str,
    *,
    user: str = "U0001",
    event_id: str | None = None,
    redelivery: bool = False,
    ttl: float = 30.0,
) -> dict[str, Any]:
    number = next(_counter)
    return {
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "webhookEventId": event_id or f"01HEVENT{number:010d}", "deliveryContext": {"isRedelivery": redelivery},
        "source": {"type": "user", "userId": user}, "replyToken": fake.issue_reply_token(f"reply-{number}", ttl=ttl),
        "message": {"type": "text", "id": str(number), "quoteToken": f"q{number}", "text": text},
    }  # fmt: skip


def post_line(client: TestClient, *events: dict[str, Any], secret: str = LINE_SECRET) -> int:
    body = json.dumps({"destination": "Ubot", "events": list(events)}, ensure_ascii=False).encode(
        "utf-8"
    )
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return client.post(
        "/line/callback",
        content=body,
        headers={"X-Line-Signature": signature, "Content-Type": "application/json"},
    ).status_code


def bind_line(
    client: TestClient,
    line: FakeLine,
    staff: StaffDirectory,
    *,
    user: str = "U0001",
    agency: str = "都發局",
) -> None:
    code = staff.invite(name="林承辦", agency=agency).code
    assert post_line(client, line_event(line, code, user=user)) == 200
    assert "綁定完成" in line.wait_for(len(line.sent) + 1)[-1]["messages"][0]["text"]


def wait_healthy(client: TestClient, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        health = client.get("/healthz").json()
        states = [health["worker"]["state"], *(p["state"] for p in health["platforms"].values())]
        if all(state == "ok" for state in states) or time.monotonic() > deadline:
            return health  # type: ignore[no-any-return]
        time.sleep(0.1)


def wait_answered(client: TestClient, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while client.get("/healthz").json().get("queue", {}).get("pending") != 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_health_and_console_check(client: TestClient) -> None:
    health = wait_healthy(client)
    assert health["status"] == "ok" and health["database"] == "ok"
    assert health["platforms"] == {"line": {"state": "ok"}, "telegram": {"state": "ok"}}
    assert health["worker"]["state"] == "ok" and health["worker"]["pid"]
    assert health["queue"] == {"pending": 0, "oldest_pending_seconds": 0.0, "failed_last_day": 0}
    assert "運作中" in client.get("/line/callback").text


def test_a_forged_signature_is_refused_and_nothing_happens(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram]
) -> None:
    line, _ = fakes
    assert post_line(client, line_event(line, "說明"), secret="forged") == 400
    assert client.post("/line/callback", content=b"{}", headers={}).status_code == 400
    time.sleep(0.3)
    assert line.sent == []


def test_line_binding_and_questions(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    line, _ = fakes
    assert post_line(client, line_event(line, "逾期案件")) == 200
    assert "綁定" in line.wait_for(1)[0]["messages"][0]["text"]
    bind_line(client, line, staff)
    post_line(client, line_event(line, "都發局逾期案件"))
    reply = line.wait_for(3)[2]
    assert reply["via"] == "reply"
    text, flex = reply["messages"]
    assert "都市發展局逾期案件" in text["text"] and text["quickReply"]["items"]
    assert flex["type"] == "flex" and flex["contents"]["type"] == "carousel"
    post_line(client, line_event(line, "115-質-0457 進度?"))
    assert "社會住宅興建進度落後" in line.wait_for(4)[3]["messages"][0]["text"]


def test_expired_reply_token_falls_back_to_push(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    line, _ = fakes
    bind_line(client, line, staff)
    post_line(client, line_event(line, "說明", ttl=-1))
    pushed = line.wait_for(2)[1]
    assert (
        pushed["via"] == "push"
        and pushed["to"] == "U0001"
        and "本週到期" in pushed["messages"][0]["text"]
    )


def test_duplicate_delivery_is_processed_once(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    line, _ = fakes
    bind_line(client, line, staff)
    event = line_event(line, "說明", event_id="01HDUPLICATE0000000001")
    again = dict(
        event,
        deliveryContext={"isRedelivery": True},
        replyToken=line.issue_reply_token("reply-again"),
    )
    post_line(client, event)
    post_line(client, again)
    time.sleep(0.8)
    assert len(line.sent) == 2  # the binding answer and one answer to the question


def test_a_message_over_lines_limit_is_answered(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    line, _ = fakes
    bind_line(client, line, staff)
    post_line(client, line_event(line, "逾期" + "很急" * 3000))
    assert line.wait_for(2)[1]["messages"][0]["text"]


def telegram_update(
    text: str | None = None, *, user: int = 777, data: str | None = None
) -> dict[str, Any]:
    number = next(_counter)
    sender = {"id": user, "is_bot": False, "first_name": "林"}
    chat = {"id": user, "type": "private", "first_name": "林"}
    if data is not None:
        return {"update_id": 5000 + number, "callback_query": {"id": str(number), "from": sender, "chat_instance": "c", "data": data,
                "message": {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "選單"}}}  # fmt: skip
    return {
        "update_id": 5000 + number,
        "message": {
            "message_id": number,
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            "text": text,
        },
    }


def post_telegram(
    client: TestClient, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET
) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    return client.post("/telegram/webhook", json=update, headers=headers).status_code


def test_telegram_secret_token_is_checked(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram]
) -> None:
    _, telegram = fakes
    assert post_telegram(client, telegram_update("說明"), secret=None) == 403
    assert post_telegram(client, telegram_update("說明"), secret="wrong") == 403
    time.sleep(0.3)
    assert telegram.sent == []


def test_telegram_binding_markdown_and_buttons(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    _, telegram = fakes
    code = staff.invite(name="陳承辦", agency="都發局").code
    assert post_telegram(client, telegram_update(code)) == 200
    assert "綁定完成" in telegram.wait_for(1)[0]["text"]
    post_telegram(client, telegram_update("115-質-0457 進度?"))
    answer = telegram.wait_for(2)[1]
    assert "115\\-質\\-0457" in answer["text"]  # MarkdownV2-escaped, accepted by the fake's parser
    post_telegram(client, telegram_update("說明"))
    buttons = telegram.wait_for(3)[2]["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in buttons][:2] == ["本週到期", "逾期案件"]
    post_telegram(client, telegram_update(data="逾期案件"))
    assert "逾期案件" in telegram.wait_for(4)[3]["text"]


def test_a_user_who_blocked_the_bot_is_marked(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    _, telegram = fakes
    code = staff.invite(name="周承辦", agency="交通局").code
    post_telegram(client, telegram_update(code, user=888))
    telegram.wait_for(1)
    telegram.blocked.add("888")
    post_telegram(client, telegram_update("說明", user=888))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not staff.account("telegram", "888").blocked:  # type: ignore[union-attr]
        time.sleep(0.05)
    assert staff.account("telegram", "888").blocked  # type: ignore[union-attr]


def signed_line(client: TestClient, body: bytes) -> int:
    signature = base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest())
    return client.post(
        "/line/callback", content=body, headers={"X-Line-Signature": signature.decode()}
    ).status_code


def test_malformed_webhooks_get_4xx_and_nothing_happens(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram]
) -> None:
    line, telegram = fakes
    for body in (b"{}", b'{"events": [{"foo": 1}]}', b'{"events": "x"}', b"not json", b"[1]",
                 b'{"events": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}", b"\xff\xfe"):  # fmt: skip
        assert signed_line(client, body) == 400, body[:30]
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    for body in (b"[" * 100_000 + b"]" * 100_000, b"{", b'{"update_id": "7"}', b"[]",
                 b'{"update_id": 7, "message": {"chat": 5}}'):  # fmt: skip
        assert client.post("/telegram/webhook", content=body, headers=headers).status_code == 400
    huge = b'{"update_id": 1, "pad": "' + b"x" * 2_000_000 + b'"}'
    assert client.post("/telegram/webhook", content=huge, headers=headers).status_code == 413
    assert client.post("/telegram/webhook", content=huge).status_code == 403  # secret first
    assert signed_line(client, huge) == 413
    assert client.get("/healthz").status_code == 200
    time.sleep(0.5)
    assert line.sent == [] and telegram.sent == []


def test_old_events_are_ignored(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    line, telegram = fakes
    bind_line(client, line, staff)
    replayed = line_event(line, "說明") | {"timestamp": int((time.time() - 3 * 365 * 86400) * 1000)}
    assert post_line(client, replayed) == 200
    old = telegram_update("說明")
    old["message"]["date"] = int(time.time()) - 3 * 86400
    assert post_telegram(client, old) == 200
    post_line(client, line_event(line, "本週到期"))
    assert "本週到期" in line.wait_for(2)[1]["messages"][0]["text"]
    time.sleep(0.5)
    assert len(line.sent) == 2 and telegram.sent == []


def group_event(fake: FakeLine, text: str, *, user: str = "U0001") -> dict[str, Any]:
    return line_event(fake, text, user=user) | {
        "source": {"type": "group", "groupId": "Cgroup0001", "userId": user}
    }


def test_group_chats_get_a_notice_never_case_data(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    line, telegram = fakes
    bind_line(client, line, staff)  # U0001 is bound, but others in the group are not
    post_line(client, group_event(line, "115-質-0457 進度?"))
    notice = line.wait_for(2)[1]["messages"][0]["text"]
    assert "一對一" in notice and "社會住宅" not in notice and "0457" not in notice
    post_line(client, group_event(line, "中午吃什麼"))  # small talk: the bot stays quiet
    code = staff.invite(name="洩漏", agency="交通局").code
    post_line(client, group_event(line, code))
    assert "作廢" in line.wait_for(3)[2]["messages"][0]["text"]
    post_line(client, line_event(line, code, user="U0002"))  # the code can no longer bind
    assert "綁定碼無效" in line.wait_for(4)[3]["messages"][0]["text"]
    joined = line_event(line, "") | {"type": "join", "source": {"type": "room", "roomId": "Rroom1"}}
    del joined["message"]
    post_line(client, joined)
    assert "一對一" in line.wait_for(5)[4]["messages"][0]["text"]
    group = telegram_update("逾期案件", user=777)
    group["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "都發局群組"}
    post_telegram(client, group)
    answer = telegram.wait_for(1)[0]
    assert answer["chat_id"] == "-100123" and "一對一" in answer["text"]
    time.sleep(0.5)
    assert len(line.sent) == 5 and len(telegram.sent) == 1


def test_platform_outages_are_retried_and_answered_once(
    client: TestClient, fakes: tuple[FakeLine, FakeTelegram], staff: StaffDirectory
) -> None:
    line, telegram = fakes
    wait_healthy(client)
    bind_line(client, line, staff)
    line.unavailable_until = time.monotonic() + 1.5
    post_line(client, line_event(line, "說明"))
    code = staff.invite(name="陳承辦", agency="都發局").code
    telegram.flood_until = time.monotonic() + 1.5
    post_telegram(client, telegram_update(code))
    assert "本週到期" in line.wait_for(2, timeout=20)[1]["messages"][0]["text"]
    assert "綁定完成" in telegram.wait_for(1, timeout=20)[0]["text"]
    assert line.refused >= 1 and telegram.refused >= 1
    time.sleep(1.0)
    assert len(line.sent) == 2 and len(telegram.sent) == 1


def test_an_unreachable_platform_never_stops_the_server(
    fakes: tuple[FakeLine, FakeTelegram], store: CaseStore, staff: StaffDirectory
) -> None:
    line, telegram = fakes
    telegram.unavailable_until = float("inf")  # getMe fails at start-up, until it is back
    with TestClient(create_app()) as client:
        deadline = time.monotonic() + 15
        while client.get("/healthz").json()["platforms"]["telegram"]["state"] == "starting":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert health.json()["platforms"]["telegram"]["state"] == "degraded"
        assert "Telegram 無法連線" in health.json()["problems"]
        code = staff.invite(name="陳承辦", agency="都發局").code
        assert post_telegram(client, telegram_update(code)) == 200  # accepted and kept
        bind_line(client, line, staff)  # LINE works meanwhile
        telegram.unavailable_until = 0.0
        assert wait_healthy(client)["status"] == "ok"
        assert "綁定完成" in telegram.wait_for(1, timeout=20)[0]["text"]


def test_a_dead_or_stuck_worker_is_reported_and_replaced(
    monkeypatch: pytest.MonkeyPatch,
    fakes: tuple[FakeLine, FakeTelegram],
    store: CaseStore,
    staff: StaffDirectory,
) -> None:
    line, _ = fakes
    monkeypatch.setenv("YISHI_BOT_STALL_SECONDS", "3")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        first = wait_healthy(client)["worker"]
        bind_line(client, line, staff)
        wait_answered(client)  # recorded too: a kill between send and commit would resend
        os.kill(first["pid"], signal.SIGKILL)
        post_line(client, line_event(line, "說明"))  # accepted while no worker runs
        assert "本週到期" in line.wait_for(2, timeout=30)[1]["messages"][0]["text"]
        second = wait_healthy(client)["worker"]
        assert second["pid"] != first["pid"] and second["restarts"] == 1
        assert "結束代碼 -9" in second["last_exit"]
        os.kill(second["pid"], signal.SIGSTOP)  # alive, but silent
        deadline, silence = time.monotonic() + 20, 0.0
        while time.monotonic() < deadline and silence < 2:  # /healthz shows it going quiet
            silence = client.get("/healthz").json()["worker"]["seconds_since_heartbeat"] or 0.0
            time.sleep(0.05)
        assert silence >= 2
        wait_answered(client)
        post_line(client, line_event(line, "本週到期"))
        assert "本週到期" in line.wait_for(3, timeout=30)[2]["messages"][0]["text"]
        third = wait_healthy(client)["worker"]
        assert third["restarts"] >= 2 and "停止回應" in third["last_exit"]
        with contextlib.suppress(ProcessLookupError):
            os.kill(second["pid"], signal.SIGCONT)
