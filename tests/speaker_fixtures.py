"""Multi-speaker meetings assembled from the voice bank, with exact reference turns.

``tests/data/voices/`` holds short utterances of several distinct synthetic voices (made by
``tools/make_voices.py``). A meeting is a seeded random sequence of turns: each turn one to three
utterances of one voice, pauses of 0.2–0.9 s, some very short turns ("好。") and a few
overlapping starts. Used by the speaker tests and ``bench/speakers.py``.

A voice spec is a bank voice ("v03") or a bank voice resampled by a factor ("v03*1.12"),
which moves its pitch and formants together: a further, different-sounding voice, for tests
that need many speakers.
"""

from __future__ import annotations

import csv
import wave
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from transcription.audio import SAMPLE_RATE, iter_windows

VOICES = Path(__file__).parent / "data" / "voices"
CUES = Path(__file__).parent / "data" / "speakers" / "cues.ogg"


@dataclass(frozen=True)
class Meeting:
    samples: np.ndarray
    turns: list[tuple[float, float, str]]  # reference (start, end, voice spec)

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def write(self, path: Path) -> Path:
        write_wav(path, self.samples)
        return path


def bank_voices() -> list[str]:
    return sorted(_index())


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[str, float, str]]]:
    voices: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
    with (VOICES / "index.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            voices[row["voice"]].append((row["file"], float(row["seconds"]), row["text"]))
    return dict(voices)


@lru_cache(maxsize=512)
def decode(path: Path) -> np.ndarray:
    return np.concatenate([w.samples for w in iter_windows(path, window_seconds=600)])


def utterances(spec: str) -> list[np.ndarray]:
    voice, _, factor = spec.partition("*")
    clips = [decode(VOICES / file) for file, _seconds, _text in _index()[voice]]
    if factor:
        clips = [_resample(c, float(factor)) for c in clips]
    return clips


def _resample(samples: np.ndarray, factor: float) -> np.ndarray:
    """Play ``factor`` times faster: pitch and formants up by ``factor``."""
    positions = np.arange(0, len(samples) - 1, factor)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def build_meeting(
    voices: list[str],
    minutes: float,
    *,
    seed: int = 0,
    overlap: float = 0.08,
    short_turns: float = 0.1,
    snr_db: float | None = None,
) -> Meeting:
    """A meeting of about ``minutes`` among ``voices`` (the first speaks most, like a chair)."""
    rng = np.random.default_rng(seed)
    clips = {v: utterances(v) for v in voices}
    cursor = {v: int(rng.integers(len(clips[v]))) for v in voices}
    weights = (
        np.array([3.0] + [1.0] * (len(voices) - 1)) if len(voices) > 2 else np.ones(len(voices))
    )
    weights = weights / weights.sum()
    target = int(minutes * 60 * SAMPLE_RATE)
    pieces: list[tuple[int, np.ndarray, str]] = []
    position = int(0.5 * SAMPLE_RATE)
    previous = None
    order = list(voices)  # everyone speaks once early, so every voice is in every meeting
    while position < target:
        if order:
            voice = order.pop(0)
        else:
            choices = [v for v in voices if v != previous] or list(voices)
            p = np.array([weights[voices.index(v)] for v in choices])
            voice = str(rng.choice(choices, p=p / p.sum()))
        parts = []
        for _ in range(int(rng.integers(1, 4))):
            parts.append(clips[voice][cursor[voice] % len(clips[voice])])
            cursor[voice] += 1
            parts.append(np.zeros(int(rng.uniform(0.15, 0.4) * SAMPLE_RATE), np.float32))
        turn = np.concatenate(parts[:-1])
        if previous is not None and rng.random() < short_turns:
            turn = turn[: int(rng.uniform(0.6, 1.2) * SAMPLE_RATE)]
        if pieces and rng.random() < overlap:
            position -= int(rng.uniform(0.2, 0.6) * SAMPLE_RATE)  # starts before the last ends
        pieces.append((position, turn, voice))
        position += len(turn) + int(rng.uniform(0.2, 0.9) * SAMPLE_RATE)
        previous = voice
    audio = np.zeros(position + SAMPLE_RATE, np.float32)
    turns = []
    for start, turn, voice in pieces:
        audio[start : start + len(turn)] += turn
        turns.extend(
            (round((start + a) / SAMPLE_RATE, 3), round((start + b) / SAMPLE_RATE, 3), voice)
            for a, b in _voiced(turn)
        )
    if snr_db is not None:
        power = float(np.mean(audio[np.abs(audio) > 0.02] ** 2))
        audio += rng.normal(0, np.sqrt(power / 10 ** (snr_db / 10)), audio.shape).astype(np.float32)
    return Meeting(np.clip(audio, -1, 1), turns)


def _voiced(samples: np.ndarray, *, gap: float = 0.25) -> list[tuple[int, int]]:
    """Sample ranges that carry sound, joined across pauses shorter than ``gap`` seconds."""
    frame = SAMPLE_RATE // 100
    count = len(samples) // frame
    if count == 0:
        return []
    energy = np.sqrt((samples[: count * frame].reshape(count, frame) ** 2).mean(axis=1))
    loud = energy > max(1e-3, 0.02 * float(energy.max()))
    spans: list[list[int]] = []
    for index in np.flatnonzero(loud):
        if spans and index - spans[-1][1] <= gap * 100:
            spans[-1][1] = index + 1
        else:
            spans.append([index, index + 1])
    return [(a * frame, b * frame) for a, b in spans]


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(SAMPLE_RATE)
        sink.writeframes(pcm.tobytes())
