"""Speaker labels from the command line: real processes, real audio, real files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.speaker_fixtures import CUES, build_meeting, utterances, write_wav
from tests.yishi.test_cli_transcribe import assert_one_line_error, yishi


@pytest.fixture(scope="module")
def cues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The council fixture transcribed once with speaker labels."""
    out = tmp_path_factory.mktemp("cues")
    result = yishi("transcribe", CUES, "--speakers", "auto", "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    assert "共 3 位發言者：主席" in result.stderr
    return out


@pytest.mark.slow
def test_labels_in_every_format_and_names_from_cues(cues: Path) -> None:
    data = json.loads((cues / "cues.json").read_text("utf-8"))
    reference = json.loads(CUES.with_suffix(".json").read_text("utf-8"))
    speakers = {s["id"]: s for s in data["speakers"]}
    assert len(speakers) == 3
    assert [s["name"] for s in data["speakers"]][:2] == ["主席", "都市發展局"]
    assert speakers["S1"]["source"] == "cue" and speakers["S1"]["evidence"]
    assert all(len(s["embedding"]) == 192 for s in data["speakers"])
    talk = {s["name"]: s["seconds"] for s in data["speakers"]}
    said = {}
    for turn in reference["turns"]:
        said[turn["speaker"]] = said.get(turn["speaker"], 0.0) + turn["end"] - turn["start"]
    assert talk["都市發展局"] == pytest.approx(said["official"], rel=0.15)
    assert talk["主席"] == pytest.approx(said["chair"], rel=0.35)
    assert all(s["speaker"] in speakers for s in data["segments"])
    assert all(w["speaker"] in speakers for s in data["segments"] for w in s["words"])
    # Each segment's speaker is the voice the fixture says spoke most of it.
    voice_of = {reference["voices"][k]: k for k in reference["voices"]}
    role_to_id: dict[str, str] = {}
    for segment in data["segments"]:
        middle = (segment["start"] + segment["end"]) / 2
        turn = min(
            reference["turns"],
            key=lambda t: (
                0
                if t["start"] <= middle <= t["end"]
                else min(abs(t["start"] - middle), abs(t["end"] - middle))
            ),
        )
        role_to_id.setdefault(turn["speaker"], segment["speaker"])
        assert role_to_id[turn["speaker"]] == segment["speaker"], segment
    assert len(set(role_to_id.values())) == 3 and voice_of
    srt = (cues / "cues.srt").read_text("utf-8")
    vtt = (cues / "cues.vtt").read_text("utf-8")
    txt = (cues / "cues.txt").read_text("utf-8")
    for segment in data["segments"]:
        name = speakers[segment["speaker"]]["name"]
        assert f"{name}：{segment['text']}" in srt
        assert f"<v {name}>{name}：{segment['text']}" in vtt
    assert txt.startswith("共 3 位發言者：主席（")
    assert "\n主席：\n[00:00:00]" in txt


@pytest.mark.slow
def test_rename_propagates_to_every_file(cues: Path, tmp_path: Path) -> None:
    for suffix in ("json", "txt", "srt", "vtt"):
        (tmp_path / f"cues.{suffix}").write_bytes((cues / f"cues.{suffix}").read_bytes())
    # The third voice is named from the chair's cue 「接下來請王大明議員質詢」; staff correct it.
    before = json.loads((cues / "cues.json").read_text("utf-8"))["speakers"][2]["name"]
    result = yishi("speakers", "rename", tmp_path / "cues.json", "發言者 3", "王議員")
    assert result.returncode == 0, result.stderr
    assert f"已將「{before}」改名為「王議員」" in result.stderr
    for suffix in ("txt", "srt", "vtt"):
        text = (tmp_path / f"cues.{suffix}").read_text("utf-8")
        assert "王議員：" in text and f"{before}：" not in text, suffix
    data = json.loads((tmp_path / "cues.json").read_text("utf-8"))
    assert data["speakers"][2]["name"] == "王議員"
    assert data["speakers"][2]["source"] == "manual"
    minutes = yishi(
        "minutes", tmp_path / "cues.json", "--type", "議會質詢", "-o", tmp_path, "-f", "json,md"
    )
    assert minutes.returncode == 0, minutes.stderr
    drafted = json.loads(next(tmp_path.glob("*紀錄.json")).read_text("utf-8"))
    assert [q["councillor"] for q in drafted["questions"]] == [
        "王議員"
    ]  # the name staff gave the voice
    assert "請問" in drafted["questions"][0]["text"]
    assert "## " in next(tmp_path.glob("*紀錄.md")).read_text("utf-8")
    assert "議員質詢" in next(tmp_path.glob("*紀錄.md")).read_text("utf-8")
    bad = yishi("speakers", "rename", tmp_path / "cues.json", "發言者 9", "某人")
    assert_one_line_error(bad, "沒有發言者「發言者 9」")


@pytest.mark.slow
def test_names_file_on_the_command_line(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("主席 = 蔣萬安\n發言者 3 = 王大明議員\n", "utf-8")
    result = yishi("transcribe", CUES, "--speaker-names", names, "-o", tmp_path, "-q", "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "cues.json").read_text("utf-8"))
    assert [s["name"] for s in data["speakers"]] == ["蔣萬安", "都市發展局", "王大明議員"]


def test_a_bad_names_file_fails_before_transcribing(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("這一行沒有等號\n", "utf-8")
    result = yishi("transcribe", CUES, "--speaker-names", names, "-o", tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    first, row = result.stderr.strip().splitlines()
    assert first == "錯誤：發言者名單檔有誤，未套用任何名稱："
    assert row.startswith("第 1 行格式應為")
    assert list(tmp_path.glob("cues.*")) == []


def test_bad_speaker_count(tmp_path: Path) -> None:
    result = yishi("transcribe", CUES, "--speakers", "many", "-o", tmp_path)
    assert result.returncode == 2
    assert "--speakers 須為 auto、off" in result.stderr


def test_missing_model_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YISHI_SPEAKER_WEIGHTS", str(tmp_path / "gone.pt"))
    result = yishi("transcribe", CUES, "--speakers", "2", "-o", tmp_path)
    assert result.returncode == 4
    assert_one_line_error(result, "找不到說話者模型權重檔")
    assert list(tmp_path.glob("cues.*")) == []


@pytest.mark.slow
def test_minutes_go_on_without_the_model_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YISHI_SPEAKER_WEIGHTS", str(tmp_path / "gone.pt"))
    result = yishi("minutes", CUES, "--title", "專案會議", "-o", tmp_path, "-f", "json", "-q")
    assert result.returncode == 0, result.stderr
    transcript = json.loads((tmp_path / "cues.json").read_text("utf-8"))
    assert transcript["speakers"] == []
    assert any(n.startswith("未標記發言者") for n in transcript["notes"])
    asked = yishi("minutes", CUES, "--speakers", "3", "-o", tmp_path / "x", "-q")
    assert_one_line_error(asked, "找不到說話者模型權重檔")


@pytest.mark.slow
def test_silence_has_no_speakers(tmp_path: Path) -> None:
    silent = tmp_path / "silent.wav"
    write_wav(silent, np.zeros(16000 * 15, np.float32))
    result = yishi("transcribe", silent, "--speakers", "auto", "-o", tmp_path, "-f", "json,txt")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "silent.json").read_text("utf-8"))
    assert data["speakers"] == [] and data["segments"] == []
    assert (tmp_path / "silent.txt").read_text("utf-8") == "（未偵測到語音）\n"


@pytest.mark.slow
def test_enrolled_voice_is_named_in_a_later_meeting(tmp_path: Path) -> None:
    alone = np.concatenate(
        [np.concatenate([u, np.zeros(4000, np.float32)]) for u in utterances("v04")[:8]]
    )
    recording = tmp_path / "official.wav"
    write_wav(recording, alone)
    enrolled = yishi("speakers", "enroll", "李局長", recording)
    assert enrolled.returncode == 0, enrolled.stderr
    assert "已登錄「李局長」的聲紋" in enrolled.stderr
    listed = yishi("speakers", "list")
    assert "李局長" in listed.stdout
    meeting = build_meeting(["v02", "v04"], 1.0, seed=31).write(tmp_path / "meeting.wav")
    result = yishi("transcribe", meeting, "--speakers", "auto", "-o", tmp_path, "-f", "json", "-q")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "meeting.json").read_text("utf-8"))
    names = {s["name"]: s for s in data["speakers"]}
    assert "李局長" in names and names["李局長"]["source"] == "enrolled"
    assert len(data["speakers"]) == 2
    removed = yishi("speakers", "remove", "李局長")
    assert removed.returncode == 0
    assert "李局長" not in yishi("speakers", "list").stdout
