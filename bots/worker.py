"""The answer worker: takes accepted messages from the durable inbox and answers each one.

Each message is claimed with a lease, its answer is worked out once and stored with it, the
send is recorded as begun, and the row is closed when the platform has it. A failure of the
platform (5xx, 429 flood control, network) or of the database is retried with backoff; a worker
that dies loses nothing: its leases return to the queue and the supervisor starts another.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import date
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError

from bots.conversation import CaseCard, Conversation, IncomingMessage, Reply
from bots.inbox import Claimed, Inbox, Job, worker_name
from bots.outcome import GiveUp, RetryLater
from yishi.config import Settings, get_settings
from yishi.errors import UpstreamError

log = logging.getLogger(__name__)
CONCURRENCY = 8  # messages answered at once by one worker
PRUNE_EVERY_SECONDS = 3600.0
MAX_ATTEMPTS = 30  # a message that keeps failing for another reason is given up after this


class DatabaseDown(Exception):
    """The database failed: nothing can be recorded now, the lease brings the message back."""


def _database_error(exc: BaseException) -> bool:
    return isinstance(exc, SQLAlchemyError) or (
        isinstance(exc, UpstreamError) and exc.service == "database"
    )


class PlatformBot(Protocol):
    async def deliver(self, job: Job, reply: Reply, *, previous_via: str | None) -> str: ...
    async def close(self) -> None: ...


class WorkerStatus:
    """What the worker tells its supervisor, through shared memory: a heartbeat and platforms."""

    def __init__(self, heartbeat: Any, progress: Any, platforms: Any) -> None:
        self._heartbeat = heartbeat
        self._progress = progress
        self._platforms = platforms

    @classmethod
    def create(cls, context: Any) -> WorkerStatus:
        # Without locks: a worker killed while holding one would freeze the web server's reads.
        # A torn read of the platforms' JSON reads as "nothing known yet".
        return cls(
            context.RawValue(ctypes.c_double, 0.0),
            context.RawValue(ctypes.c_double, 0.0),
            context.RawArray(ctypes.c_char, 1024),
        )

    def beat(self) -> None:
        self._heartbeat.value = time.time()

    def progressed(self) -> None:
        """One pass of the claiming loop finished (the loop is not stuck in a call)."""
        self._progress.value = time.time()

    def seconds_since_beat(self) -> float | None:
        last = self._heartbeat.value
        return None if last == 0.0 else max(time.time() - last, 0.0)

    def seconds_since_progress(self) -> float | None:
        last = self._progress.value
        return None if last == 0.0 else max(time.time() - last, 0.0)

    def reset(self) -> None:
        self._heartbeat.value = self._progress.value = 0.0

    def set_platforms(self, states: dict[str, str | None]) -> None:
        raw = json.dumps(states, ensure_ascii=False).encode("utf-8")[:1000]
        self._platforms.value = raw + b"\0"

    def platforms(self) -> dict[str, str | None]:
        raw = bytes(self._platforms).split(b"\0", 1)[0]
        try:
            value = json.loads(raw.decode("utf-8")) if raw else {}
        except (ValueError, UnicodeDecodeError):
            return {}
        return value if isinstance(value, dict) else {}


class AnswerWorker:
    def __init__(
        self,
        settings: Settings,
        status: WorkerStatus,
        *,
        bots: dict[str, PlatformBot],
        conversation: Conversation,
        inbox: Inbox,
        probes: dict[str, Callable[[], Awaitable[str | None]]] | None = None,
        name: str | None = None,
        parent_pid: int | None = None,
    ) -> None:
        self.settings = settings
        self.status = status
        self.bots = bots
        self.conversation = conversation
        self.inbox = inbox
        self.probes = probes or {}
        self.name = name or worker_name()
        self.parent_pid = parent_pid
        self.stop = asyncio.Event()
        self.in_flight: dict[int, asyncio.Task[None]] = {}

    async def run(self) -> None:
        watch = asyncio.create_task(self._watch_platforms())
        beat = asyncio.create_task(self._beat())
        try:
            await self._loop()
        finally:
            watch.cancel()
            beat.cancel()
            if self.in_flight:
                await asyncio.gather(*self.in_flight.values(), return_exceptions=True)

    async def _loop(self) -> None:
        backoff, pruned = 0.0, time.monotonic() - PRUNE_EVERY_SECONDS + 60.0
        while not self.stop.is_set():
            self.status.progressed()
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                log.warning("the web server is gone; the answer worker stops")
                break
            free = CONCURRENCY - len(self.in_flight)
            try:
                claimed = await asyncio.to_thread(
                    self.inbox.claim, self.name, limit=free,
                    lease_seconds=self.settings.bot_lease_seconds,
                )  # fmt: skip
                backoff = 0.0
            except Exception as exc:
                if not _database_error(exc):
                    raise
                backoff = min(max(backoff * 2, 0.5), 10.0)
                log.warning(
                    "inbox unreachable (%s); next try in %.1f s", type(exc).__name__, backoff
                )
                await self._sleep(backoff)
                continue
            for item in claimed:
                if item.id in self.in_flight:
                    continue  # its lease ran out while this worker still works on it
                task = asyncio.create_task(self._answer(item))
                self.in_flight[item.id] = task
                task.add_done_callback(self._forget(item.id))
            if time.monotonic() - pruned > PRUNE_EVERY_SECONDS:
                pruned = time.monotonic()
                await self._prune()
            if len(self.in_flight) >= CONCURRENCY:  # full: go on as soon as one is answered
                await asyncio.wait(list(self.in_flight.values()), timeout=1.0,
                                   return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
            elif not claimed:
                await self._sleep(self.settings.bot_poll_seconds)

    async def _prune(self) -> None:
        try:
            removed = await asyncio.to_thread(
                self.inbox.prune, inbox_days=self.settings.bot_inbox_retention_days,
                query_log_days=self.settings.bot_query_log_retention_days,
            )  # fmt: skip
            if removed:
                log.info("pruned %d old inbox rows, query-log lines and binding attempts", removed)
        except Exception:  # housekeeping must never stop the answers
            log.warning("pruning failed; tried again in an hour", exc_info=True)

    async def _beat(self) -> None:
        """The heartbeat: it stops when the event loop is blocked or the process is gone."""
        while True:
            self.status.beat()
            await asyncio.sleep(0.25)

    def _forget(self, row_id: int) -> Callable[[asyncio.Task[None]], None]:
        def forget(_task: asyncio.Task[None]) -> None:
            self.in_flight.pop(row_id, None)

        return forget

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), timeout=seconds)

    async def _answer(self, item: Claimed) -> None:
        job, bot = item.job, self.bots.get(item.job.platform)
        if item.job.kind == "unreadable":
            await self._record(self.inbox.finish, item.id, via="none", error="無法讀取的訊息內容")
            return
        if bot is None:
            await self._record(
                self.inbox.finish, item.id, via="none", error=f"{job.platform} 未設定"
            )
            return
        try:
            reply, new = await self._reply_while_leased(item)
            if reply.intent == "silent":
                await self._record(self.inbox.finish, item.id, via="none")
                return
            previous = item.sent_via if item.send_attempts else None
            still_mine = await self._until_saved(
                self.inbox.sending, item.id, previous or "reply", worker=self.name,
                lease_seconds=self.settings.bot_lease_seconds,
                reply=reply_to_dict(reply) if new else None,
            )  # fmt: skip
            if not still_mine:
                log.warning("lease on %s lost to another worker; not sent", job.event_id)
                return
            via = await bot.deliver(job, reply, previous_via=previous)
        except RetryLater as exc:
            await self._later(item, exc.after, exc.reason)
            return
        except GiveUp as exc:
            log.warning(
                "%s message %s refused for good: %s", job.platform, job.event_id, exc.reason
            )
            await self._record(self.inbox.finish, item.id, via="none", error=exc.reason)
            return
        except DatabaseDown:
            # Nothing can be written now; the row keeps its lease and comes back when it ends.
            log.warning("database unavailable while answering %s; retried later", job.event_id)
            return
        except Exception as exc:  # a bug or an SDK surprise: retried a while, never lost silently
            log.exception("answering %s failed", job.event_id)
            await self._later(item, 5.0, f"{type(exc).__name__}: {exc}"[:200])
            return
        await self._record(self.inbox.finish, item.id, via=via)

    async def _reply_while_leased(self, item: Claimed) -> tuple[Reply, bool]:
        """Work out the answer, retrying a database outage for as long as the lease lasts."""
        give_up_at = time.monotonic() + self.settings.bot_lease_seconds * 0.8
        backoff = 0.2
        while True:
            try:
                return await self._reply(item)
            except Exception as exc:
                if not _database_error(exc):
                    raise
                if time.monotonic() + backoff > give_up_at or self.stop.is_set():
                    raise DatabaseDown() from exc
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _reply(self, item: Claimed) -> tuple[Reply, bool]:
        """The stored answer of an earlier attempt, or a new one (stored before it is sent)."""
        if item.reply is not None:
            return reply_from_dict(item.reply), False
        job = item.job
        message = IncomingMessage(job.platform, job.user, job.chat, job.text, job.group, job.kind)
        loading = getattr(self.bots.get(job.platform), "loading", None)
        shown = asyncio.create_task(_after(0.5, loading(job))) if loading else None
        try:
            reply = await asyncio.to_thread(self.conversation.handle, message)
        except Exception as exc:
            if _database_error(exc):
                raise  # a question that breaks the code must not stall the queue
            log.exception("answering %s failed", job.event_id)
            reply = Reply("系統暫時無法處理這個問題，請稍後再試或洽秘書處。", "error")
        finally:
            if shown is not None:
                shown.cancel()
        return reply, True

    async def _later(self, item: Claimed, after: float, reason: str) -> None:
        age_hours = (time.time() - item.received_at) / 3600
        if age_hours > self.settings.bot_give_up_hours or item.attempts >= MAX_ATTEMPTS:
            log.warning("%s message %s given up: %s", item.job.platform, item.job.event_id, reason)
            await self._record(self.inbox.finish, item.id, via="none", error=f"放棄重試：{reason}")
            return
        delay = max(after, min(2.0 ** min(item.attempts, 8), 300.0))
        await self._record(self.inbox.retry, item.id, after=delay, error=reason)

    async def _record(self, write: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        """Write an outcome; while the database is down, keep trying (the send already happened)."""
        await self._until_saved(write, *args, **kwargs)

    async def _until_saved(self, write: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        backoff = 0.2
        while True:
            try:
                return await asyncio.to_thread(write, *args, **kwargs)
            except Exception as exc:
                if not _database_error(exc):
                    raise
                log.warning("could not record an outcome (%s); retrying", type(exc).__name__)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _watch_platforms(self) -> None:
        """Ask each platform whether it answers: at once, then every minute; sooner when down."""
        states: dict[str, str | None] = {}
        retry = 1.0
        while True:
            for name, probe in self.probes.items():
                try:
                    states[name] = await probe()
                except Exception as exc:  # a probe must never take the worker down
                    states[name] = f"{type(exc).__name__}"
            self.status.set_platforms(states)
            if any(states.values()):
                await asyncio.sleep(retry)
                retry = min(retry * 2, 60.0)
            else:
                retry = 1.0
                await asyncio.sleep(60.0)


async def _after(seconds: float, action: Callable[[], Awaitable[None]]) -> None:
    await asyncio.sleep(seconds)
    await action()


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text, "intent": reply.intent, "quick_replies": reply.quick_replies,
        "cards": [asdict(c) | {"due": c.due.isoformat()} for c in reply.cards],
    }  # fmt: skip


def reply_from_dict(data: dict[str, Any]) -> Reply:
    cards = [CaseCard(**(c | {"due": date.fromisoformat(c["due"])})) for c in data.get("cards", [])]
    return Reply(data["text"], data["intent"], cards, list(data.get("quick_replies", [])))


async def build_worker(
    settings: Settings, status: WorkerStatus, *, parent_pid: int | None = None
) -> tuple[AnswerWorker, Callable[[], Awaitable[None]]]:
    """The worker with the bots its settings configure; returns it and how to close them."""
    from bots import platform_clients, similar_from_index
    from bots.staff import StaffDirectory
    from inquiries import CaseStore

    store = CaseStore.from_settings(settings)
    staff = StaffDirectory(store.engine)
    conversation = Conversation(
        store, staff, similar=similar_from_index(settings), settings=settings
    )
    line, telegram = platform_clients(settings, staff)
    bots: dict[str, PlatformBot] = {}
    probes: dict[str, Callable[[], Awaitable[str | None]]] = {}
    if line is not None:
        bots["line"], probes["line"] = line, line.probe
    if telegram is not None:
        # Initialised (getMe) by its probe, retried until Telegram answers: never at start-up.
        bots["telegram"], probes["telegram"] = telegram, telegram.start
    worker = AnswerWorker(
        settings, status, bots=bots, conversation=conversation, inbox=Inbox(store.engine),
        probes=probes, parent_pid=parent_pid,
    )  # fmt: skip

    async def close() -> None:
        for bot in bots.values():
            with contextlib.suppress(Exception):
                await bot.close()

    return worker, close


def run(status: WorkerStatus, parent_pid: int) -> None:
    """Process entry point (started with the "spawn" method by the supervisor)."""
    # Answers can wait a moment; webhooks must be acknowledged at once. On a busy machine the
    # scheduler favours the web process.
    with contextlib.suppress(OSError):
        os.nice(10)
    logging.basicConfig(level=logging.WARNING, format="yishi-worker %(levelname)s %(message)s")
    asyncio.run(_serve(status, parent_pid))


async def _serve(status: WorkerStatus, parent_pid: int) -> None:
    worker, close = await build_worker(get_settings(), status, parent_pid=parent_pid)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop.set)  # finish what is in hand, then stop
    try:
        await worker.run()
    finally:
        await close()
