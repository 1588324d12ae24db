"""The job system on real parts: the jobs table, Celery workers on SQLite and Redis brokers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.conftest import ROOT, SPEECH
from transcription.meetings import MeetingStore, store_recording
from yishi.clock import utc_now
from yishi.config import get_settings
from yishi.db import get_engine, session_scope
from yishi.jobs import MEETING_JOB, broker_url, execute, recover_jobs, submit
from yishi.jobstore import JobRow, JobStore

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture()
def fast_recovery(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YISHI_JOB_STALE_SECONDS", "5")
    monkeypatch.setenv("YISHI_JOB_HEARTBEAT_SECONDS", "1")
    monkeypatch.setenv("YISHI_JOB_RECOVER_SECONDS", "1")
    get_settings.cache_clear()


def _meeting(tmp_path: Path, recording: Path = SPEECH / "briefing.mp3") -> int:
    settings = get_settings()
    upload = tmp_path / f"upload-{uuid.uuid4().hex}{recording.suffix}"
    shutil.copy(recording, upload)
    stored = store_recording(upload, data_dir=settings.data_dir, max_bytes=10**9)
    meeting = MeetingStore(get_engine(settings)).create(
        title="第2301次市政會議", meeting_type="市政會議", day=None, start_time=None,
        chair="蔣萬安", location=None, audio_path=stored.relative_path, audio_name=recording.name,
        audio_sha256=stored.sha256, audio_bytes=stored.size_bytes, audio_seconds=stored.seconds,
        created_by=None,
    )  # fmt: skip
    return meeting.id


def _worker(*, beat: bool = True) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "yishi", "worker"] + (["--beat"] if beat else [])
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True)


@pytest.fixture()
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait()


def _wait(store: JobStore, job_id: str, states: tuple[str, ...], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = store.get(job_id)
        assert job is not None
        if job.state in states:
            return
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {store.get(job_id)}")


def test_a_job_is_claimed_once_whatever_the_deliveries() -> None:
    store = JobStore(get_engine(get_settings()))
    job = store.create(MEETING_JOB, {"meeting_id": 1})
    assert store.claim(job.id, "host:1") is not None
    assert store.claim(job.id, "host:2") is None  # a second delivery of the same message
    assert execute(job.id, get_settings()) == "skipped"
    assert store.heartbeat(job.id, "host:2") is False
    assert store.finish(job.id, "host:2", {}) is False  # only the claimant may finish it
    assert store.finish(job.id, "host:1", {"ok": 1}) is True
    assert store.get(job.id).state == "done"  # type: ignore[union-attr]


def test_a_silent_worker_s_job_is_requeued_then_failed_with_the_reason() -> None:
    store = JobStore(get_engine(get_settings()))
    job = store.create(MEETING_JOB, {"meeting_id": 1}, max_attempts=2)
    store.mark_published(job.id)
    for attempt in (1, 2):
        assert store.claim(job.id, f"host:{attempt}") is not None
        with session_scope(store.engine) as session:
            session.execute(update(JobRow).values(heartbeat_at=utc_now() - timedelta(minutes=5)))
        recovery = store.recover(stale_seconds=60, requeue_after_seconds=120)
        if attempt == 1:
            assert recovery.requeued == [job.id] and store.get(job.id).state == "queued"  # type: ignore[union-attr]
    final = store.get(job.id)
    assert final is not None and final.state == "failed"
    assert "已試 2 次" in (final.error or "")


def test_lost_and_unpublished_wake_ups_are_published_again() -> None:
    store = JobStore(get_engine(get_settings()))
    never = store.create(MEETING_JOB, {"meeting_id": 1})
    long_ago = store.create(MEETING_JOB, {"meeting_id": 2})
    recent = store.create(MEETING_JOB, {"meeting_id": 3})
    for job in (long_ago, recent):
        store.mark_published(job.id)
    with session_scope(store.engine) as session:
        session.execute(
            update(JobRow)
            .where(JobRow.id == long_ago.id)
            .values(published_at=utc_now() - timedelta(minutes=10))
        )
    lost = store.recover(stale_seconds=60, requeue_after_seconds=120).lost
    assert set(lost) == {never.id, long_ago.id}
    # While a job runs, only never-published jobs count as lost (others wait their turn).
    running = store.create(MEETING_JOB, {"meeting_id": 4})
    store.claim(running.id, "host:9")
    assert store.recover(stale_seconds=60, requeue_after_seconds=120).lost == [never.id]


@pytest.mark.slow
def test_a_worker_transcribes_and_drafts_an_uploaded_meeting(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    settings = get_settings()
    meeting_id = _meeting(tmp_path)
    job = submit(MEETING_JOB, {"meeting_id": meeting_id}, meeting_id=meeting_id)
    assert broker_url(settings).startswith("sqla+sqlite:///")
    store = JobStore(get_engine(settings))
    workers.append(_worker())
    _wait(store, job.id, ("done", "failed"))
    done = store.get(job.id)
    assert done is not None and done.state == "done", done
    assert done.progress_done == pytest.approx(done.progress_total or 0, rel=0.05)
    assert done.result and done.result["segments"] >= 1
    meetings = MeetingStore(get_engine(settings))
    assert meetings.get(meeting_id).status == "ready"
    transcript = meetings.transcript(meeting_id)
    assert transcript is not None and "主任秘書" in "".join(s.text for s in transcript.segments)
    assert meetings.minutes(meeting_id) is not None
    kinds = [(r.origin, r.kind) for r in meetings.revisions(meeting_id)]
    assert ("ai", "transcript") in kinds and ("ai", "minutes") in kinds


def test_a_corrupt_recording_fails_with_the_reason(tmp_path: Path) -> None:
    settings = get_settings()
    meeting_id = _meeting(tmp_path)
    meeting = MeetingStore(get_engine(settings)).get(meeting_id)
    (settings.data_dir / meeting.audio_path).write_bytes(b"not audio at all" * 100)
    job = JobStore(get_engine(settings)).create(
        MEETING_JOB, {"meeting_id": meeting_id}, meeting_id=meeting_id
    )
    assert execute(job.id, settings) == "failed"
    failed = JobStore(get_engine(settings)).get(job.id)
    assert failed is not None and "無法讀取音訊" in (failed.error or "")
    stored = MeetingStore(get_engine(settings)).get(meeting_id)
    assert stored.status == "failed" and "無法讀取音訊" in (stored.error or "")


@pytest.mark.slow
def test_a_killed_worker_s_job_is_recovered_and_completed(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]], fast_recovery: None
) -> None:
    """SIGKILL mid-transcription: kombu's SQLite transport has already dropped the message;
    the scheduler sees the silent heartbeat, requeues the job and publishes it again."""
    settings = get_settings()
    meeting_id = _meeting(tmp_path, ROOT / "samples" / "sample_meeting.m4a")
    job = submit(MEETING_JOB, {"meeting_id": meeting_id}, meeting_id=meeting_id)
    store = JobStore(get_engine(settings))
    first = _worker()
    workers.append(first)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        current = store.get(job.id)
        if current and current.state == "running" and current.progress_done > 5:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the job never got going")
    os.killpg(first.pid, 9)
    first.wait()
    workers.append(_worker())
    _wait(store, job.id, ("done", "failed"), seconds=180)
    done = store.get(job.id)
    assert done is not None and done.state == "done", done
    assert done.attempts == 2
    assert MeetingStore(get_engine(settings)).get(meeting_id).status == "ready"


@pytest.fixture()
def redis_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    client.flushdb()
    monkeypatch.setenv("YISHI_BROKER_URL", REDIS_URL)
    get_settings.cache_clear()
    yield REDIS_URL
    client.flushdb()


@pytest.mark.slow
def test_two_workers_on_redis_share_the_queue(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]], redis_broker: str
) -> None:
    settings = get_settings()
    assert broker_url(settings) == redis_broker
    jobs = []
    for _ in range(4):
        meeting_id = _meeting(tmp_path)
        jobs.append(submit(MEETING_JOB, {"meeting_id": meeting_id}, meeting_id=meeting_id))
    workers.extend([_worker(beat=True), _worker(beat=False)])
    store = JobStore(get_engine(settings))
    for job in jobs:
        _wait(store, job.id, ("done", "failed"), seconds=180)
    finished = [store.get(job.id) for job in jobs]
    assert all(j is not None and j.state == "done" for j in finished), finished
    assert len({j.worker for j in finished if j is not None}) == 2  # both workers took jobs


def test_recovery_task_runs_without_a_broker_for_unknown_jobs() -> None:
    assert recover_jobs() == {"requeued": 0, "failed": 0, "lost": 0}
