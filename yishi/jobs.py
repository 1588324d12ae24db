"""Long work on Celery: transcription and minutes for uploaded meetings, the daily reminders.

The broker only wakes a worker; the ``jobs`` table (:mod:`yishi.jobstore`) is the record. A
message names a job id; the worker claims the row with one conditional UPDATE (a message
delivered twice runs the job once), renews a heartbeat while it works, and writes progress,
the result or the reason it failed. The scheduler (Celery beat, inside the first worker) puts
back in the queue the jobs of workers that died and publishes again wake-ups that a broker
lost, so after any crash a job completes or shows as failed with its reason.

Default broker: kombu's SQLAlchemy transport on ``<data_dir>/broker.sqlite`` (no server to
run). ``YISHI_BROKER_URL=redis://…`` or ``amqp://…`` lets workers on other machines take jobs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from celery import Celery, signals
from celery.schedules import crontab

from yishi.config import Settings, get_settings
from yishi.db import get_engine
from yishi.errors import YishiError
from yishi.jobstore import Job, JobStore, worker_name

log = logging.getLogger(__name__)

MEETING_JOB = "meeting.process"


def broker_url(settings: Settings) -> str:
    if settings.broker_url is not None:
        return settings.broker_url.get_secret_value()
    return f"sqla+sqlite:///{(settings.data_dir / 'broker.sqlite').resolve()}"


def _reminder_schedule(settings: Settings) -> crontab:
    hour, _, minute = settings.reminder_time.partition(":")
    return crontab(hour=int(hour), minute=int(minute or 0))


@lru_cache(maxsize=4)
def _celery(url: str, timezone: str, recover_seconds: float, reminder_time: str) -> Celery:
    celery = Celery("yishi", broker=url, set_as_current=False)
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    celery.conf.update(
        task_ignore_result=True,  # results and state live in the jobs table
        task_acks_late=True,  # a killed worker's message goes back (brokers that support it)
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a long job never holds others back on a busy worker
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options=_transport_options(url),
        task_default_queue="yishi",
        timezone=timezone,
        enable_utc=True,
        beat_schedule_filename=str(settings.data_dir / "beat-schedule"),
        beat_schedule={
            "recover-jobs": {"task": "yishi.recover_jobs", "schedule": recover_seconds},
            "daily-reminders": {
                "task": "yishi.send_reminders",
                "schedule": _reminder_schedule(settings),
            },
        },
    )
    celery.task(name="yishi.run_job", bind=False, acks_late=True)(run_job)
    celery.task(name="yishi.recover_jobs")(recover_jobs)
    celery.task(name="yishi.send_reminders")(send_reminders)
    return celery


def _transport_options(url: str) -> dict[str, Any]:
    if url.startswith("sqla+"):
        # kombu hands these to SQLAlchemy's create_engine: wait for SQLite's lock, don't fail.
        return {"connect_args": {"timeout": 30}}
    # Redis: a message a killed worker never acknowledged comes back after this long (the
    # scheduler's recovery usually puts the job back much sooner).
    return {"visibility_timeout": 3600}


def celery_app(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    return _celery(
        broker_url(settings), settings.timezone, settings.job_recover_seconds,
        settings.reminder_time,
    )  # fmt: skip


def submit(
    kind: str,
    params: dict[str, Any],
    *,
    settings: Settings | None = None,
    created_by: int | None = None,
    meeting_id: int | None = None,
) -> Job:
    """Record a job, then wake a worker. A broker that is down loses nothing: the scheduler
    publishes any job that was never published."""
    settings = settings or get_settings()
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind}")
    store = JobStore(get_engine(settings))
    job = store.create(
        kind, params, created_by=created_by, meeting_id=meeting_id,
        max_attempts=settings.job_max_attempts,
    )  # fmt: skip
    publish(job.id, settings)
    return job


def publish(job_id: str, settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    try:
        celery_app(settings).send_task("yishi.run_job", args=[job_id], queue="yishi")
    except Exception:  # broker unreachable: the job stays queued and unpublished
        log.warning("could not publish job %s; the scheduler will", job_id, exc_info=True)
        return False
    JobStore(get_engine(settings)).mark_published(job_id)
    return True


# Tasks --------------------------------------------------------------------------------------


def run_job(job_id: str) -> None:
    execute(job_id, get_settings())


def execute(job_id: str, settings: Settings) -> str:
    """Claim and run one job; returns its final state (or "skipped" when not ours to run)."""
    store = JobStore(get_engine(settings))
    me = worker_name()
    job = store.claim(job_id, me)
    if job is None:
        return "skipped"  # already taken, finished, or unknown: a duplicate delivery
    handler = HANDLERS.get(job.kind)
    beat = _Heartbeat(store, job.id, me, settings.job_heartbeat_seconds)
    beat.start()
    try:
        if handler is None:
            raise YishiError(f"不明的工作類型：{job.kind}")
        result = handler(job, Progress(store, job.id, me), settings)
    except YishiError as exc:
        store.fail(job.id, me, exc.message)
        _after_failure(job, exc.message, settings)
        return "failed"
    except Exception as exc:
        log.exception("job %s failed", job.id)
        reason = f"未預期的錯誤（{type(exc).__name__}：{exc}）"
        store.fail(job.id, me, reason)
        _after_failure(job, reason, settings)
        return "failed"
    finally:
        beat.stop()
    store.finish(job.id, me, result)
    return "done"


def recover_jobs() -> dict[str, int]:
    settings = get_settings()
    store = JobStore(get_engine(settings))
    recovery = store.recover(
        stale_seconds=settings.job_stale_seconds,
        requeue_after_seconds=2 * settings.job_stale_seconds,
    )
    for job_id in recovery.failed:
        job = store.get(job_id)
        if job is not None and job.error:
            _after_failure(job, job.error, settings)
    for job_id in recovery.to_publish:
        publish(job_id, settings)
    if recovery.requeued or recovery.failed or recovery.lost:
        log.warning(
            "recovered jobs: %d requeued, %d failed, %d republished",
            len(recovery.requeued), len(recovery.failed), len(recovery.lost),
        )  # fmt: skip
    return {
        "requeued": len(recovery.requeued),
        "failed": len(recovery.failed),
        "lost": len(recovery.lost),
    }


def send_reminders() -> dict[str, Any]:
    from bots.notify import remind_once

    report = asyncio.run(remind_once(get_settings()))
    return {"day": report.day.isoformat(), "sent": len(report.sent), "failed": len(report.failed)}


@dataclass
class Progress:
    """How far a job got, written at most once a second (and always at the end of a step)."""

    store: JobStore
    job_id: str
    worker: str
    _last: float = field(default=0.0)

    def __call__(
        self,
        done: float,
        total: float | None = None,
        note: str | None = None,
        *,
        force: bool = False,
    ) -> None:
        moment = time.monotonic()
        if not force and moment - self._last < 1.0:
            return
        self._last = moment
        self.store.progress(self.job_id, self.worker, done, total, note)


class _Heartbeat:
    """Renews the job's claim while it runs, even through steps that report no progress."""

    def __init__(self, store: JobStore, job_id: str, worker: str, every: float) -> None:
        self._store, self._job_id, self._worker, self._every = store, job_id, worker, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self._store.heartbeat(self._job_id, self._worker)
            except Exception:  # the database is away for a moment: the next beat tries again
                log.warning("heartbeat for job %s failed", self._job_id, exc_info=True)


