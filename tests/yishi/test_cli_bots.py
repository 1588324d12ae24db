"""``yishi staff`` in a real process: invite, list, revoke; codes bind exactly once."""

from __future__ import annotations

import re

from bots import StaffDirectory
from tests.yishi.test_cli_transcribe import assert_one_line_error, yishi
from yishi.config import get_settings
from yishi.db import get_engine


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
    assert "王小明" in listed and "都市發展局" in listed and "telegram" in listed
    assert yishi("staff", "revoke", staff_id.group(1)).returncode == 0
    assert directory.account("telegram", "42") is None
    assert "停用" in yishi("staff", "list").stdout


def test_bad_staff_commands() -> None:
    assert_one_line_error(
        yishi("staff", "invite", "--name", "王", "--agency", "宇宙局"), "未知的機關"
    )
    assert_one_line_error(
        yishi("staff", "invite", "--name", "王", "--agency", "都發局", "--role", "boss"),
        "不明的角色",
    )
    assert_one_line_error(yishi("staff", "revoke", "999"), "找不到人員編號")
