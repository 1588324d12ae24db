"""Who spoke when: voice activity → windowed embeddings → clustering → speaker turns.

Audio arrives in the pipeline's long windows (ten minutes by default); each is reduced to a
few hundred 192-float embeddings straight away, so a three-hour meeting holds a few MB of
embeddings, never its audio. Clustering runs once at the end over the whole meeting.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from transcription.speakers.cluster import centroids, cluster
from transcription.speakers.model import MAX_PASS_SECONDS, SpeakerEncoder

SAMPLE_RATE = 16000
WINDOW = 1.5  # seconds of speech per embedding
HOP = 0.75
MIN_WINDOW = 0.5  # shorter speech is labelled from its neighbours
STEP = 0.01  # timeline resolution of the turns
MAX_BRIDGE = 0.5  # a same-speaker pause shorter than this stays one turn

Regions = Callable[[np.ndarray], list[tuple[float, float]]]


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: int

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class Diarization:
    turns: list[Turn]
    speakers: int
    centroids: np.ndarray  # (speakers, 192), normalised; used to match enrolled voices
    speech_seconds: float
    windows: int
    _reach_cache: list[float] = field(default_factory=list, repr=False, compare=False)

    def speaker_at(self, start: float, end: float) -> int | None:
        """The speaker who talks most within [start, end] (the nearest turn if none does).

        Called for every segment and word of a meeting, so it looks only at the turns near
        [start, end] (turns are in order of start).
        """
        if not self.turns:
            return None
        reach = self._reach()
        first = bisect.bisect_right(reach, start)  # earlier turns all end by ``start``
        talk: dict[int, float] = {}
        for turn in itertools.islice(self.turns, first, None):
            if turn.start >= end:
                break
            overlap = min(end, turn.end) - max(start, turn.start)
            if overlap > 0:
                talk[turn.speaker] = talk.get(turn.speaker, 0.0) + overlap
        if talk:
            return max(talk, key=lambda s: talk[s])
        middle = (start + end) / 2
        around = self.turns[max(0, first - 1) : first + 1]
        nearest = min(around, key=lambda t: min(abs(t.start - middle), abs(t.end - middle)))
        return nearest.speaker

    def _reach(self) -> list[float]:
        """The latest end among each turn and those before it (a sorted key for bisect)."""
        if len(self._reach_cache) != len(self.turns):
            self._reach_cache = list(itertools.accumulate((t.end for t in self.turns), max))
        return self._reach_cache


@dataclass
class Diarizer:
    """Feed windows of the recording in order with :meth:`add`; then :meth:`finish`."""

    encoder: SpeakerEncoder
    regions: Regions
    _embeddings: list[np.ndarray] = field(default_factory=list)
    _spans: list[tuple[float, float]] = field(default_factory=list)
    _speech: list[tuple[float, float]] = field(default_factory=list)

    def add(self, samples: np.ndarray, offset: float) -> None:
        for start, end in self.regions(samples):
            self._speech.append((offset + start, offset + end))
            for piece_start, piece_end in _pieces(start, end):
                windows = _windows(piece_end - piece_start)
                if not windows:
                    continue
                first, last = int(piece_start * SAMPLE_RATE), int(piece_end * SAMPLE_RATE)
                self._embeddings.append(self.encoder.embed(samples[first:last], windows))
                base = offset + piece_start
                self._spans.extend((base + a, base + b) for a, b in windows)

    def embeddings(self) -> np.ndarray:
        if not self._embeddings:
            return np.zeros((0, 192), np.float32)
        return np.concatenate(self._embeddings)

    def speech_seconds(self) -> float:
        return sum(end - start for start, end in self._speech)

    def finish(self, *, speakers: int | None = None) -> Diarization:
        embeddings = self.embeddings()
        labels = cluster(embeddings, speakers=speakers)
        turns = _turns(self._spans, labels, self._speech)
        return Diarization(
            turns=turns,
            speakers=int(labels.max()) + 1 if len(labels) else 0,
            centroids=centroids(embeddings, labels) if len(labels) else np.zeros((0, 192)),
            speech_seconds=self.speech_seconds(),
            windows=len(labels),
        )


def _pieces(start: float, end: float) -> list[tuple[float, float]]:
    """Split long speech into near-equal pieces of at most MAX_PASS_SECONDS."""
    count = max(1, int(np.ceil((end - start) / MAX_PASS_SECONDS)))
    size = (end - start) / count
    return [(start + i * size, start + (i + 1) * size) for i in range(count)]


def _windows(length: float) -> list[tuple[float, float]]:
    if length < MIN_WINDOW:
        return []
    if length <= WINDOW:
        return [(0.0, length)]
    starts = list(np.arange(0.0, length - WINDOW, HOP))
    starts.append(length - WINDOW)
    return [(float(s), float(s) + WINDOW) for s in starts]


def _turns(
    spans: list[tuple[float, float]], labels: np.ndarray, speech: list[tuple[float, float]]
) -> list[Turn]:
    """Each moment of speech goes to the window whose centre is nearest; runs become turns."""
    if not len(labels):
        return []
    centres = np.array([(a + b) / 2 for a, b in spans])
    order = np.argsort(centres)
    centres, ordered = centres[order], labels[order]
    raw: list[Turn] = []
    for start, end in speech:
        times = np.arange(start, end, STEP) + STEP / 2
        right = np.clip(np.searchsorted(centres, times), 0, len(centres) - 1)
        left = np.clip(right - 1, 0, len(centres) - 1)
        pick = np.where(
            np.abs(centres[left] - times) <= np.abs(centres[right] - times), left, right
        )
        speaker_of = ordered[pick]
        changes = np.flatnonzero(np.diff(speaker_of)) + 1
        bounds = [0, *changes.tolist(), len(times)]
        for a, b in itertools.pairwise(bounds):
            raw.append(
                Turn(
                    round(max(start, times[a] - STEP / 2), 3),
                    round(min(end, times[b - 1] + STEP / 2), 3),
                    int(speaker_of[a]),
                )
            )
    merged: list[Turn] = []
    for turn in sorted(raw, key=lambda t: t.start):
        if (
            merged
            and merged[-1].speaker == turn.speaker
            and turn.start - merged[-1].end < MAX_BRIDGE
        ):
            merged[-1] = Turn(merged[-1].start, max(merged[-1].end, turn.end), turn.speaker)
        elif merged and turn.start < merged[-1].end:  # padded regions can overlap: cut evenly
            cut = round((turn.start + merged[-1].end) / 2, 3)
            merged[-1] = Turn(merged[-1].start, cut, merged[-1].speaker)
            merged.append(Turn(cut, turn.end, turn.speaker))
        else:
            merged.append(turn)
    return merged
