"""``yishi transcribe`` as a person runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SPEECH
from tests.transcription.conftest import write_audio


def yishi(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yishi", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("錯誤：") and text in lines[0], result.stderr


def test_help_is_bilingual() -> None:
    result = yishi("transcribe", "--help")
    assert result.returncode == 0
    assert "逐字稿" in result.stdout and "Transcribe" in result.stdout


@pytest.mark.slow
def test_transcribe_writes_every_format(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = yishi("transcribe", SPEECH / "briefing.mp3", "-o", out)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["briefing.json", "briefing.srt", "briefing.txt", "briefing.vtt"]
    assert result.stdout.split() == [
        str(out / f"briefing.{f}") for f in ("txt", "srt", "vtt", "json")
    ]
    record = json.loads((out / "briefing.json").read_text("utf-8"))
    assert record["schema_version"] == "yishi.transcript/1"
    assert record["segments"] and "秘書" in (out / "briefing.txt").read_text("utf-8")
    assert (out / "briefing.srt").read_text("utf-8").startswith("1\n00:00:0")
    assert (out / "briefing.vtt").read_text("utf-8").startswith("WEBVTT\n\n00:00:0")
    assert "完成" in result.stderr


@pytest.mark.slow
def test_silence_writes_an_empty_transcript_with_a_note(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "silence.wav", np.zeros(16000 * 20, np.float32))
    result = yishi("transcribe", path, "-o", tmp_path, "--format", "txt,json")
    assert result.returncode == 0, result.stderr
    assert "未偵測到語音" in result.stderr
    assert (tmp_path / "silence.txt").read_text("utf-8") == "（未偵測到語音）\n"
    assert json.loads((tmp_path / "silence.json").read_text("utf-8"))["segments"] == []


def corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "rec.m4a"
    path.write_bytes(np.random.default_rng(1).bytes(50_000))
    return path


def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "rec.wav"
    path.write_text("第1234次市政會議議程\n", encoding="utf-8")
    return path


def empty(tmp_path: Path) -> Path:
    path = tmp_path / "rec.mp3"
    path.touch()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.m4a", "找不到檔案"),
        (empty, "檔案是空的"),
        (text_file, "不是可辨識的音訊"),
        (corrupt, "不是可辨識的音訊"),
    ],
)
def test_bad_recordings_fail_cleanly_and_write_nothing(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = yishi("transcribe", make(tmp_path), "-o", out)
    assert_one_line_error(result, message)
    assert not out.exists() or not list(out.iterdir())


def test_unwritable_output_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "minutes"
    blocker.write_text("a file where a folder should be")
    result = yishi("transcribe", SPEECH / "briefing.mp3", "-o", blocker / "out")
    assert_one_line_error(result, "無法寫入輸出目錄")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "whisper-gigantic"], "未知的模型"),
        (["--model", "./models/breeze"], "找不到模型目錄"),
        (["--format", "txt,docx"], "不支援的輸出格式"),
        (["--glossary", "nope.yaml"], "找不到詞彙表"),
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = yishi("transcribe", SPEECH / "briefing.mp3", "-o", tmp_path / "out", *args)
    assert_one_line_error(result, message)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_setting_with_a_bad_value_is_named_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "YISHI_WHISPER_DECODING": "fast", "YISHI_WHISPER_HOTWORDS": "maybe"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "yishi",
            "transcribe",
            str(SPEECH / "briefing.mp3"),
            "-o",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert_one_line_error(result, "YISHI_WHISPER_DECODING=fast（須為 batched 或 sequential）")
    assert "YISHI_WHISPER_HOTWORDS=maybe（須為 true 或 false）" in result.stderr
    assert result.returncode == 78
    assert list(tmp_path.iterdir()) == []
