"""``yishi staff`` in a real process: invite, list, revoke; codes bind exactly once."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bots import StaffDirectory
from tests.yishi.test_cli_transcribe import assert_one_line_error, yishi
from yishi.config import get_settings
from yishi.db import get_engine

TAIPEI = ZoneInfo("Asia/Taipei")


def test_invite_list_and_revoke() -> None:
    invited = yishi(
        "staff", "invite", "--name", "王小明", "--agency", "臺北市政府都市發展局", "--hours", "24"
    )
    assert invited.returncode == 0, invited.stderr
    code = re.search(r"綁定碼：([A-Z0-9]{8})", invited.stdout)
    staff_id = re.search(r"人員編號 (\d+)", invited.stdout)
    assert code and staff_id
    directory = StaffDirectory(get_engine(get_settings()))
    directory.bind(code.group(1), platform="telegram", platform_user_id="42", chat_id="42")
    listed = yishi("staff", "list").stdout
    assert "王小明" in listed and "都市發展局" in listed and "Telegram" in listed
    assert yishi("staff", "revoke", staff_id.group(1)).returncode == 0
    assert directory.account("telegram", "42") is None
    assert "停用" in yishi("staff", "list").stdout


def test_bad_staff_commands() -> None:
    assert_one_line_error(
        yishi("staff", "invite", "--name", "王", "--agency", "宇宙局"), "未知的機關"
    )
    assert_one_line_error(
        yishi("staff", "invite", "--name", "王", "--agency", "都發局", "--role", "boss"),
        "不明的角色：boss（可用：機關聯絡人、秘書處人員、系統管理員）",
    )
    assert_one_line_error(yishi("staff", "revoke", "999"), "找不到人員編號")


def test_roles_and_agencies_are_shown_by_name_codes_only_in_json() -> None:
    liaison = yishi("staff", "invite", "--name", "王小明", "--agency", "都發局")
    assert "王小明（都市發展局，機關聯絡人）" in liaison.stdout, liaison.stderr
    for name, role in (("陳一", "秘書處人員"), ("陳二", "secretariat")):
        invited = yishi("staff", "invite", "--name", name, "--agency", "秘書處", "--role", role)
        assert "（秘書處，秘書處人員）" in invited.stdout, invited.stderr
    listed = yishi("staff", "list").stdout
    assert "機關聯絡人" in listed and "秘書處人員" in listed
    for code in ("liaison", "secretariat", "urban-development"):
        assert code not in listed + liaison.stdout
    rows = json.loads(yishi("staff", "list", "--json").stdout)
    assert [(r["role"], r["role_name"]) for r in rows] == [
        ("liaison", "機關聯絡人"),
        ("secretariat", "秘書處人員"),
        ("secretariat", "秘書處人員"),
    ]
    assert rows[0]["agency"] == "urban-development" and rows[0]["agency_name"] == "都市發展局"
    help_text = yishi("staff", "invite", "--help").stdout
    assert "機關聯絡人" in help_text and "秘書處人員" in help_text


def test_the_code_expiry_is_in_taipei_time_on_a_utc_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")  # the server's clock; the setting says Asia/Taipei
    invited = yishi("staff", "invite", "--name", "王小明", "--agency", "都發局", "--hours", "1")
    shown = re.search(r"（(\d{4}-\d\d-\d\d \d\d:\d\d) 前有效", invited.stdout)
    assert shown, invited.stdout + invited.stderr
    expires = datetime.strptime(shown.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=TAIPEI)
    expected = datetime.now(TAIPEI) + timedelta(hours=1)
    assert abs(expires - expected) < timedelta(minutes=2)  # not eight hours off
