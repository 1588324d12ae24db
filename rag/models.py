"""The past question/reply records that the index is built from (the canonical copy)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yishi.db import Base


class ReplyRecordRow(Base):
    __tablename__ = "reply_records"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text)
    agency: Mapped[str | None] = mapped_column(String(40), index=True)
    councillor: Mapped[str | None] = mapped_column(String(60))
    date: Mapped[str | None] = mapped_column(String(10))
    topic: Mapped[str | None] = mapped_column(String(120))
    session: Mapped[str | None] = mapped_column(String(120))
    extra: Mapped[str] = mapped_column(Text, default="{}")
    agency_raw: Mapped[str | None] = mapped_column(String(200))  # as written, when unknown
    co_agencies: Mapped[str | None] = mapped_column(String(400))  # codes, comma-separated
    source: Mapped[str] = mapped_column(String(20), index=True)  # "file" or "case"
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
