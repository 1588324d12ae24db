from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SPEECH
from tests.transcription.conftest import read_audio, write_audio
from transcription.audio import SAMPLE_RATE, DecodeReport, iter_windows, probe, quiet_cut
from yishi.errors import InputError, NotFound


def tone(seconds: float, *, freq: float = 220.0, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_probe_reads_duration_and_codec() -> None:
    info = probe(SPEECH / "briefing.mp3")
    assert info.codec.startswith("mp3")
    assert info.duration is not None and 15 < info.duration < 17


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "檔案是空的"),
        (b"this is a meeting agenda, not a recording\n" * 20, "不是可辨識的音訊"),
        (bytes(range(256)) * 64, "不是可辨識的音訊"),
    ],
)
def test_probe_rejects_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "meeting.mp3"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        probe(path)


def test_probe_missing_file() -> None:
    with pytest.raises(NotFound, match="找不到檔案"):
        probe(Path("no-such-recording.m4a"))


def test_probe_refuses_oversized_file(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "long.wav", tone(2.0))
    with pytest.raises(InputError, match="檔案過大"):
        probe(path, max_bytes=1000)


def test_probe_rejects_video_without_sound(tmp_path: Path) -> None:
    import av

    path = tmp_path / "silent-film.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(10):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            frame.pts = index
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(InputError, match="沒有音訊軌"):
        probe(path)


def test_truncated_file_still_decodes_what_is_there(tmp_path: Path) -> None:
    whole = (SPEECH / "briefing.mp3").read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(whole[: len(whole) // 2])
    report = DecodeReport()
    windows = list(iter_windows(cut, window_seconds=600, report=report))
    seconds = sum(len(w.samples) for w in windows) / SAMPLE_RATE
    assert 6 < seconds < 10


def test_windows_cover_the_audio_exactly_and_cut_in_quiet(tmp_path: Path) -> None:
    # Ten 9.5 s tones separated by 0.5 s of silence: every cut must land in a gap.
    pieces = []
    for index in range(10):
        pieces += [tone(9.5, freq=200 + 20 * index), np.zeros(SAMPLE_RATE // 2, np.float32)]
    audio = np.concatenate(pieces)
    path = write_audio(tmp_path / "tones.wav", audio)
    windows = list(iter_windows(path, window_seconds=30))
    assert len(windows) >= 3
    assert sum(len(w.samples) for w in windows) == len(read_audio(path))
    for previous, current in pairwise(windows):
        assert current.offset == pytest.approx(previous.end)
        boundary = int(current.offset * SAMPLE_RATE)
        assert np.abs(audio[boundary - 800 : boundary + 800]).max() < 0.01


def test_quiet_cut_without_any_quiet_stays_near_target() -> None:
    audio = tone(60)
    cut = quiet_cut(audio, target=40 * SAMPLE_RATE)
    assert 10 * SAMPLE_RATE <= cut <= 40 * SAMPLE_RATE
