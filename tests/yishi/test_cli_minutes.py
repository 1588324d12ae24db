"""``yishi minutes`` in a real process: transcript JSON or recording in, minutes and cases out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.minutes_fixtures import MINUTES_DATA, load
from tests.yishi.test_cli_transcribe import assert_one_line_error, yishi


def transcript_file(tmp_path: Path) -> Path:
    meeting = load(MINUTES_DATA / "city-meeting-2026-06-16.meeting.yaml")
    path = tmp_path / "meeting.json"
    path.write_text(meeting.transcript().model_dump_json(), "utf-8")
    return path


def test_minutes_from_a_transcript_and_filing_twice(tmp_path: Path) -> None:
    source = transcript_file(tmp_path)
    args = ["minutes", source, "--title", "第2315次市政會議", "--date", "2026-06-16", "--chair", "蔣萬安",
            "-o", tmp_path / "out", "--file-directives"]  # fmt: skip
    first = yishi(*args)
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [f"第2315次市政會議-紀錄.{ext}" for ext in ("docx", "json", "md", "odt")]
    record = json.loads((tmp_path / "out" / "第2315次市政會議-紀錄.json").read_text("utf-8"))
    assert record["schema_version"] == "yishi.minutes/1" and record["directives"]
    assert "新建" in first.stderr
    second = yishi(*args)
    assert "新建 0 件" in second.stderr
    cases = json.loads(yishi("cases", "list", "--kind", "裁示", "--json", "--limit", "200").stdout)
    assert cases["total"] == len([d for d in record["directives"] if d["lead_agency"]])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "不是有效的 JSON"),
        ('{"segments": []}', "不是 Yishi 逐字稿"),
        ('{"schema_version": "yishi.transcript/1", "segments": [{"id": "x"}]}', "逐字稿格式不符"),
    ],
)
def test_bad_transcripts(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, "utf-8")
    assert_one_line_error(yishi("minutes", path, "-o", tmp_path / "out"), message)
    assert not (tmp_path / "out").exists()


def test_a_meeting_date_out_of_range_is_a_one_line_error(tmp_path: Path) -> None:
    result = yishi("minutes", transcript_file(tmp_path), "--date", "9999-12-31", "-o", tmp_path)
    assert_one_line_error(result, "會議日期：日期 9999-12-31 超出可用範圍")
    assert result.returncode == 2 and not list(tmp_path.glob("*-紀錄.*"))


def test_empty_transcript_gives_minutes_that_say_so(tmp_path: Path) -> None:
    meeting = load(MINUTES_DATA / "city-meeting-2026-02-10.meeting.yaml").transcript()
    path = tmp_path / "silence.json"
    path.write_text(meeting.model_copy(update={"segments": []}).model_dump_json(), "utf-8")
    result = yishi("minutes", path, "--date", "2026-02-10", "-o", tmp_path, "--format", "md")
    assert result.returncode == 0, result.stderr
    assert "逐字稿為空白" in result.stderr
    assert "本次會議無裁示事項" in (tmp_path / "silence-紀錄.md").read_text("utf-8")


@pytest.mark.slow
def test_recording_to_minutes(tmp_path: Path) -> None:
    result = yishi("minutes", SAMPLES / "sample_meeting.m4a", "--title", "第2300次市政會議",
                   "--date", "2026-03-10", "-o", tmp_path, "--format", "md,json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sample_meeting.json").exists()  # the transcript it made first
    minutes = json.loads((tmp_path / "第2300次市政會議-紀錄.json").read_text("utf-8"))
    agencies = {d["lead_agency_name"] for d in minutes["directives"]}
    assert {"都市發展局", "交通局"} <= agencies
