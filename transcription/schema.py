"""The transcript as data: what ``yishi transcribe`` writes to JSON and the minutes read back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

SCHEMA_VERSION = "yishi.transcript/1"


class Word(BaseModel):
    start: float
    end: float
    word: str
    probability: float
    speaker: str | None = None


class Segment(BaseModel):
    id: int
    start: float
    end: float
    text: str
    # What the recogniser wrote, kept when the domain correction changed it (for audit).
    recognised: str | None = None
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    flags: list[str] = Field(default_factory=list)
    words: list[Word] = Field(default_factory=list)
    speaker: str | None = None  # a SpeakerInfo.id


class SpeakerInfo(BaseModel):
    """One voice in the meeting. Segments refer to ``id``; people read ``name``."""

    id: str  # "S1", "S2", … in order of first appearance; never changes
    name: str  # "發言者 1" until named; renaming changes only this
    source: str = "auto"  # auto | cue | enrolled | names_file | manual
    evidence: str | None = None  # why the name was given, for the reviewer
    seconds: float = 0.0
    turns: int = 0
    embedding: list[float] | None = None  # mean voice embedding, to enrol or match later


class SpeakerTurn(BaseModel):
    start: float
    end: float
    speaker: str


class SourceInfo(BaseModel):
    file: str
    sha256: str
    size_bytes: int
    duration: float
    codec: str


class ModelInfo(BaseModel):
    id: str
    origin: str
    device: str
    compute_type: str
    cpu_threads: int


class Stats(BaseModel):
    processing_seconds: float
    real_time_factor: float
    speech_seconds: float
    flagged_segments: int
    diarization_seconds: float = 0.0  # of processing_seconds, spent on speaker labels


class Transcript(BaseModel):
    schema_version: str = SCHEMA_VERSION
    created_at: datetime
    yishi_version: str
    source: SourceInfo
    model: ModelInfo
    settings: dict[str, Any]
    language: str
    segments: list[Segment]
    notes: list[str] = Field(default_factory=list)
    stats: Stats
    speakers: list[SpeakerInfo] = Field(default_factory=list)
    speaker_turns: list[SpeakerTurn] = Field(default_factory=list)
    speaker_model: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return "\n".join(segment.text for segment in self.segments)

    def speaker_name(self, speaker_id: str | None) -> str | None:
        """The name shown for a speaker id (None when the transcript has no speaker labels)."""
        if speaker_id is None:
            return None
        return next((s.name for s in self.speakers if s.id == speaker_id), speaker_id)
