"""The ``jobs`` table: what long work was asked for, who runs it, how far it got, how it ended.

The broker (Celery on SQLite or Redis) only carries wake-ups; this table is the record the
console and the CLI read, whatever the broker. A job is claimed with one conditional UPDATE,
so a message delivered twice never runs a job twice. A worker that dies stops renewing its
heartbeat; :meth:`JobStore.recover` then puts the job back in the queue (or fails it with the
reason once its tries are used up). Nothing is lost silently.
"""

from __future__ import annotations

import builtins
import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    Float,
    Integer,
    String,
    Text,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from yishi.clock import as_utc, utc_now
from yishi.db import Base, session_scope

STATES = ("queued", "running", "done", "failed")
STATE_NAMES = {"queued": "排隊中", "running": "處理中", "done": "完成", "failed": "失敗"}


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(10), index=True)
    params: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    progress_done: Mapped[float] = mapped_column(Float, default=0.0)
    progress_total: Mapped[float | None] = mapped_column(Float)
    progress_note: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int | None] = mapped_column(Integer, index=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(String(120))


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    state: str
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    progress_done: float
    progress_total: float | None
    progress_note: str | None
    created_by: int | None
    meeting_id: int | None
    created_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    worker: str | None

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, self.state)

    @property
    def fraction(self) -> float | None:
        if self.state == "done":
            return 1.0
        if not self.progress_total:
            return None
        return max(0.0, min(1.0, self.progress_done / self.progress_total))

    def eta_seconds(self, at: datetime | None = None) -> float | None:
        """Seconds left at the rate so far (None until there is a rate to go by)."""
        if self.state != "running" or self.started_at is None or not self.progress_total:
            return None
        if self.progress_done <= 0:
            return None
        spent = ((at or utc_now()) - as_utc(self.started_at)).total_seconds()
        left = self.progress_total - self.progress_done
        return max(0.0, spent * left / self.progress_done)

    @property
    def wait_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return (as_utc(self.started_at) - as_utc(self.created_at)).total_seconds()

    @property
    def run_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (as_utc(self.finished_at) - as_utc(self.started_at)).total_seconds()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class JobStore:
    """Create, claim, report on and recover jobs; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        kind: str,
        params: dict[str, Any],
        *,
        created_by: int | None = None,
        meeting_id: int | None = None,
        max_attempts: int = 3,
    ) -> Job:
        row = JobRow(
            id=uuid.uuid4().hex,
            kind=kind,
            state="queued",
            params=json.dumps(params, ensure_ascii=False),
            attempts=0,
            max_attempts=max_attempts,
            progress_done=0.0,
            created_by=created_by,
            meeting_id=meeting_id,
            created_at=utc_now(),
        )
        with session_scope(self.engine) as session:
            session.add(row)
            session.flush()
            return _job(row)

    def get(self, job_id: str) -> Job | None:
        with session_scope(self.engine, read_only=True) as session:
            row = session.get(JobRow, job_id)
            return _job(row) if row is not None else None

    def list(
        self,
        *,
        states: tuple[str, ...] = (),
        meeting_id: int | None = None,
        created_by: int | None = None,
        limit: int = 50,
    ) -> builtins.list[Job]:
        query = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
        if states:
            query = query.where(JobRow.state.in_(states))
        if meeting_id is not None:
            query = query.where(JobRow.meeting_id == meeting_id)
        if created_by is not None:
            query = query.where(JobRow.created_by == created_by)
        with session_scope(self.engine, read_only=True) as session:
            return [_job(row) for row in session.scalars(query)]

    def mark_published(self, job_id: str) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                update(JobRow).where(JobRow.id == job_id).values(published_at=utc_now())
            )

    def claim(self, job_id: str, worker: str) -> Job | None:
        """Start ``job_id`` if it is queued; None when another delivery already took it."""
        at = utc_now()
        with session_scope(self.engine) as session:
            claimed = _count(
                session.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.state == "queued")
                    .values(
                        state="running",
                        attempts=JobRow.attempts + 1,
                        worker=worker,
                        started_at=at,
                        heartbeat_at=at,
                        error=None,
                    )
                    .execution_options(synchronize_session=False)
                )
            )
            if not claimed:
                return None
            row = session.get(JobRow, job_id)
            return _job(row) if row is not None else None

    def next_queued(self) -> str | None:
        """The oldest queued job's id (a worker that finished looks for work left behind)."""
        with session_scope(self.engine, read_only=True) as session:
            return session.scalar(
                select(JobRow.id)
                .where(JobRow.state == "queued")
                .order_by(JobRow.created_at)
                .limit(1)
            )

    def heartbeat(self, job_id: str, worker: str) -> bool:
        """Renew the claim; False when the job is no longer this worker's (recovered, done)."""
        with session_scope(self.engine) as session:
            return bool(
                _count(
                    session.execute(
                        update(JobRow)
                        .where(
                            JobRow.id == job_id, JobRow.state == "running", JobRow.worker == worker
                        )
                        .values(heartbeat_at=utc_now())
                        .execution_options(synchronize_session=False)
                    )
                )
            )

    def progress(
        self, job_id: str, worker: str, done: float, total: float | None, note: str | None = None
    ) -> None:
        values: dict[str, Any] = {"progress_done": done, "heartbeat_at": utc_now()}
        if total is not None:
            values["progress_total"] = total
        if note is not None:
            values["progress_note"] = note[:100]
        with session_scope(self.engine) as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.state == "running", JobRow.worker == worker)
                .values(**values)
                .execution_options(synchronize_session=False)
            )

    def finish(self, job_id: str, worker: str, result: dict[str, Any]) -> bool:
        return self._end(
            job_id, worker, state="done", result=json.dumps(result, ensure_ascii=False)
        )

    def fail(self, job_id: str, worker: str, reason: str) -> bool:
        return self._end(job_id, worker, state="failed", error=reason[:500])

    def _end(self, job_id: str, worker: str, **values: Any) -> bool:
        with session_scope(self.engine) as session:
            return bool(
                _count(
                    session.execute(
                        update(JobRow)
                        .where(
                            JobRow.id == job_id, JobRow.state == "running", JobRow.worker == worker
                        )
                        .values(finished_at=utc_now(), heartbeat_at=utc_now(), **values)
                        .execution_options(synchronize_session=False)
                    )
                )
            )

    def retry(self, job_id: str) -> Job | None:
        """Queue a failed job again (a person asked for it); its tries start over."""
        with session_scope(self.engine) as session:
            changed = _count(
                session.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.state == "failed")
                    .values(
                        state="queued",
                        attempts=0,
                        error=None,
                        worker=None,
                        started_at=None,
                        finished_at=None,
                        progress_done=0.0,
                        progress_note=None,
                    )
                    .execution_options(synchronize_session=False)
                )
            )
            row = session.get(JobRow, job_id) if changed else None
            return _job(row) if row is not None else None

    def recover(self, *, stale_seconds: float, requeue_after_seconds: float) -> Recovery:
        """Jobs whose worker went silent go back to the queue, or fail once out of tries.

        Also lists queued jobs that have waited ``requeue_after_seconds`` since they were last
        published while nothing runs: their wake-up was lost (a broker that drops unacknowledged
        messages when a worker is killed) and must be published again.
        """
        at = utc_now()
        stale_before = at - timedelta(seconds=stale_seconds)
        requeued: builtins.list[str] = []
        failed: builtins.list[str] = []
        with session_scope(self.engine) as session:
            rows = session.scalars(
                select(JobRow).where(
                    JobRow.state == "running",
                    or_(JobRow.heartbeat_at.is_(None), JobRow.heartbeat_at < stale_before),
                )
            ).all()
            for row in rows:
                if row.attempts >= row.max_attempts:
                    row.state = "failed"
                    row.finished_at = at
                    row.error = (
                        f"處理程序中斷（{row.worker or '未知'} 已無回應），"
                        f"已試 {row.attempts} 次仍未完成"
                    )
                    failed.append(row.id)
                else:
                    row.state = "queued"
                    row.error = f"處理程序中斷（{row.worker or '未知'} 已無回應），重新排入佇列"
                    row.worker = None
                    requeued.append(row.id)
            running = session.scalar(
                select(func.count()).select_from(JobRow).where(JobRow.state == "running")
            )
            waited_before = at - timedelta(seconds=requeue_after_seconds)
            # Never published (the broker was down): always. Published long ago while nothing
            # runs: the wake-up was lost. Jobs waiting behind a busy worker are left alone.
            waiting = or_(JobRow.published_at.is_(None), JobRow.published_at < waited_before)
            lost = list(
                session.scalars(
                    select(JobRow.id)
                    .where(
                        JobRow.state == "queued",
                        waiting if not running else JobRow.published_at.is_(None),
                    )
                    .order_by(JobRow.created_at)
                )
            )
            lost = [job_id for job_id in lost if job_id not in requeued]
        return Recovery(requeued=requeued, failed=failed, lost=lost)

    def release(self, worker: str) -> builtins.list[str]:
        """A worker known to be gone: its running jobs go back to the queue at once."""
        requeued: builtins.list[str] = []
        with session_scope(self.engine) as session:
            rows = session.scalars(
                select(JobRow).where(JobRow.state == "running", JobRow.worker == worker)
            ).all()
            for row in rows:
                if row.attempts >= row.max_attempts:
                    row.state, row.finished_at = "failed", utc_now()
                    row.error = f"處理程序中斷，已試 {row.attempts} 次仍未完成"
                else:
                    row.state, row.worker = "queued", None
                    row.error = "處理程序中斷，重新排入佇列"
                    requeued.append(row.id)
        return requeued

    def counts(self) -> dict[str, int]:
        with session_scope(self.engine, read_only=True) as session:
            rows = session.execute(select(JobRow.state, func.count()).group_by(JobRow.state))
            return {state: int(count) for state, count in rows}


@dataclass(frozen=True)
class Recovery:
    requeued: builtins.list[str]
    failed: builtins.list[str]
    lost: builtins.list[str]

    @property
    def to_publish(self) -> builtins.list[str]:
        return [*self.requeued, *self.lost]


def _job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        state=row.state,
        params=json.loads(row.params),
        result=json.loads(row.result) if row.result else None,
        error=row.error,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        progress_done=row.progress_done,
        progress_total=row.progress_total,
        progress_note=row.progress_note,
        created_by=row.created_by,
        meeting_id=row.meeting_id,
        created_at=as_utc(row.created_at),
        started_at=as_utc(row.started_at) if row.started_at else None,
        heartbeat_at=as_utc(row.heartbeat_at) if row.heartbeat_at else None,
        finished_at=as_utc(row.finished_at) if row.finished_at else None,
        worker=row.worker,
    )


def _count(result: object) -> int:
    """Rows an UPDATE matched (SQLAlchemy types ``execute`` as a plain Result)."""
    return int(getattr(result, "rowcount", 0) or 0)
