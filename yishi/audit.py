"""The AI audit log: every transcript, minutes draft and reply draft, with model and prompt."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from yishi.db import Base, session_scope


class DraftLogRow(Base):
    __tablename__ = "ai_draft_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    drafter: Mapped[str] = mapped_column(String(20))
    model: Mapped[str | None] = mapped_column(String(200))
    prompt_version: Mapped[str | None] = mapped_column(String(200))
    sources: Mapped[str] = mapped_column(Text)
    output_sha256: Mapped[str] = mapped_column(String(64))
    output: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class DraftLogEntry:
    id: int
    at: datetime
    actor: str
    kind: str
    drafter: str
    model: str | None
    prompt_version: str | None
    sources: list[Any]
    output_sha256: str


def log_draft(
    engine: Engine,
    *,
    actor: str,
    kind: str,
    drafter: str,
    model: str | None,
    prompt_version: str | None,
    sources: list[Any],
    output: str,
) -> int:
    """Record one AI output; returns its log id."""
    with session_scope(engine) as session:
        row = DraftLogRow(
            at=datetime.now(UTC),
            actor=actor,
            kind=kind,
            drafter=drafter,
            model=model,
            prompt_version=prompt_version,
            sources=json.dumps(sources, ensure_ascii=False, default=str),
            output_sha256=hashlib.sha256(output.encode("utf-8")).hexdigest(),
            output=output,
        )
        session.add(row)
        session.flush()
        return row.id


def draft_log(engine: Engine, *, kind: str | None = None, limit: int = 50) -> list[DraftLogEntry]:
    with session_scope(engine) as session:
        statement = select(DraftLogRow).order_by(DraftLogRow.id.desc()).limit(limit)
        if kind:
            statement = statement.where(DraftLogRow.kind == kind)
        return [
            DraftLogEntry(
                r.id,
                r.at,
                r.actor,
                r.kind,
                r.drafter,
                r.model,
                r.prompt_version,
                json.loads(r.sources),
                r.output_sha256,
            )
            for r in session.scalars(statement)
        ]