# Handlers -----------------------------------------------------------------------------------


def process_meeting(job: Job, progress: Progress, settings: Settings) -> dict[str, Any]:
    """Transcribe an uploaded meeting, draft its minutes, tell the uploader."""
    import transcription
    from inquiries import CaseStore
    from inquiries.store import known_councillors
    from transcription.meetings import MeetingStore
    from transcription.minutes import MeetingHeader
    from transcription.minutes.service import draft_minutes, guess_meeting_type
    from transcription.speakers.model import SpeakerModelMissing, find_weights
    from transcription.speakers.service import name_speakers
    from yishi.audit import log_draft
    from yishi.llm import llm_from_settings

    engine = get_engine(settings)
    meetings = MeetingStore(engine)
    meeting_id = int(job.params["meeting_id"])
    meeting = meetings.get(meeting_id)
    meetings.set_status(meeting_id, "transcribing")
    recording = settings.data_dir / meeting.audio_path
    speakers = "auto"
    try:
        find_weights(settings.speaker_weights)
    except SpeakerModelMissing:
        speakers = "off"
    options = transcription.TranscribeOptions.from_settings(
        settings, speakers=speakers, names=known_councillors(settings)
    )
    progress(0.0, meeting.audio_seconds, "載入模型", force=True)
    whisper = _engine(options)
    result = transcription.transcribe(
        recording,
        options=options,
        engine=whisper,
        on_progress=lambda done, total: progress(done, total or meeting.audio_seconds, "轉寫中"),
    )
    if result.speakers:
        result = name_speakers(result, engine=engine, threshold=settings.speaker_match_threshold)
    meetings.save_recognised(meeting_id, result)
    meetings.set_status(meeting_id, "drafting")
    progress(meeting.audio_seconds, meeting.audio_seconds, "草擬紀錄", force=True)
    store = CaseStore.from_settings(settings)
    header = MeetingHeader(
        title=meeting.title,
        meeting_type=meeting.meeting_type or guess_meeting_type(meeting.title),
        date=meeting.date or store.today(),
        start_time=meeting.start_time,
        location=meeting.location,
        chair=meeting.chair,
    )
    minutes = draft_minutes(
        result, header, llm=llm_from_settings(settings), calendar=store.calendar(),
        chunk_chars=settings.llm_chunk_chars,
    )  # fmt: skip
    drafter = "語言模型" if minutes.draft.drafter == "llm" else "規則式"
    meetings.save_minutes(
        meeting_id, minutes, origin="ai", author=f"{drafter}草擬",
        summary=f"草擬完成：{len(minutes.directives)} 項裁示事項",
    )  # fmt: skip
    log_draft(
        engine,
        actor=f"job:{job.id}",
        kind="minutes",
        drafter=minutes.draft.drafter,
        model=minutes.draft.model,
        prompt_version=minutes.draft.prompt_version,
        sources=[{"meeting": meeting_id, "sha256": meeting.audio_sha256}],
        output=minutes.model_dump_json(),
    )
    meetings.set_status(meeting_id, "ready")
    if job.created_by is not None:
        _notify(
            settings, job.created_by,
            f"「{meeting.title}」已轉寫完成：{len(result.segments)} 段、"
            f"{len(minutes.directives)} 項裁示事項，請至議事助理校對。",
        )  # fmt: skip
    return {
        "meeting_id": meeting_id,
        "segments": len(result.segments),
        "directives": len(minutes.directives),
        "audio_seconds": result.source.duration,
        "processing_seconds": result.stats.processing_seconds,
    }


