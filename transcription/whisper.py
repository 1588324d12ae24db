"""Run faster-whisper on windows of audio (the only ``faster_whisper`` importer)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.utils import available_models

from transcription.guards import COMPRESSION_RATIO, LOW_LOGPROB, NO_SPEECH_PROB
from transcription.models import ModelSource
from yishi.errors import InputError, ModelError


@dataclass(frozen=True)
class DecodeOptions:
    language: str
    beam_size: int
    batch_size: int
    initial_prompt: str | None
    hotwords: str | None
    word_timestamps: bool
    vad_threshold: float
    vad_min_silence_ms: int
    vad_speech_pad_ms: int
    sequential: bool = False


@dataclass(frozen=True)
class RawWord:
    start: float
    end: float
    word: str
    probability: float


@dataclass(frozen=True)
class RawSegment:
    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    words: list[RawWord] = field(default_factory=list)


class WhisperEngine:
    """One loaded model; keep it and call :meth:`transcribe` per window."""

    def __init__(
        self, source: ModelSource, *, device: str, compute_type: str, cpu_threads: int
    ) -> None:
        self.source = source
        self.device = _resolve_device(device)
        self.compute_type = _resolve_compute_type(compute_type, self.device)
        self.cpu_threads = cpu_threads or os.cpu_count() or 1
        self._model = _load(source, self.device, self.compute_type, self.cpu_threads)
        self._pipeline = BatchedInferencePipeline(self._model)

    def transcribe(
        self, samples: np.ndarray, *, offset: float, options: DecodeOptions
    ) -> Iterator[RawSegment]:
        """Yield the window's segments with times relative to the whole recording."""
        common: dict[str, Any] = {
            "language": options.language,
            "beam_size": options.beam_size,
            "initial_prompt": options.initial_prompt or None,
            "hotwords": options.hotwords or None,
            "word_timestamps": options.word_timestamps,
            "vad_filter": True,
            "vad_parameters": {
                "threshold": options.vad_threshold,
                "min_silence_duration_ms": options.vad_min_silence_ms,
                "speech_pad_ms": options.vad_speech_pad_ms,
            },
        }
        if options.sequential:
            segments, _info = self._model.transcribe(
                samples, condition_on_previous_text=True, **common
            )
            for segment in segments:
                yield _raw(segment, offset)
            return
        # The batched pipeline never conditions on previous text, which is what long
        # meetings need: a hallucinated line cannot seed the next one.
        # https://github.com/openai/whisper/discussions/679
        segments, _info = self._pipeline.transcribe(
            samples, batch_size=options.batch_size, without_timestamps=True, **common
        )
        if not options.word_timestamps:  # a chunk's times are its own: no gap can show
            for segment in segments:
                yield _raw(segment, offset)
            return
        # Decoding a 30-second chunk as one sequence sometimes stops at a pause and drops the
        # speech after it (a stretch of several turns). Speech that no segment covers is
        # decoded again on its own, in order, before the segment that follows it.
        regions = speech_regions(
            samples,
            threshold=options.vad_threshold,
            min_silence_ms=options.vad_min_silence_ms,
            pad_ms=options.vad_speech_pad_ms,
        )
        gaps = _Gaps(regions)
        # Noise a detector takes for speech would be decoded again and again: at most this much.
        budget = _Budget(REDECODE_SHARE * sum(end - start for start, end in regions))
        for segment in segments:
            for start, end in gaps.before(segment.start, segment.end):
                if budget.take(end - start):
                    yield from self._decode_again(samples, start, end, offset, common)
            if _garbled(segment) and budget.take(segment.end - segment.start):
                # A loop ("財政局，財政局，…") or a few characters stretched over seconds of
                # speech: the batched pass has no temperature fallback, the sequential one has.
                again = list(
                    self._decode_again(samples, segment.start, segment.end, offset, common)
                )
                if again and not any(_garbled(s) for s in again):
                    yield from again
                    continue
            yield _raw(segment, offset)
        for start, end in gaps.rest():
            if budget.take(end - start):
                yield from self._decode_again(samples, start, end, offset, common)

    def _decode_again(
        self, samples: np.ndarray, start: float, end: float, offset: float, common: dict[str, Any]
    ) -> Iterator[RawSegment]:
        """Decode one stretch of speech on its own, sequentially, without the prompt (a
        prompt of names is what a looping decoder repeats)."""
        start, end = max(0.0, start - 0.2), min(len(samples) / SAMPLE_RATE, end + 0.2)
        clip = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        options = {**common, "vad_filter": False, "initial_prompt": None}
        options.pop("vad_parameters", None)
        segments, _info = self._model.transcribe(clip, condition_on_previous_text=False, **options)
        for segment in segments:
            # whisper's own test for a window with no speech in it
            if segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < LOW_LOGPROB:
                continue
            yield _raw(segment, offset + start)


SAMPLE_RATE = 16000
# A stretch of speech counts as left out when it lasts this long and segments cover less than
# half of it; left-out stretches next to each other are decoded together, up to a chunk.
GAP_MIN_SECONDS = 1.5
GAP_MAX_SECONDS = 28.0
# At most this share of a window's speech is decoded a second time.
REDECODE_SHARE = 0.25


