"""Staff, their bound chat accounts, one-time invitation codes, the query log and seen events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yishi.db import Base


class StaffRow(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(60))
    agency: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))  # liaison | secretariat
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InviteRow(Base):
    __tablename__ = "staff_invites"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccountRow(Base):
    __tablename__ = "staff_accounts"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(10))  # line | telegram
    platform_user_id: Mapped[str] = mapped_column(String(80))
    chat_id: Mapped[str] = mapped_column(String(80))
    bound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QueryLogRow(Base):
    __tablename__ = "bot_query_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    platform: Mapped[str] = mapped_column(String(10))
    platform_user_id: Mapped[str] = mapped_column(String(80))
    staff_id: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str] = mapped_column(String(30))


class SeenEventRow(Base):
    """Webhook deliveries already handled, so a redelivery is processed once."""

    __tablename__ = "bot_seen_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
