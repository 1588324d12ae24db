"""Naming speakers: cues, names files, enrolled voices; renaming; the writers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from tests.speaker_fixtures import build_meeting, utterances, write_wav
from transcription.schema import (
    ModelInfo,
    Segment,
    SourceInfo,
    SpeakerInfo,
    Stats,
    Transcript,
    Word,
)
from transcription.speakers.diarize import Diarization, Turn
from transcription.speakers.labels import apply, rename
from transcription.speakers.model import SpeakerEncoder
from transcription.speakers.naming import find_cues, name_from_cues, name_from_file, read_names_file
from transcription.speakers.service import (
    diarize_recording,
    enrol_from_transcript,
    enrol_recording,
    name_speakers,
)
from transcription.speakers.voices import VoiceStore
from transcription.writers import render_json, render_srt, render_txt, render_vtt
from yishi.db import make_engine, migrate
from yishi.errors import InputError, NotFound


def _transcript(lines: list[tuple[str | None, float, str]]) -> Transcript:
    segments = [
        Segment(
            id=i + 1,
            start=start,
            end=start + 3.0,
            text=text,
            avg_logprob=-0.2,
            no_speech_prob=0.01,
            compression_ratio=1.2,
            speaker=speaker,
        )
        for i, (speaker, start, text) in enumerate(lines)
    ]
    ids = sorted({s for s, _t, _x in lines if s})
    return Transcript(
        created_at=datetime.now(UTC),
        yishi_version="test",
        source=SourceInfo(file="m.wav", sha256="0" * 64, size_bytes=1, duration=100.0, codec="pcm"),
        model=ModelInfo(id="base", origin="test", device="cpu", compute_type="int8", cpu_threads=1),
        settings={},
        language="zh",
        segments=segments,
        stats=Stats(
            processing_seconds=1, real_time_factor=0.1, speech_seconds=10, flagged_segments=0
        ),
        speakers=[
            SpeakerInfo(
                id=sid,
                name=f"發言者 {sid[1:]}",
                seconds=30.0,
                turns=2,
                embedding=np.eye(192)[int(sid[1:])].tolist(),
            )
            for sid in ids
        ],
    )


COUNCIL = [
    ("S1", 0.0, "現在開會，首先請都市發展局報告社會住宅興建進度。"),
    ("S2", 5.0, "主席好，社會住宅目前興建中的有十二處。"),
    ("S1", 12.0, "謝謝都發局。接下來請王大明議員質詢。"),
    ("S3", 16.0, "我要請問都發局，為什麼進度一再延宕？"),
    ("S1", 22.0, "請都發覺回應。"),  # misheard 局
    ("S2", 25.0, "謝謝議員指教，我們會在一個月內提出改善計畫。"),
    ("S1", 31.0, "請都發局兩週內提出改善計畫。散會。"),
]


def test_chair_cues_name_the_speakers() -> None:
    named = name_from_cues(_transcript(COUNCIL))
    names = {s.id: s.name for s in named.speakers}
    assert names == {"S1": "主席", "S2": "都市發展局", "S3": "王大明議員"}
    assert all(s.source == "cue" for s in named.speakers)
    official = next(s for s in named.speakers if s.id == "S2")
    assert "請都市發展局報告" in (official.evidence or "")


def test_cues_never_name_two_speakers_alike_and_need_a_majority() -> None:
    lines = [
        ("S1", 0.0, "請交通局報告。"),
        ("S2", 4.0, "報告主席。"),
        ("S1", 8.0, "請交通局補充。"),
        ("S3", 12.0, "補充說明。"),  # the same agency's second official
        ("S1", 16.0, "請環保局說明。"),
        ("S3", 20.0, "好的。"),
    ]
    named = name_from_cues(_transcript(lines))
    names = {s.id: s.name for s in named.speakers}
    assert names["S1"] == "主席"
    assert names["S2"] == "交通局"
    assert names["S3"] == "發言者 3"  # 交通局 once, 環保局 once: no majority


def test_an_ambiguous_misheard_agency_is_not_a_cue() -> None:
    cues = find_cues(_transcript([("S1", 0.0, "首先請同時發展局報告。")]))
    assert cues == []  # 都市發展局 or 產業發展局: one character off either way


def test_no_cues_leave_default_names() -> None:
    plain = _transcript([("S1", 0.0, "大家好。"), ("S2", 3.0, "謝謝。")])
    assert [s.name for s in name_from_cues(plain).speakers] == ["發言者 1", "發言者 2"]


def test_names_file(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("# 本次出席\n發言者 1 = 蔣萬安\nS2\t李四  # tab works\n", "utf-8")
    named = name_from_file(_transcript(COUNCIL), names)
    assert [s.name for s in named.speakers] == ["蔣萬安", "李四", "發言者 3"]
    assert named.speakers[0].source == "names_file"


def test_names_file_is_all_or_nothing(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("發言者 1 = 蔣萬安\n發言者 9 = 不存在\n", "utf-8")
    with pytest.raises(InputError, match="第 2 行") as raised:
        name_from_file(_transcript(COUNCIL), names)
    assert "未套用任何名稱" in raised.value.message
    names.write_text("發言者 1 蔣萬安\n", "utf-8")
    with pytest.raises(InputError, match="第 1 行格式"):
        read_names_file(names)
    with pytest.raises(InputError, match="找不到"):
        read_names_file(tmp_path / "missing.txt")


def test_rename_changes_every_format() -> None:
    transcript = rename(_transcript(COUNCIL), "發言者 3", "王大明議員")
    assert "\n王大明議員：\n[00:00:16] 我要請問都發局" in render_txt(transcript)
    for text in (render_txt(transcript), render_srt(transcript), render_vtt(transcript)):
        assert "發言者 3" not in text
    for text in (render_srt(transcript), render_vtt(transcript)):
        assert "王大明議員：我要請問都發局" in text
    assert '"name": "王大明議員"' in render_json(transcript)
    again = rename(transcript, "王大明議員", "王議員")  # by its current name
    assert again.speaker_name("S3") == "王議員"
    with pytest.raises(InputError, match="沒有發言者「發言者 7」"):
        rename(transcript, "發言者 7", "某人")
    with pytest.raises(InputError, match="不可空白"):
        rename(transcript, "S1", "  ")


def test_formats_agree_on_who_said_what() -> None:
    transcript = name_from_cues(_transcript(COUNCIL))
    srt_blocks = render_srt(transcript).strip().split("\n\n")
    vtt_blocks = render_vtt(transcript).split("\n\n")[1:]
    txt = render_txt(transcript)
    assert txt.startswith("共 3 位發言者：主席")
    for segment, srt, vtt in zip(transcript.segments, srt_blocks, vtt_blocks, strict=True):
        name = transcript.speaker_name(segment.speaker)
        assert srt.splitlines()[2] == f"{name}：{segment.text}"
        assert vtt.splitlines()[1] == f"<v {name}>{name}：{segment.text}"
    assert txt.count("\n主席：\n") == 4  # one heading per turn of the chair


def test_a_segment_spanning_two_voices_is_split() -> None:
    words = [
        Word(start=i * 0.5, end=i * 0.5 + 0.5, word=c, probability=0.9)
        for i, c in enumerate("請都發局報告主席好本局報告")
    ]
    segment = Segment(
        id=1,
        start=0.0,
        end=6.5,
        text="請都發局報告主席好本局報告",
        avg_logprob=-0.2,
        no_speech_prob=0.0,
        compression_ratio=1.0,
        words=words,
    )
    plain = _transcript([]).model_copy(update={"segments": [segment]})
    diarization = Diarization(
        turns=[Turn(0.0, 3.0, 0), Turn(3.0, 6.5, 1)],
        speakers=2,
        centroids=np.eye(2, 192),
        speech_seconds=6.5,
        windows=8,
    )
    labelled = apply(plain, diarization)
    assert [(s.speaker, s.text) for s in labelled.segments] == [
        ("S1", "請都發局報告"),
        ("S2", "主席好本局報告"),
    ]
    assert [s.id for s in labelled.segments] == [1, 2]
    assert labelled.segments[1].start == pytest.approx(3.0)
    assert {w.speaker for w in labelled.segments[1].words} == {"S2"}
    assert [(s.id, s.turns) for s in labelled.speakers] == [("S1", 1), ("S2", 1)]


@pytest.fixture()
def voices(tmp_path: Path) -> VoiceStore:
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'voices.db'}")
    migrate(engine)
    return VoiceStore(engine)


def test_an_enrolled_voice_is_recognised_in_another_meeting(
    encoder: SpeakerEncoder, voices: VoiceStore, tmp_path: Path
) -> None:
    # Enrol v05 from six of its utterances, then meet it in a meeting of other sentences.
    alone = np.concatenate(
        [np.concatenate([u, np.zeros(4000, np.float32)]) for u in utterances("v05")[:6]]
    )
    recording = tmp_path / "mayor.wav"
    write_wav(recording, alone)
    enrolled = enrol_recording(voices, encoder, "蔣萬安", recording, max_bytes=None)
    assert enrolled.seconds > 15 and enrolled.cohesion > 0.7

    meeting = build_meeting(["v01", "v05", "v08"], 2.0, seed=21)
    path = meeting.write(tmp_path / "meeting.wav")
    diarization = diarize_recording(path, encoder)
    transcript = apply(_transcript([]), diarization)
    named = name_speakers(transcript, engine=voices.engine, threshold=0.6)
    names = [s.name for s in named.speakers]
    assert names.count("蔣萬安") == 1
    mayor = next(s for s in named.speakers if s.name == "蔣萬安")
    assert mayor.source == "enrolled" and "相似度" in (mayor.evidence or "")
    # The speaker called 蔣萬安 is the one who spoke v05's turns.
    v05 = [(a, b) for a, b, v in meeting.turns if v == "v05"]
    own = [(t.start, t.end) for t in named.speaker_turns if t.speaker == mayor.id]
    overlap = sum(max(0.0, min(b, d) - max(a, c)) for a, b in v05 for c, d in own)
    assert overlap > 0.9 * sum(b - a for a, b in v05)


def test_enrolment_refuses_too_little_or_mixed_speech(
    encoder: SpeakerEncoder, voices: VoiceStore, tmp_path: Path
) -> None:
    short = tmp_path / "short.wav"
    write_wav(short, utterances("v02")[0][:16000])
    with pytest.raises(InputError, match="至少需要 5 秒"):
        enrol_recording(voices, encoder, "某人", short, max_bytes=None)
    mixed = tmp_path / "mixed.wav"
    build_meeting(["v01", "v07", "v05", "v08"], 1.0, seed=3).write(mixed)
    with pytest.raises(InputError, match="不只一人"):
        enrol_recording(voices, encoder, "某人", mixed, max_bytes=None)
    assert voices.voices() == []


def test_enrol_from_a_transcript_and_refine(voices: VoiceStore) -> None:
    transcript = _transcript(COUNCIL)
    first = enrol_from_transcript(voices, "王大明", transcript, "發言者 3", source="a.json")
    assert first.voice.recordings == 1
    again = enrol_from_transcript(voices, "王大明", transcript, "S3", source="b.json")
    assert again.voice.recordings == 2 and again.voice.seconds == pytest.approx(60.0)
    matches = voices.match(np.eye(192)[[1, 3]], threshold=0.6)
    assert [(m.speaker, m.name) for m in matches] == [(1, "王大明")]
    voices.remove("王大明")
    assert voices.voices() == []
    with pytest.raises(NotFound):
        voices.remove("王大明")


def test_one_voice_is_not_named_chair() -> None:
    alone = _transcript([("S1", 0.0, "請都市發展局報告。"), ("S1", 4.0, "主席好，本局報告。")])
    assert [s.name for s in name_from_cues(alone).speakers] == ["發言者 1"]


def test_each_piece_keeps_what_was_recognised_in_it() -> None:
    words = [
        Word(start=i * 0.5, end=i * 0.5 + 0.5, word=c, probability=0.9)
        for i, c in enumerate("請教通局報告主席好本局報告")
    ]
    segment = Segment(
        id=1,
        start=0.0,
        end=6.5,
        text="請交通局報告主席好本局報告",
        recognised="請教通局報告主席好本局報告",
        avg_logprob=-0.2,
        no_speech_prob=0.0,
        compression_ratio=1.0,
        words=words,
    )
    diarization = Diarization(
        turns=[Turn(0.0, 3.0, 0), Turn(3.0, 6.5, 1)],
        speakers=2,
        centroids=np.eye(2, 192),
        speech_seconds=6.5,
        windows=8,
    )
    labelled = apply(_transcript([]).model_copy(update={"segments": [segment]}), diarization)
    assert [(s.text, s.recognised) for s in labelled.segments] == [
        ("請交通局報告", "請教通局報告"),
        ("主席好本局報告", None),  # nothing was corrected in it
    ]


def test_split_text_keeps_punctuation_and_glossary_fixes() -> None:
    from transcription.speakers.labels import _text_cuts

    def w(text: str) -> Word:
        return Word(start=0.0, end=0.5, word=text, probability=0.9)

    text = "現在開會，請都發局報告。主席好，本局報告。"
    runs = [
        [w("現在"), w("開會"), w("請"), w("都發舉"), w("報告")],
        [w("主席"), w("好"), w("本局"), w("報告")],
    ]
    a, b, c = _text_cuts(text, runs)
    assert (text[a:b], text[b:c]) == ("現在開會，請都發局報告。", "主席好，本局報告。")
