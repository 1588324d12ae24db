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


class Segment(BaseModel):
    id: int
    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    flags: list[str] = Field(default_factory=list)
    words: list[Word] = Field(default_factory=list)


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

    @property
    def text(self) -> str:
        return "\n".join(segment.text for segment in self.segments)
