"""Enrolled voices: a stored embedding per person, matched against each meeting's speakers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import DateTime, Engine, Float, Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from transcription.speakers.model import MODEL_ID
from yishi.db import Base, session_scope
from yishi.errors import InputError, NotFound

EMBEDDING_SIZE = 192


class VoiceRow(Base):
    __tablename__ = "speaker_voices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    model_id: Mapped[str] = mapped_column(String(80))
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    seconds: Mapped[float] = mapped_column(Float)
    recordings: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Voice:
    name: str
    embedding: np.ndarray
    seconds: float
    recordings: int
    source: str
    updated_at: datetime


@dataclass(frozen=True)
class VoiceMatch:
    speaker: int  # index into the centroids
    name: str
    similarity: float


class VoiceStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def enroll(self, name: str, embedding: np.ndarray, *, seconds: float, source: str) -> Voice:
        """Store ``name``'s voice; enrolling again refines it (a mean weighted by speech time)."""
        name = name.strip()
        if not name:
            raise InputError("姓名不可空白")
        if embedding.shape != (EMBEDDING_SIZE,) or not np.isfinite(embedding).all():
            raise InputError("聲紋資料不正確，無法登錄")
        now = datetime.now(UTC)
        with session_scope(self.engine) as session:
            row = session.scalar(select(VoiceRow).where(VoiceRow.name == name))
            if row is None:
                row = VoiceRow(
                    name=name,
                    model_id=MODEL_ID,
                    embedding=b"",
                    seconds=0.0,
                    recordings=0,
                    source=source,
                    created_at=now,
                )
                session.add(row)
                mean = embedding
            else:
                old = np.frombuffer(row.embedding, np.float32)
                mean = (old * row.seconds + embedding * seconds) / (row.seconds + seconds)
                row.source = f"{row.source}; {source}"[-300:]
            row.embedding = _normalised(mean).astype(np.float32).tobytes()
            row.seconds = float(row.seconds + seconds)
            row.recordings += 1
            row.updated_at = now
            session.flush()
            return _voice(row)

    def voices(self) -> list[Voice]:
        with session_scope(self.engine, read_only=True) as session:
            rows = session.scalars(
                select(VoiceRow).where(VoiceRow.model_id == MODEL_ID).order_by(VoiceRow.name)
            )
            return [_voice(r) for r in rows]

    def remove(self, name: str) -> None:
        with session_scope(self.engine) as session:
            if session.execute(delete(VoiceRow).where(VoiceRow.name == name.strip())).rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound(f"沒有登錄名為「{name}」的聲紋")

    def match(self, centroids: np.ndarray, *, threshold: float) -> list[VoiceMatch]:
        """Each enrolled voice to at most one speaker and back, most similar pairs first."""
        voices = self.voices()
        if not voices or not len(centroids):
            return []
        enrolled = np.stack([v.embedding for v in voices])
        similarity = _normalised(centroids) @ enrolled.T
        matches: list[VoiceMatch] = []
        taken_speakers: set[int] = set()
        taken_voices: set[int] = set()
        for flat in np.argsort(-similarity, axis=None):
            speaker, voice = np.unravel_index(int(flat), similarity.shape)
            score = float(similarity[speaker, voice])
            if score < threshold:
                break
            if speaker in taken_speakers or voice in taken_voices:
                continue
            taken_speakers.add(int(speaker))
            taken_voices.add(int(voice))
            matches.append(VoiceMatch(int(speaker), voices[voice].name, round(score, 3)))
        return matches


def _normalised(vector: np.ndarray) -> np.ndarray:
    norm = np.maximum(np.linalg.norm(vector, axis=-1, keepdims=True), 1e-8)
    return np.asarray(vector / norm)


def _voice(row: VoiceRow) -> Voice:
    return Voice(
        name=row.name,
        embedding=np.frombuffer(row.embedding, np.float32).copy(),
        seconds=row.seconds,
        recordings=row.recordings,
        source=row.source,
        updated_at=row.updated_at,
    )