class _Budget:
    """Seconds of speech that may still be decoded a second time."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def take(self, seconds: float) -> bool:
        if self.left < seconds:
            return False
        self.left -= seconds
        return True


class _Gaps:
    """Voice-activity regions of a window, checked off as the decoded segments cover them."""

    def __init__(self, regions: list[tuple[float, float]]) -> None:
        self._regions = regions
        self._covered = [0.0] * len(regions)
        self._next = 0  # the first region not yet passed

    def before(self, start: float, end: float) -> list[tuple[float, float]]:
        """Record a segment; return the left-out stretches that end before it starts."""
        for index, (r_start, r_end) in enumerate(self._regions):
            overlap = min(end, r_end) - max(start, r_start)
            if overlap > 0:
                self._covered[index] += overlap
        passed = self._next
        while passed < len(self._regions) and self._regions[passed][1] <= start:
            passed += 1
        return self._left_out(passed)

    def rest(self) -> list[tuple[float, float]]:
        return self._left_out(len(self._regions))

    def _left_out(self, upto: int) -> list[tuple[float, float]]:
        found: list[tuple[float, float]] = []
        for index in range(self._next, upto):
            r_start, r_end = self._regions[index]
            length = r_end - r_start
            if length < GAP_MIN_SECONDS or self._covered[index] >= length / 2:
                continue
            if found and r_start - found[-1][1] < 1.0 and r_end - found[-1][0] <= GAP_MAX_SECONDS:
                found[-1] = (found[-1][0], r_end)
            else:
                found.append((r_start, r_end))
        self._next = max(self._next, upto)
        return found


# Fewer characters than this a second over a segment this long is speech decoded away.
SPARSE_CHARS_PER_SECOND = 1.0
SPARSE_MIN_SECONDS = 4.0


# The same few characters said four times or more in a row: "財政局 財政局 財政局 財政局".
_LOOP = re.compile(r"(\w{2,6}?)(?:[\s,，、。]*\1){3,}")


def _garbled(segment: Any) -> bool:
    length = segment.end - segment.start
    chars = len(segment.text.strip())
    return (
        segment.compression_ratio > COMPRESSION_RATIO  # whisper's temperature-fallback trigger
        or bool(_LOOP.search(segment.text))
        or (length >= SPARSE_MIN_SECONDS and chars < SPARSE_CHARS_PER_SECOND * length)
    )


def _raw(segment: Any, offset: float) -> RawSegment:
    return RawSegment(
        start=offset + segment.start,
        end=offset + segment.end,
        text=segment.text,
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
        compression_ratio=float(segment.compression_ratio),
        words=[
            RawWord(
                start=offset + w.start,
                end=offset + w.end,
                word=w.word,
                probability=float(w.probability),
            )
            for w in segment.words or []
        ],
    )


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise ModelError("設定要求使用 CUDA，但這台機器沒有可用的 GPU")
    return device


def _resolve_compute_type(compute_type: str, device: str) -> str:
    if compute_type != "default":
        supported = ctranslate2.get_supported_compute_types(device)
        if compute_type not in supported:
            raise ModelError(
                f"{device} 不支援運算型別 {compute_type}（可用：{'、'.join(sorted(supported))}）"
            )
        return compute_type
    return "float16" if device == "cuda" else "int8"


def _load(source: ModelSource, device: str, compute_type: str, threads: int) -> WhisperModel:
    if not source.is_directory and source.location not in available_models():
        raise InputError(
            f"未知的模型：{source.location}"
            "（可用內建的 base、faster-whisper 模型名稱，或 CTranslate2 模型目錄）"
        )
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    try:
        return WhisperModel(
            source.location,
            device=device,
            compute_type=compute_type,
            cpu_threads=threads,
            # Never reach a model hub: a name must already be in the local cache.
            local_files_only=True,
        )
    except Exception as exc:  # faster-whisper raises hub, OS and CTranslate2 errors alike
        if source.is_directory:
            message = f"無法載入模型目錄 {source.location}：檔案損毀或格式不符"
        else:
            message = (
                f"本機沒有模型「{source.location}」；Yishi 不會自網路下載模型，"
                "請以 --model 指定已下載的 CTranslate2 模型目錄"
            )
        raise ModelError(message, detail=repr(exc)) from exc


def engine_settings(engine: WhisperEngine) -> dict[str, Any]:
    return {
        "device": engine.device,
        "compute_type": engine.compute_type,
        "cpu_threads": engine.cpu_threads,
    }


def speech_regions(
    samples: np.ndarray, *, threshold: float, min_silence_ms: int, pad_ms: int
) -> list[tuple[float, float]]:
    """Silero voice activity (faster-whisper's), as (start, end) seconds within ``samples``."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=threshold, min_silence_duration_ms=min_silence_ms, speech_pad_ms=pad_ms
    )
    stamps = get_speech_timestamps(samples, options)
    return [(s["start"] / 16000, s["end"] / 16000) for s in stamps]