_ENGINES: dict[tuple[Any, ...], Any] = {}


def _engine(options: Any) -> Any:
    """One loaded Whisper model per worker process, reused by every job it runs."""
    import transcription

    key = (options.model, options.device, options.compute_type, options.cpu_threads)
    if key not in _ENGINES:
        _ENGINES.clear()  # a changed setting: free the old model first
        _ENGINES[key] = transcription.load_engine(options)
    return _ENGINES[key]


def _after_failure(job: Job, reason: str, settings: Settings) -> None:
    if job.kind != MEETING_JOB:
        return
    from transcription.meetings import MeetingStore

    meeting_id = int(job.params["meeting_id"])
    try:
        meetings = MeetingStore(get_engine(settings))
        meetings.set_status(meeting_id, "failed", reason)
        title = meetings.get(meeting_id).title
    except YishiError:
        return
    if job.created_by is not None:
        _notify(settings, job.created_by, f"「{title}」處理失敗：{reason}")


def _notify(settings: Settings, staff_id: int, text: str) -> None:
    """A chat notice is a courtesy: a platform that is down never fails the job."""
    from bots.notify import notify_staff

    try:
        asyncio.run(notify_staff(settings, staff_id, text))
    except Exception:
        log.warning("could not notify staff %s", staff_id, exc_info=True)


Handler = Callable[[Job, Progress, Settings], dict[str, Any]]
HANDLERS: dict[str, Handler] = {MEETING_JOB: process_meeting}


# Worker processes ---------------------------------------------------------------------------


def _recover_at_start(**_: Any) -> None:
    try:
        recover_jobs()
    except Exception:
        log.warning("recovery at worker start failed", exc_info=True)


signals.worker_ready.connect(_recover_at_start, weak=False)


def run_worker(settings: Settings, *, beat: bool, loglevel: str = "WARNING") -> None:
    """Run one worker in this process (one job at a time) until stopped."""
    from yishi.config import prepare_native_runtime

    prepare_native_runtime(settings)
    get_engine(settings)  # migrate before taking work
    argv = [
        "worker", "--pool=solo", "--concurrency=1", f"--loglevel={loglevel}",
        f"--hostname=yishi-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--queues=yishi",
    ]  # fmt: skip
    if beat:
        argv.append("--beat")
    celery_app(settings).worker_main(argv)


class WorkerProcesses:
    """The workers ``yishi serve`` runs beside the web server, restarted when one dies."""

    def __init__(self, settings: Settings, count: int) -> None:
        self.settings = settings
        self.count = count
        self._procs: list[subprocess.Popen[bytes] | None] = [None] * count
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.restarts = 0

    def start(self) -> None:
        for index in range(self.count):
            self._procs[index] = self._spawn(index)
        self._thread = threading.Thread(target=self._watch, name="job-workers", daemon=True)
        self._thread.start()

    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "yishi", "worker"]
        if index == 0:
            command.append("--beat")  # one scheduler: recovery and the daily reminders
        return subprocess.Popen(command, cwd=Path.cwd())

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            for index, proc in enumerate(self._procs):
                if proc is not None and proc.poll() is not None and not self._stop.is_set():
                    log.warning("job worker exited with %s; starting another", proc.returncode)
                    self._release(proc.pid)
                    self._procs[index] = self._spawn(index)
                    self.restarts += 1

    def alive(self) -> int:
        return sum(1 for p in self._procs if p is not None and p.poll() is None)

    def pids(self) -> list[int]:
        return [p.pid for p in self._procs if p is not None and p.poll() is None]

    def stop(self, grace: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for proc in self._procs:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self._procs:
            if proc is None:
                continue
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()  # a long transcription: its job goes back to the queue below
                proc.wait()
            self._release(proc.pid)

    def _release(self, pid: int) -> None:
        """A worker that is gone hands its job back at once (no waiting for it to go stale)."""
        import socket

        store = JobStore(get_engine(self.settings))
        for job_id in store.release(f"{socket.gethostname()}:{pid}"):
            publish(job_id, self.settings)
