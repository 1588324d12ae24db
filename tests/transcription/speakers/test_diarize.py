"""Diarization of multi-voice meetings built from the voice bank, with reference turns."""

from __future__ import annotations

import numpy as np
import pytest

from tests.speaker_fixtures import build_meeting
from transcription.speakers.der import diarization_error
from transcription.speakers.model import SpeakerEncoder
from transcription.speakers.service import diarizer_for

# Bank voices v03, v04 and v06 sound alike (one TTS voice re-voiced); the cases mix them in.
CASES = [
    (["v01", "v07"], 2.0, 11, 0.10),
    (["v02", "v04", "v08"], 3.0, 12, 0.10),
    (["v05", "v01", "v03", "v07"], 4.0, 13, 0.10),
    (["v06", "v02", "v05", "v08", "v03", "v07"], 5.0, 14, 0.15),
]


def _diarize(encoder: SpeakerEncoder, samples: np.ndarray, speakers: int | None = None):  # type: ignore[no-untyped-def]
    diarizer = diarizer_for(encoder)
    window = 600 * 16000
    for start in range(0, len(samples), window):
        diarizer.add(samples[start : start + window], start / 16000)
    return diarizer.finish(speakers=speakers)


@pytest.mark.parametrize(("voices", "minutes", "seed", "target"), CASES)
def test_meetings_are_diarized(
    encoder: SpeakerEncoder, voices: list[str], minutes: float, seed: int, target: float
) -> None:
    meeting = build_meeting(voices, minutes, seed=seed)
    result = _diarize(encoder, meeting.samples)
    hypothesis = [(t.start, t.end, t.speaker) for t in result.turns]
    report = diarization_error(meeting.turns, hypothesis)
    assert result.speakers == len(voices)
    assert report.der <= target, report


def test_a_noisy_meeting(encoder: SpeakerEncoder) -> None:
    meeting = build_meeting(["v01", "v05", "v02"], 3.0, seed=15, snr_db=10.0)
    result = _diarize(encoder, meeting.samples)
    report = diarization_error(meeting.turns, [(t.start, t.end, t.speaker) for t in result.turns])
    assert result.speakers == 3
    assert report.der <= 0.10


def test_given_speaker_count(encoder: SpeakerEncoder) -> None:
    meeting = build_meeting(["v01", "v04", "v08"], 2.0, seed=16)
    result = _diarize(encoder, meeting.samples, speakers=3)
    assert result.speakers == 3
    assert len(result.centroids) == 3


def test_one_speaker(encoder: SpeakerEncoder) -> None:
    meeting = build_meeting(["v02"], 1.5, seed=17)
    result = _diarize(encoder, meeting.samples)
    assert result.speakers == 1
    assert {t.speaker for t in result.turns} == {0}
    covered = sum(t.seconds for t in result.turns)
    voiced = sum(b - a for a, b, _s in meeting.turns)
    assert covered >= 0.9 * voiced


def test_silence_has_no_speakers(encoder: SpeakerEncoder) -> None:
    result = _diarize(encoder, np.zeros(16000 * 20, np.float32))
    assert result.speakers == 0
    assert result.turns == []
    assert result.speaker_at(0.0, 1.0) is None


def test_windows_across_the_pipeline_windows(encoder: SpeakerEncoder) -> None:
    """Cutting the recording into windows does not change who spoke."""
    meeting = build_meeting(["v01", "v05"], 2.0, seed=18)
    whole = _diarize(encoder, meeting.samples)
    diarizer = diarizer_for(encoder)
    step = 37 * 16000  # odd cut points, as the pipeline's quiet cuts are
    for start in range(0, len(meeting.samples), step):
        diarizer.add(meeting.samples[start : start + step], start / 16000)
    cut = diarizer.finish()
    a = diarization_error(meeting.turns, [(t.start, t.end, t.speaker) for t in whole.turns])
    b = diarization_error(meeting.turns, [(t.start, t.end, t.speaker) for t in cut.turns])
    assert cut.speakers == whole.speakers == 2
    assert abs(a.der - b.der) < 0.03


def test_speaker_at_looks_only_near_the_moment_and_agrees_with_a_full_scan() -> None:
    import random

    from transcription.speakers.diarize import Diarization, Turn

    rng = random.Random(0)
    turns, clock = [], 0.0
    for _ in range(500):
        length = rng.uniform(0.3, 8.0)
        turns.append(Turn(clock, clock + length, rng.randrange(6)))
        clock += length + rng.uniform(0.0, 1.0)
    diarization = Diarization(turns, 6, np.zeros((6, 192)), clock, 0)

    def scan(start: float, end: float) -> int:
        talk: dict[int, float] = {}
        for turn in turns:
            overlap = min(end, turn.end) - max(start, turn.start)
            if overlap > 0:
                talk[turn.speaker] = talk.get(turn.speaker, 0.0) + overlap
        if talk:
            return max(talk, key=lambda s: talk[s])
        middle = (start + end) / 2
        return min(turns, key=lambda t: min(abs(t.start - middle), abs(t.end - middle))).speaker

    for _ in range(2000):
        start = rng.uniform(-5.0, clock + 5.0)
        end = start + rng.uniform(0.0, 12.0)
        assert diarization.speaker_at(start, end) == scan(start, end)
