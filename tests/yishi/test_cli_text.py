"""Typer's and click's own messages (usage errors, help layout) come out in zh-TW."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from yishi.cli_text import translate

# Words click, typer and pydantic print on their own; none of them is in our help text.
ENGLISH = re.compile(
    r"\b(Usage|Missing|Invalid|Error|Try|Options|Arguments|Commands|No such|Did you mean"
    r"|Possible options|Got unexpected|requires|does not|is not|Input should|Aborted"
    r"|Show this message|default|required|env var|Choose from|Value|for help)\b"
    r"|\[OPTIONS\]|COMMAND \[ARGS\]|<(str|int|float|bool|path|file|dir)>"
)

# (arguments, what the output must say)
BAD_INVOCATIONS = [
    (["cases", "deadline", "--kind", "陳情"], "錯誤：缺少選項「--received」"),
    (["transcribe", "--beam", "x", "a.wav"], "錯誤：「--beam」的值無效：必須是整數"),
    (["transcribe", "--beam", "99", "a.wav"], "錯誤：「--beam」的值無效：必須小於或等於 20"),
    (["staff", "revoke", "abc"], "錯誤：「人員編號」的值無效：必須是整數"),
    (["cases", "list", "--kind", "亂碼"], "錯誤：案件類別「亂碼」不明"),
    (["cases", "deadline", "--receivd", "2026-02-12"], "您是不是要用「--received」？"),
    (["cases", "list", "--bogus"], "錯誤：沒有「--bogus」這個選項"),
    (["cases", "reopn"], "錯誤：沒有「reopn」這個指令，您是不是要用「reopen」？"),
    (["nope"], "錯誤：沒有「nope」這個指令"),
    (["cases", "show"], "錯誤：缺少引數「案號」"),
    (["cases", "show", "a", "b"], "錯誤：多了無法辨識的引數：b"),
    (["cases", "deadline", "--kind"], "錯誤：選項「--kind」後面需要一個值"),
    (["cases", "list", "--json=yes"], "錯誤：選項「--json」不接受值"),
    (["cases", "import", "no-such-file.csv"], "錯誤：找不到檔案：no-such-file.csv"),
    (["transcribe", "no-such-file.wav"], "錯誤：找不到檔案：no-such-file.wav"),
]
HELP = [
    (["--help"], ["用法：python -m yishi [選項] 指令 [引數]...", "選項", "指令", "--help"]),
    (["cases"], ["用法：", "指令 [引數]...", "deadline"]),
    (["cases", "--help"], ["顯示此說明並結束。"]),
    (
        ["cases", "deadline", "--help"],
        ["--received", "--kind", "<文字>", "[必填]", "[預設：普通件]"],
    ),
    (["transcribe", "--help"], ["引數", "{錄音檔}", "<路徑>", "<整數> [1<=x<=20]", "--quiet"]),
    (["staff", "invite", "--help"], ["--role", "機關聯絡人", "[預設：機關聯絡人]"]),
    (["replies", "eval", "--help"], ["{評估檔}...", "<路徑>…"]),
]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yishi", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ | {"COLUMNS": "120"},
    )


@pytest.fixture(scope="module")
def outputs() -> dict[tuple[str, ...], subprocess.CompletedProcess[str]]:
    invocations = [args for args, _ in BAD_INVOCATIONS + HELP]
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(map(tuple, invocations), pool.map(run, invocations), strict=True))


@pytest.mark.parametrize(
    ("args", "expected"), BAD_INVOCATIONS, ids=[" ".join(a) for a, _ in BAD_INVOCATIONS]
)
def test_bad_invocations_are_one_line_in_chinese(
    outputs: dict[tuple[str, ...], subprocess.CompletedProcess[str]],
    args: list[str],
    expected: str,
) -> None:
    result = outputs[tuple(args)]
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert not ENGLISH.search(result.stdout + result.stderr), result.stderr


@pytest.mark.parametrize(("args", "expected"), HELP, ids=[" ".join(a) for a, _ in HELP])
def test_help_is_laid_out_in_chinese(
    outputs: dict[tuple[str, ...], subprocess.CompletedProcess[str]],
    args: list[str],
    expected: list[str],
) -> None:
    result = outputs[tuple(args)]
    text = result.stdout + result.stderr
    assert all(part in text for part in expected), text
    assert not ENGLISH.search(text), text


@pytest.mark.parametrize(
    ("english", "chinese"),
    [  # typer ≥ 0.20 (its own click copy, pydantic) and click 8.1–8.3 wordings
        ("Missing option '-o' / '--outdir'.", "缺少選項「-o」／「--outdir」。"),
        ("Missing argument 'FILE'. Choose from:\n\ta,\n\tb", "缺少引數「FILE」，可用：a、b。"),
        ("Missing parameter: name", "缺少參數「name」。"),
        ("No such command 'x'. Did you mean 'a', 'b'?", "沒有「x」這個指令，您是不是要用「a」、「b」？"),
        ("No such option: --x Did you mean --y?", "沒有「--x」這個選項，您是不是要用「--y」？"),
        ("Invalid value for '--n': 'x' is not a valid integer.", "「--n」的值無效：「x」不是有效的整數"),
        ("Invalid value for '--n': 5 is not in the range 1<=x<=3.", "「--n」的值無效：5 不在範圍 1<=x<=3 內"),
        ("Invalid value for '--c': 'x' is not one of 'a', 'b'.",
         "「--c」的值無效：「x」不是可用的值，可用：「a」、「b」"),
        ("Invalid value for 'F': File 'a.txt' does not exist.", "「F」的值無效：檔案「a.txt」不存在"),
        ("Invalid value for 'F': Path 'd' is a directory.", "「F」的值無效：「d」是目錄，這裡需要檔案"),
        ("Invalid value for '--x': Input should be 'a' or 'b'", "「--x」的值無效：必須是下列之一：「a」、「b」"),
        ("Invalid value for '--f': 'a': No such file or directory",
         "「--f」的值無效：「a」：檔案或目錄不存在"),
        ("Could not open file 'a': Permission denied", "無法開啟檔案「a」：沒有權限"),
        ("Got unexpected extra arguments (a b)", "多了無法辨識的引數：a b。"),
        ("Option '--n' requires 2 arguments.", "選項「--n」後面需要 2 個值。"),
        ("Something no rule knows", "Something no rule knows"),
    ],
)  # fmt: skip
def test_messages_from_every_supported_version(english: str, chinese: str) -> None:
    assert translate(english) == chinese
