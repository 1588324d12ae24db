"""``yishi cases`` and ``yishi calendar`` in a real process against a real SQLite file."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.yishi.test_cli_transcribe import assert_one_line_error, yishi


def test_add_show_list_and_json(tmp_path: Path) -> None:
    added = yishi(
        "cases", "add", "--kind", "索資", "--title", "請提供社會住宅興建進度", "--agency", "都發局",
        "--councillor", "林議員", "--received", "2026-02-12", "--co-agency", "財政局", "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    case = json.loads(added.stdout)
    assert case["id"] == "115-索-0001" and case["due_on"] == "2026-02-24"
    assert case["lead_agency_name"] == "都市發展局" and case["co_agency_names"] == ["財政局"]

    shown = yishi("cases", "show", "115-索-0001")
    assert "都市發展局" in shown.stdout and "建立" in shown.stdout

    listed = json.loads(yishi("cases", "list", "--agency", "臺北市政府都市發展局", "--json").stdout)
    assert listed["total"] == 1 and listed["cases"][0]["overdue"] is True
    table = yishi("cases", "list", "--overdue").stdout
    assert "115-索-0001" in table and "逾期" in table and "共 1 件" in table


def test_update_close_and_history(tmp_path: Path) -> None:
    yishi(
        "cases",
        "add",
        "--kind",
        "裁示",
        "--title",
        "檢討公車轉乘",
        "--agency",
        "交通局",
        "--received",
        "2026-03-02",
    )
    updated = yishi("cases", "update", "115-裁-0001", "--status", "辦理中", "--reason", "已分辦")
    assert updated.returncode == 0, updated.stderr
    assert "狀態：收文 → 辦理中" in updated.stdout
    late = yishi("cases", "update", "115-裁-0001", "--due", "2026-04-01")
    assert_one_line_error(late, "必須註明原因")
    assert yishi("cases", "close", "115-裁-0001").returncode == 0
    history = json.loads(yishi("cases", "show", "115-裁-0001", "--json").stdout)["history"]
    assert [h["new_value"] for h in history[1:]] == ["辦理中", "結案"]


def test_deadline_explains_itself() -> None:
    result = yishi(
        "cases", "deadline", "--kind", "裁示", "--priority", "普通件", "--received", "2026-02-12"
    )
    assert result.returncode == 0
    assert "期限：2026-02-26" in result.stdout and "2/14–2/22" in result.stdout


def test_calendar_close_re_dates_cases() -> None:
    yishi(
        "cases",
        "add",
        "--kind",
        "裁示",
        "--title",
        "颱風整備",
        "--agency",
        "消防局",
        "--received",
        "2026-07-27",
    )
    closed = yishi("calendar", "close", "2026-07-28", "--reason", "颱風停班")
    assert closed.returncode == 0, closed.stderr
    assert "1 件案件期限隨之調整" in closed.stdout and "2026-08-03 → 2026-08-04" in closed.stdout
    listed = json.loads(yishi("calendar", "list", "--json").stdout)
    assert listed == [{"day": "2026-07-28", "working": False, "reason": "颱風停班"}]


def test_import_report_and_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "案號,類別,標題,主辦機關,收文日期\n115-質-0001,質詢,標題,宇宙局,2026-03-02\n", "utf-8"
    )
    result = yishi("cases", "import", bad)
    assert result.returncode == 2
    assert "未匯入任何資料" in result.stderr and "宇宙局" in result.stderr
    assert json.loads(yishi("cases", "list", "--json").stdout)["total"] == 0


def test_export_overdue_report(tmp_path: Path) -> None:
    yishi(
        "cases",
        "add",
        "--kind",
        "裁示",
        "--title",
        "逾期案",
        "--agency",
        "工務局",
        "--received",
        "2026-01-05",
    )
    out = tmp_path / "report.xlsx"
    result = yishi("cases", "export", "--report", "overdue", "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0


def test_bad_input_gives_one_line() -> None:
    assert_one_line_error(yishi("cases", "show", "115-質-9999"), "找不到案件")
    assert_one_line_error(
        yishi(
            "cases",
            "add",
            "--kind",
            "質詢",
            "--title",
            "x",
            "--agency",
            "宇宙局",
            "--councillor",
            "王議員",
        ),
        "未知的機關",
    )
    assert_one_line_error(
        yishi("cases", "deadline", "--kind", "抗議", "--received", "2026-01-05"), "案件類別"
    )
    assert_one_line_error(
        yishi("cases", "deadline", "--kind", "質詢", "--received", "2026-13-45"), "日期"
    )


def test_dates_out_of_range_are_one_line_errors() -> None:
    for args in [
        ("cases", "deadline", "--kind", "陳情", "--received", "9999-12-31"),
        ("cases", "add", "--kind", "裁示", "--title", "t", "--agency", "交通局", "--received", "1900-01-01"),
        ("calendar", "close", "9999-12-31", "--reason", "颱風"),
    ]:  # fmt: skip
        result = yishi(*args)
        assert_one_line_error(result, "超出可用範圍（1912-01-01 至 2200-12-31）")
        assert result.returncode == 2


def test_history_names_agencies_and_shows_taipei_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")  # the server's clock; the setting says Asia/Taipei
    monkeypatch.setenv("COLUMNS", "250")  # one table row a line
    yishi(
        "cases", "add", "--kind", "裁示", "--title", "檢討公車轉乘", "--agency", "都發局",
        "--co-agency", "財政局", "--received", "2026-03-02", "--due", "2026-03-20",
    )  # fmt: skip
    moved = yishi("cases", "update", "115-裁-0001", "--agency", "交通局", "--co-agency", "工務局",
                  "--reason", "改分")  # fmt: skip
    assert "主辦機關：都市發展局 → 交通局" in moved.stdout, moved.stderr
    shown = yishi("cases", "show", "115-裁-0001").stdout
    assert "主辦 都市發展局" in shown and "協辦機關：財政局 → 工務局" in shown
    assert "（指定）" in shown
    for code in ("urban-development", "transport", "finance", "public-works", "manual"):
        assert code not in shown + moved.stdout
    times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", shown)
    now = datetime.now(ZoneInfo("Asia/Taipei")).replace(tzinfo=None)
    assert times and all(
        abs(datetime.strptime(t, "%Y-%m-%d %H:%M") - now) < timedelta(minutes=2) for t in times
    )
    history = json.loads(yishi("cases", "show", "115-裁-0001", "--json").stdout)["history"]
    assert history[1]["old_value"] == "urban-development"  # codes stay in --json
