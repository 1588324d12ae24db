"""Run faster-whisper on windows of audio (the only ``faster_whisper`` importer)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.utils import available_models

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
        else:
            # The batched pipeline never conditions on previous text, which is what long
            # meetings need: a hallucinated line cannot seed the next one.
            # https://github.com/openai/whisper/discussions/679
            segments, _info = self._pipeline.transcribe(
                samples, batch_size=options.batch_size, without_timestamps=True, **common
            )
        for segment in segments:
            yield RawSegment(
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
