"""Speaker labels end to end: name a labelled transcript, enrol a voice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from transcription.audio import iter_windows, probe
from transcription.schema import Transcript
from transcription.speakers.cluster import centroids, cluster
from transcription.speakers.diarize import Diarization, Diarizer
from transcription.speakers.labels import find_speaker
from transcription.speakers.model import SpeakerEncoder
from transcription.speakers.naming import (
    centroids_of,
    name_from_cues,
    name_from_file,
    name_from_voices,
)
from transcription.speakers.voices import Voice, VoiceStore
from transcription.whisper import speech_regions
from yishi.errors import InputError

# Finer voice detection than transcription's: speaker changes hide in short pauses.
MIN_SILENCE_MS = 300
PAD_MS = 100
WINDOW_SECONDS = 600.0  # audio held at once, as the transcription pipeline's default
MIN_ENROL_SECONDS = 5.0
# A second voice with more than this share of the speech: not a recording of one person.
MAX_OTHER_VOICE_SHARE = 0.15


def name_speakers(
    transcript: Transcript,
    *,
    engine: Engine | None,
    names_file: Path | None = None,
    threshold: float = 0.6,
) -> Transcript:
    """Chair's cues first, then enrolled voices, then the names file (each overrides)."""
    if not transcript.speakers:
        if names_file is not None:
            raise InputError("逐字稿沒有發言者標記，無法套用發言者名單（請加上 --speakers）")
        return transcript
    named = name_from_cues(transcript)
    if engine is not None:
        named = name_from_voices(
            named, VoiceStore(engine).match(centroids_of(named), threshold=threshold)
        )
    if names_file is not None:
        named = name_from_file(named, names_file)
    return named


@dataclass(frozen=True)
class Enrolment:
    voice: Voice
    seconds: float  # speech used from this recording
    cohesion: float  # mean similarity of its windows to their mean (1 = one steady voice)


def diarizer_for(encoder: SpeakerEncoder, *, vad_threshold: float = 0.5) -> Diarizer:
    """A diarizer with the voice-activity settings speaker labels need (finer than Whisper's)."""
    return Diarizer(
        encoder=encoder,
        regions=lambda s: speech_regions(
            s, threshold=vad_threshold, min_silence_ms=MIN_SILENCE_MS, pad_ms=PAD_MS
        ),
    )


def diarize_recording(
    recording: Path, encoder: SpeakerEncoder, *, speakers: int | None = None
) -> Diarization:
    """Speaker turns of a recording without transcribing it."""
    return _fed(recording, encoder).finish(speakers=speakers)


def _fed(recording: Path, encoder: SpeakerEncoder) -> Diarizer:
    """A diarizer that has heard the whole recording, read in windows as transcription reads it."""
    diarizer = diarizer_for(encoder)
    for window in iter_windows(recording, window_seconds=WINDOW_SECONDS):
        diarizer.add(window.samples, window.offset)
    return diarizer


def enrol_recording(
    store: VoiceStore, encoder: SpeakerEncoder, name: str, recording: Path, *, max_bytes: int | None
) -> Enrolment:
    """Enrol ``name`` from a recording of that person alone."""
    probe(recording, max_bytes=max_bytes)
    diarizer = _fed(recording, encoder)
    embeddings = diarizer.embeddings()
    speech = diarizer.speech_seconds()
    if speech < MIN_ENROL_SECONDS or not len(embeddings):
        raise InputError(
            f"{recording.name} 只有 {speech:.1f} 秒語音；登錄聲紋至少需要 {MIN_ENROL_SECONDS:.0f} 秒"
            "（建議 30 秒以上、只有本人說話的錄音）"
        )
    labels = cluster(embeddings)
    shares = np.bincount(labels) / len(labels)
    if len(shares) > 1 and np.sort(shares)[-2] > MAX_OTHER_VOICE_SHARE:
        raise InputError(
            f"{recording.name} 聽起來不只一人說話（{len(shares)} 個聲音）；"
            "請改用只有本人說話的錄音，或從逐字稿登錄（--from-transcript）"
        )
    own = embeddings[labels == int(np.argmax(shares))]  # a brief other voice is left out
    mean = centroids(own, np.zeros(len(own), np.int64))[0]
    cohesion = float((own @ mean).mean())
    voice = store.enroll(name, mean, seconds=speech, source=recording.name)
    return Enrolment(voice, speech, cohesion)


def enrol_from_transcript(
    store: VoiceStore, name: str, transcript: Transcript, label: str, *, source: str
) -> Enrolment:
    """Enrol ``name`` from a labelled speaker of an earlier meeting."""
    speaker = find_speaker(transcript, label)
    if speaker.embedding is None:
        raise InputError("逐字稿沒有保存聲紋，無法登錄（請以新版重新轉寫）")
    if speaker.seconds < MIN_ENROL_SECONDS:
        raise InputError(f"{speaker.name} 只說了 {speaker.seconds:.1f} 秒，不足以登錄聲紋")
    embedding = np.asarray(speaker.embedding, np.float32)
    voice = store.enroll(name, embedding, seconds=speaker.seconds, source=f"{source} {speaker.id}")
    return Enrolment(voice, speaker.seconds, 1.0)
