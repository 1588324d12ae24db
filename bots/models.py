"""Staff, their bound chat accounts, one-time invitation codes, the query log, the inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from yishi.db import Base


class StaffRow(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(60))
    agency: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))  # liaison | secretariat | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Web console sign-in (argon2 hash); staff who only use the bots have neither.
    username: Mapped[str | None] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))


class WebSessionRow(Base):
    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(45))


class LoginAttemptRow(Base):
    __tablename__ = "web_login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)


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


class InboxRow(Base):
    """A webhook message accepted from LINE or Telegram, kept until it has been answered.

    The row is written before the platform gets its 200, so an acknowledged message survives a
    crash of the web server or the answer worker. ``(platform, event_id)`` is unique: a
    redelivery of a message already here is acknowledged and dropped.
    """

    __tablename__ = "bot_inbox"
    __table_args__ = (
        UniqueConstraint("platform", "event_id"),
        Index("ix_bot_inbox_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(10))
    event_id: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)  # the message as JSON (see bots.inbox.Job)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(10))  # pending | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    leased_by: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The answer, worked out once: a retry resends it rather than asking the database again.
    reply: Mapped[str | None] = mapped_column(Text)
    # Each time a send to the platform began; more than one means a send whose outcome was
    # lost (a crash between the platform's answer and the commit) was repeated.
    send_attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_via: Mapped[str | None] = mapped_column(String(10))  # reply | push | send | none
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))


class BindAttemptRow(Base):
    """Every binding attempt, so guessing codes is locked out per account, per code and overall."""

    __tablename__ = "bot_bind_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    platform: Mapped[str] = mapped_column(String(10))
    platform_user_id: Mapped[str] = mapped_column(String(80), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
