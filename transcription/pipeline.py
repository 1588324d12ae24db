"""Recording → transcript: decode → detect speech → transcribe → convert script → flag."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transcription.audio import AudioInfo, DecodeReport, iter_windows, probe
from transcription.correction import CORRECTION_VERSION, DomainCorrector, corrector_for
from transcription.glossary import Glossary, load_glossary
from transcription.guards import SegmentEvidence, repeats_previous, review_flags
from transcription.models import resolve_model
from transcription.schema import ModelInfo, Segment, SourceInfo, Stats, Transcript, Word
from transcription.script import ScriptConverter
from transcription.sentences import split_sentences
from transcription.speakers import labels
from transcription.speakers.diarize import Diarizer
from transcription.speakers.model import load_encoder
from transcription.speakers.service import diarizer_for
from transcription.whisper import DecodeOptions, RawSegment, WhisperEngine
from yishi import __version__
from yishi.config import Settings
from yishi.errors import InputError

ProgressCallback = Callable[[float, float | None], None]

MAX_SPEAKERS = 60
NOTE_NO_SPEECH = "未偵測到語音：錄音中沒有可辨識的說話內容，逐字稿為空白。"


@dataclass(frozen=True)
class TranscribeOptions:
    model: str = "base"
    device: str = "auto"
    compute_type: str = "default"
    cpu_threads: int = 0
    language: str = "zh"
    beam_size: int = 5
    batch_size: int = 0  # 0 = by device
    decoding: str = "batched"  # batched | sequential (yishi.config.Settings.whisper_decoding)
    hotwords: bool = True  # the glossary's terms as Whisper hotwords
    initial_prompt: str = ""
    word_timestamps: bool = True
    window_seconds: float = 600.0
    vad_threshold: float = 0.5
    vad_min_silence_ms: int = 500
    vad_speech_pad_ms: int = 400
    glossary: Glossary = field(default_factory=lambda: load_glossary(None))
    cache_dir: Path = Path(".cache")
    max_audio_bytes: int | None = None
    speakers: str = "off"  # off | auto | a speaker count
    speaker_weights: Path | None = None
    correction: bool = (
        True  # restore glossary terms heard as homophones (transcription/correction.py)
    )
    names: tuple[str, ...] = ()  # people's names to restore too (councillors on the cases)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> TranscribeOptions:
        options = cls(
            model=settings.whisper_model,
            device=settings.whisper_device,
            compute_type=settings.whisper_compute_type,
            cpu_threads=settings.whisper_cpu_threads,
            language=settings.whisper_language,
            beam_size=settings.whisper_beam_size,
            batch_size=settings.whisper_batch_size,
            decoding=settings.whisper_decoding,
            hotwords=settings.whisper_hotwords,
            initial_prompt=settings.whisper_initial_prompt,
            word_timestamps=settings.whisper_word_timestamps,
            window_seconds=settings.audio_window_seconds,
            vad_threshold=settings.vad_threshold,
            vad_min_silence_ms=settings.vad_min_silence_ms,
            vad_speech_pad_ms=settings.vad_speech_pad_ms,
            glossary=load_glossary(settings.glossary_path),
            cache_dir=settings.cache_dir,
            max_audio_bytes=settings.max_audio_bytes,
            speaker_weights=settings.speaker_weights,
            correction=settings.domain_correction,
        )
        return replace(options, **{k: v for k, v in overrides.items() if v is not None})

    def decode_options(self, device: str = "cpu") -> DecodeOptions:
        return DecodeOptions(
            language=self.language,
            beam_size=self.beam_size,
            batch_size=self.batch_size or (16 if device == "cuda" else 4),
            initial_prompt=self.initial_prompt,
            hotwords=self.glossary.hotwords() if self.hotwords else None,
            word_timestamps=self.word_timestamps,
            vad_threshold=self.vad_threshold,
            vad_min_silence_ms=self.vad_min_silence_ms,
            vad_speech_pad_ms=self.vad_speech_pad_ms,
            sequential=self.decoding == "sequential",
        )


def load_engine(options: TranscribeOptions) -> WhisperEngine:
    """Load the model once; pass the engine to :func:`transcribe` for many files."""
    source = resolve_model(options.model, cache_dir=options.cache_dir)
    return WhisperEngine(
        source,
        device=options.device,
        compute_type=options.compute_type,
        cpu_threads=options.cpu_threads,
    )


def transcribe(
    path: Path,
    *,
    options: TranscribeOptions,
    engine: WhisperEngine | None = None,
    on_progress: ProgressCallback | None = None,
) -> Transcript:
    """Transcribe one recording into a reviewed, Traditional-script transcript."""
    started = time.perf_counter()
    info = probe(path, max_bytes=options.max_audio_bytes)
    speaker_count = parse_speakers(options.speakers)
    diarizer = _diarizer(options, engine) if speaker_count is not None else None
    engine = engine or load_engine(options)
    decode = options.decode_options(engine.device)
    converter = ScriptConverter(options.glossary)
    corrector = corrector_for(options.glossary, names=options.names) if options.correction else None
    report = DecodeReport()
    segments: list[Segment] = []
    diarizing = 0.0
    for window in iter_windows(path, window_seconds=options.window_seconds, report=report):
        for raw in engine.transcribe(window.samples, offset=window.offset, options=decode):
            for piece in split_sentences(raw):
                segment = _reviewed_segment(
                    piece, len(segments) + 1, converter, decode, corrector=corrector
                )
                if segment.text:
                    if segments and repeats_previous(
                        segment.text,
                        segment.end - segment.start,
                        segments[-1].text,
                        no_speech="no_speech" in segment.flags,
                    ):
                        segment.flags.insert(0, "repetition")
                    segments.append(segment)
            if on_progress:
                on_progress(raw.end, info.duration)
        if diarizer is not None:
            mark = time.perf_counter()
            diarizer.add(window.samples, window.offset)
            diarizing += time.perf_counter() - mark
        if on_progress:
            on_progress(window.end, info.duration)
    diarization = None
    if diarizer is not None:
        mark = time.perf_counter()
        diarization = diarizer.finish(speakers=speaker_count or None)
        diarizing += time.perf_counter() - mark
    elapsed = time.perf_counter() - started
    duration = report.decoded_seconds or info.duration or 0.0
    transcript = Transcript(
        created_at=datetime.now(UTC),
        yishi_version=__version__,
        source=_source_info(info, duration),
        model=ModelInfo(
            id=engine.source.model_id,
            origin=engine.source.origin,
            device=engine.device,
            compute_type=engine.compute_type,
            cpu_threads=engine.cpu_threads,
        ),
        settings=_settings_record(options, decode),
        language=options.language,
        segments=segments,
        notes=_notes(segments, report),
        stats=Stats(
            processing_seconds=round(elapsed, 3),
            real_time_factor=round(elapsed / duration, 4) if duration else 0.0,
            speech_seconds=round(sum(s.end - s.start for s in segments), 3),
            flagged_segments=sum(1 for s in segments if s.flags),
            diarization_seconds=round(diarizing, 3),
        ),
    )
    if diarizer is not None and diarization is not None:
        transcript = labels.apply(transcript, diarization)
        transcript.speaker_model = {
            "id": diarizer.encoder.info.id,
            "origin": diarizer.encoder.info.origin,
            "sha256": diarizer.encoder.info.sha256,
            "requested": options.speakers,
            "speakers_found": len(transcript.speakers),
            "windows": diarization.windows,
        }
    return transcript


def parse_speakers(value: str | int | None) -> int | None:
    """``off`` → None (no labels), ``auto`` → 0 (estimate the count), ``N`` → N speakers."""
    text = str(value if value is not None else "off").strip().lower()
    if text in ("off", "no", "none", "0", ""):
        return None
    if text == "auto":
        return 0
    if text.isdigit() and 1 <= int(text) <= MAX_SPEAKERS:
        return int(text)
    raise InputError(f"--speakers 須為 auto、off 或 1–{MAX_SPEAKERS} 的人數：{value}")


def _diarizer(options: TranscribeOptions, engine: WhisperEngine | None) -> Diarizer:
    threads = engine.cpu_threads if engine is not None else options.cpu_threads
    encoder = load_encoder(options.speaker_weights, threads=threads)
    return diarizer_for(encoder, vad_threshold=options.vad_threshold)


def _reviewed_segment(
    raw: RawSegment,
    number: int,
    converter: ScriptConverter,
    decode: DecodeOptions,
    *,
    corrector: DomainCorrector | None = None,
) -> Segment:
    text, recognised = converter.convert(raw.text), None
    if corrector is not None:
        text, recognised = corrector.reviewed(text)
    evidence = SegmentEvidence(text, raw.avg_logprob, raw.no_speech_prob, raw.compression_ratio)
    flags = review_flags(
        evidence,
        initial_prompt=decode.initial_prompt or "",
        hotwords=tuple((decode.hotwords or "").split()),
    )
    return Segment(
        id=number,
        start=round(raw.start, 3),
        end=round(raw.end, 3),
        text=text,
        recognised=recognised,
        avg_logprob=round(raw.avg_logprob, 4),
        no_speech_prob=round(raw.no_speech_prob, 4),
        compression_ratio=round(raw.compression_ratio, 3),
        flags=flags,
        words=[
            Word(
                start=round(w.start, 3),
                end=round(w.end, 3),
                word=converter.convert(w.word),
                probability=round(w.probability, 4),
            )
            for w in raw.words
        ],
    )


def _notes(segments: list[Segment], report: DecodeReport) -> list[str]:
    notes = []
    if not segments:
        notes.append(NOTE_NO_SPEECH)
    flagged = sum(1 for s in segments if s.flags)
    if flagged:
        notes.append(f"有 {flagged} 段標記為待查（疑似幻覺、重複或低信心），請對照錄音確認。")
    if report.skipped_packets:
        notes.append(f"解碼時略過 {report.skipped_packets} 個損毀的音訊封包，該處可能缺字。")
    return notes


def _source_info(info: AudioInfo, duration: float) -> SourceInfo:
    return SourceInfo(
        file=info.path.name,
        sha256=_sha256(info.path),
        size_bytes=info.size_bytes,
        duration=round(duration, 3),
        codec=info.codec,
    )


def _settings_record(options: TranscribeOptions, decode: DecodeOptions) -> dict[str, Any]:
    return {
        "beam_size": decode.beam_size,
        "decoding": "sequential" if decode.sequential else "batched",
        "batch_size": None if decode.sequential else decode.batch_size,
        "initial_prompt": decode.initial_prompt,
        "hotwords": decode.hotwords,
        "word_timestamps": decode.word_timestamps,
        "condition_on_previous_text": decode.sequential,
        "vad": {
            "threshold": decode.vad_threshold,
            "min_silence_duration_ms": decode.vad_min_silence_ms,
            "speech_pad_ms": decode.vad_speech_pad_ms,
        },
        "window_seconds": options.window_seconds,
        "speakers": options.speakers,
        "script": "OpenCC s2tw + glossary",
        "correction": CORRECTION_VERSION if options.correction else None,
        "glossary": list(options.glossary.sources),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
