"""``yishi replies index`` and ``search`` in a real process: agencies as written, warnings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.yishi.test_cli_transcribe import yishi

ROWS = [
    {"id": "R1", "question": "北投士林科技園區社會住宅何時動工？", "reply": "一、預計115年6月動工。", "agency": "都發處"},
    {"id": "R2", "question": "內湖路燈與號誌同時故障，請說明修復時程。", "reply": "一、已於3日內修復。", "agency": "公園處、交工處"},
    {"id": "R3", "question": "垃圾車清運路線調整", "reply": "一、新增夜間收運點12處。", "agency": "環保局"},
]  # fmt: skip


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines), "utf-8")
    return path


def rows(*picked: dict[str, str]) -> list[str]:
    return [json.dumps(row, ensure_ascii=False) for row in picked]


def test_a_file_with_only_warnings_is_indexed_and_exits_0(tmp_path: Path) -> None:
    indexed = yishi("replies", "index", write(tmp_path / "past.jsonl", rows(*ROWS)))
    assert indexed.returncode == 0, indexed.stderr
    assert "新增 3" in indexed.stdout and "索引共 3 件" in indexed.stdout
    assert "注意 past.jsonl 第 1 行：未知的機關：都發處" in indexed.stderr
    assert "略過" not in indexed.stderr
    as_json = json.loads(yishi("replies", "index", tmp_path / "past.jsonl", "--json").stdout)
    assert as_json["problems"] == [] and [w["line"] for w in as_json["warnings"]] == [1]


def test_a_skipped_line_still_exits_2_and_warnings_stay_notes(tmp_path: Path) -> None:
    lines = [*rows(ROWS[0]), "{broken", *rows(ROWS[2])]
    indexed = yishi("replies", "index", write(tmp_path / "past.jsonl", lines))
    assert indexed.returncode == 2
    assert "略過 past.jsonl 第 2 行：不是有效的 JSON" in indexed.stderr
    assert "注意 past.jsonl 第 1 行" in indexed.stderr and "索引共 2 件" in indexed.stdout


def test_search_shows_the_agency_as_written(tmp_path: Path) -> None:
    assert yishi("replies", "index", write(tmp_path / "past.jsonl", rows(*ROWS))).returncode == 0
    table = yishi("replies", "search", "北投士林科技園區社宅動工", "-k", "1")
    assert table.returncode == 0, table.stderr
    assert "R1" in table.stdout and "都發處" in table.stdout
    found = yishi("replies", "search", "北投士林科技園區社宅動工", "-k", "3", "--json")
    hits = {hit["id"]: hit for hit in json.loads(found.stdout)}
    assert (hits["R1"]["agency"], hits["R1"]["co_agencies"]) == ("都發處", [])
    assert hits["R2"]["agency"] == "公園路燈工程管理處"
    assert hits["R2"]["co_agencies"] == ["交通管制工程處"]
