"""The bots' durable inbox: every accepted webhook message is a database row until answered.

The web server writes the row before LINE or Telegram gets its 200, so nothing acknowledged is
lost when the server or the answer worker dies. Workers claim rows with a lease: a row whose
worker died returns to the queue when the lease runs out, or at once when the supervisor sees
the death. Failed answers are retried with backoff until ``give_up`` and then marked failed
with the reason, never dropped silently.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bots.models import BindAttemptRow, InboxRow, QueryLogRow
from yishi.clock import as_utc
from yishi.db import session_scope
from yishi.errors import UpstreamError

PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass(frozen=True)
class Job:
    """One accepted message, platform-neutral enough for the worker to answer it."""

    platform: str  # line | telegram
    event_id: str
    kind: str  # text | other (a sticker, a photo…) | join (the bot was added to a group)
    user: str
    chat: str
    group: bool  # a group or room, where case data is never shown
    text: str = ""
    reply_token: str = ""  # LINE: single use, short-lived
    callback_id: str = ""  # Telegram: a pressed inline button to acknowledge
    at: float = 0.0  # when the platform says it was sent (epoch seconds)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Job:
        return cls(**json.loads(raw))


@dataclass(frozen=True)
class Claimed:
    id: int
    job: Job
    attempts: int
    reply: dict[str, Any] | None
    send_attempts: int
    sent_via: str | None
    received_at: float  # when the webhook was accepted (epoch seconds)


@dataclass(frozen=True)
class InboxStats:
    pending: int
    oldest_pending_seconds: float
    failed_last_day: int


def worker_name() -> str:
    """host:pid:nonce, unique per worker even when a restarted one keeps the process id."""
    import os
    import secrets

    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Inbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # The web server's side

    def accept(self, jobs: Sequence[Job]) -> int:
        """Store ``jobs`` durably; returns how many were new (redeliveries are dropped).

        Raises UpstreamError when the database cannot take them: the webhook then answers 503
        and the platform delivers again later.
        """
        if not jobs:
            return 0
        now = datetime.now(UTC)
        rows = [
            {
                "platform": job.platform, "event_id": job.event_id[:100], "payload": job.to_json(),
                "received_at": now, "state": PENDING, "attempts": 0, "next_attempt_at": now,
                "send_attempts": 0,
            }
            for job in jobs
        ]  # fmt: skip
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(InboxRow)
            .on_conflict_do_nothing(index_elements=["platform", "event_id"])
            .returning(InboxRow.id)
        )
        try:
            with session_scope(self.engine) as session:
                return len(session.execute(statement, rows).all())
        except SQLAlchemyError as exc:
            raise UpstreamError("無法寫入資料庫，訊息未受理", service="database") from exc

    # The answer worker's side

    def claim(self, worker: str, *, limit: int, lease_seconds: float) -> list[Claimed]:
        """Lease up to ``limit`` due messages to ``worker``, oldest first (one statement)."""
        if limit <= 0:
            return []
        now = datetime.now(UTC)
        due = select(InboxRow.id).where(
            InboxRow.state == PENDING,
            InboxRow.next_attempt_at <= now,
            or_(InboxRow.lease_until.is_(None), InboxRow.lease_until < now),
        )
        if self.engine.dialect.name == "sqlite":
            # Look before taking SQLite's one write lock: an idle poll must not make the
            # webhooks' inserts wait.
            with session_scope(self.engine, read_only=True) as session:
                if session.scalar(due.limit(1)) is None:
                    return []
        due = due.order_by(InboxRow.id).limit(limit)
        if self.engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claim = (
            update(InboxRow)
            .where(InboxRow.id.in_(due))
            .values(
                leased_by=worker,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=InboxRow.attempts + 1,
            )
            .returning(
                InboxRow.id, InboxRow.payload, InboxRow.attempts, InboxRow.reply,
                InboxRow.send_attempts, InboxRow.sent_via, InboxRow.received_at,
            )
        )  # fmt: skip
        with session_scope(self.engine) as session:
            rows = session.execute(claim).all()
        return [_claimed(row) for row in sorted(rows, key=lambda r: r.id)]

    def sending(
        self,
        row_id: int,
        via: str,
        *,
        worker: str,
        lease_seconds: float,
        reply: dict[str, Any] | None = None,
    ) -> bool:
        """Record that a send is about to start (so a lost outcome is known to be ambiguous),
        with the answer when it is new, and renew the lease. False when another worker holds
        the message now: then this one must not send."""
        now = datetime.now(UTC)
        values: dict[str, Any] = {
            "send_attempts": InboxRow.send_attempts + 1, "sent_via": via,
            "lease_until": now + timedelta(seconds=lease_seconds),
        }  # fmt: skip
        if reply is not None:
            values["reply"] = json.dumps(reply, ensure_ascii=False)
        with session_scope(self.engine) as session:
            result = session.execute(
                update(InboxRow)
                .where(
                    InboxRow.id == row_id, InboxRow.state == PENDING,
                    InboxRow.leased_by == worker, InboxRow.lease_until >= now,
                )
                .values(**values)
                .returning(InboxRow.id)
            )  # fmt: skip
            return result.first() is not None

    def finish(self, row_id: int, *, via: str, error: str | None = None) -> None:
        """Answered (or, with ``error``, given up for good). What the person wrote is dropped
        from the row: the query log keeps it (binding codes masked), the inbox need not."""
        with session_scope(self.engine) as session:
            row = session.get(InboxRow, row_id)
            if row is None:
                return
            row.state, row.sent_via, row.finished_at = (
                FAILED if error else DONE,
                via,
                datetime.now(UTC),
            )
            row.lease_until, row.last_error = None, error[:300] if error else None
            row.payload = _without_text(row.payload)

    def retry(self, row_id: int, *, after: float, error: str) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                update(InboxRow)
                .where(InboxRow.id == row_id)
                .values(
                    next_attempt_at=datetime.now(UTC) + timedelta(seconds=after),
                    lease_until=None, last_error=error[:300],
                )
            )  # fmt: skip

    def release(self, worker: str) -> int:
        """Return a dead worker's leased messages to the queue at once.

        ``worker`` is a name, or "host:pid:" for every worker that process ran.
        """
        holder = (
            InboxRow.leased_by.startswith(worker, autoescape=True)
            if worker.endswith(":")
            else InboxRow.leased_by == worker
        )
        with session_scope(self.engine) as session:
            result = session.execute(
                update(InboxRow)
                .where(InboxRow.state == PENDING, holder)
                .values(lease_until=None)
                .returning(InboxRow.id)
            )
            return len(result.all())

    def release_dead_local_workers(self) -> int:
        """At start: leases held by processes of this host that no longer exist."""
        host = socket.gethostname()
        with session_scope(self.engine, read_only=True) as session:
            holders = set(
                session.scalars(
                    select(InboxRow.leased_by).where(
                        InboxRow.state == PENDING, InboxRow.lease_until.is_not(None)
                    )
                )
            )
        released = 0
        for holder in holders:
            name, pid, *_ = [*(holder or "").split(":"), "", ""]
            if name == host and pid.isdigit() and not _alive(int(pid)):
                released += self.release(holder)  # type: ignore[arg-type]
        return released

    # Health and housekeeping

    def stats(self) -> InboxStats:
        now = datetime.now(UTC)
        with session_scope(self.engine, read_only=True) as session:
            pending, oldest = session.execute(
                select(func.count(), func.min(InboxRow.received_at)).where(
                    InboxRow.state == PENDING
                )
            ).one()
            failed = session.scalar(
                select(func.count()).where(
                    InboxRow.state == FAILED, InboxRow.finished_at >= now - timedelta(days=1)
                )
            )
        age = (now - as_utc(oldest)).total_seconds() if oldest else 0.0
        return InboxStats(int(pending), max(age, 0.0), int(failed or 0))

    def prune(self, *, inbox_days: int, query_log_days: int, bind_attempt_days: int = 7) -> int:
        """Forget answered messages, old query-log lines and old binding attempts."""
        now = datetime.now(UTC)
        with session_scope(self.engine) as session:
            removed = 0
            for statement in (
                delete(InboxRow).where(
                    and_(
                        InboxRow.state != PENDING,
                        InboxRow.received_at < now - timedelta(days=inbox_days),
                    )
                ),
                delete(QueryLogRow).where(QueryLogRow.at < now - timedelta(days=query_log_days)),
                delete(BindAttemptRow).where(
                    BindAttemptRow.at < now - timedelta(days=bind_attempt_days)
                ),
            ):
                removed += int(getattr(session.execute(statement), "rowcount", 0) or 0)
            return removed


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claimed(row: Any) -> Claimed:
    """A claimed row; one whose stored message cannot be read is handed over to be failed."""
    try:
        job = Job.from_json(row.payload)
        reply = json.loads(row.reply) if row.reply else None
    except (ValueError, TypeError, KeyError):
        job, reply = Job("?", str(row.id), "unreadable", "", "", False), None
    received = as_utc(row.received_at).timestamp()
    return Claimed(row.id, job, row.attempts, reply, row.send_attempts, row.sent_via, received)


def _without_text(payload: str) -> str:
    try:
        data = json.loads(payload)
    except ValueError:
        return "{}"
    if isinstance(data, dict) and data.get("text"):
        data["text"] = ""
    return json.dumps(data, ensure_ascii=False)
