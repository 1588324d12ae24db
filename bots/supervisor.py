"""Keeps the answer worker alive beside the web server, and says how the bots are doing.

The worker runs in its own process (``bot_workers = 1``) or as a task in the server's event
loop (``0``). Either way the supervisor restarts it when it dies or stops beating, hands the
dead worker's leased messages back to the queue at once, and reports for ``/healthz``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import socket
import time
from collections import deque
from typing import Any

from bots import worker as answer_worker
from bots.inbox import Inbox
from yishi.config import Settings

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 0.5


class Supervisor:
    def __init__(self, settings: Settings, inbox: Inbox, *, platforms: tuple[str, ...]) -> None:
        self.settings = settings
        self.inbox = inbox
        self.platforms = platforms  # the configured ones
        self.context = multiprocessing.get_context("spawn")
        self.status = answer_worker.WorkerStatus.create(self.context)
        self.process: Any = None
        self.task: asyncio.Task[None] | None = None
        self.worker_name: str | None = None
        self.restarts = 0
        self.recent_restarts: deque[float] = deque(maxlen=5)
        self.last_exit: str | None = None
        self.state = "starting"
        self.started_at = time.monotonic()
        self._watch: asyncio.Task[None] | None = None
        self._in_process_worker: answer_worker.AnswerWorker | None = None

    async def start(self) -> None:
        with contextlib.suppress(Exception):  # a database outage must not stop the server
            released = await asyncio.to_thread(self.inbox.release_dead_local_workers)
            if released:
                log.warning(
                    "%d messages of a worker that died were put back in the queue", released
                )
        self._launch()
        self._watch = asyncio.create_task(self._watch_loop())

    def _launch(self) -> None:
        self.status.reset()
        if self.settings.bot_workers == 0:
            self.task = asyncio.create_task(self._in_process())
            self.worker_name = None  # known once the worker is built (see _in_process)
        else:
            self.process = self.context.Process(
                target=answer_worker.run, args=(self.status, os.getpid()),
                name="yishi-bots-worker", daemon=True,
            )  # fmt: skip
            self.process.start()
            # Every worker name that process takes starts so (inbox.worker_name).
            self.worker_name = f"{socket.gethostname()}:{self.process.pid}:"
        self.state = "starting"
        self.started_at = time.monotonic()

    async def _in_process(self) -> None:
        worker, close = await answer_worker.build_worker(self.settings, self.status)
        self._in_process_worker, self.worker_name = worker, worker.name
        try:
            await worker.run()
        finally:
            await close()

    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def _alive(self) -> bool:
        if self.process is not None:
            return bool(self.process.is_alive())
        return self.task is not None and not self.task.done()

    async def _watch_loop(self) -> None:
        while True:
            await asyncio.sleep(CHECK_EVERY_SECONDS)
            try:
                await self._check()
            except Exception:  # the watchdog itself must keep running
                log.exception("worker supervision failed")

    async def _check(self) -> None:
        silence = self.status.seconds_since_beat()
        stalled = self.status.seconds_since_progress()
        since_start = time.monotonic() - self.started_at
        if not self._alive():
            self.last_exit = self._exit_reason()
            log.warning("answer worker died (%s); restarting", self.last_exit)
            await self._restart()
        elif silence is None and since_start > max(self.settings.bot_stall_seconds, 60.0):
            self.last_exit = "啟動逾時"
            await self._kill_and_restart()
        elif silence is not None and silence > self.settings.bot_stall_seconds:
            self.last_exit = f"停止回應 {silence:.0f} 秒"
            log.warning("answer worker silent for %.0f s; restarting", silence)
            await self._kill_and_restart()
        elif stalled is not None and stalled > max(2 * self.settings.bot_stall_seconds, 90.0):
            # Beating, but its loop has not come round: stuck in a call that never returns.
            self.last_exit = f"處理迴圈停滯 {stalled:.0f} 秒"
            log.warning("answer worker loop stuck for %.0f s; restarting", stalled)
            await self._kill_and_restart()
        else:
            self.state = "ok" if silence is not None else "starting"

    def _exit_reason(self) -> str:
        if self.process is not None:
            return f"結束代碼 {self.process.exitcode}"
        if self.task is not None and self.task.done() and not self.task.cancelled():
            error = self.task.exception()
            return f"錯誤 {type(error).__name__}" if error else "已結束"
        return "已結束"

    async def _kill_and_restart(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            await asyncio.to_thread(self.process.join, 5)
        elif self.task is not None:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task
        await self._restart()

    async def _restart(self) -> None:
        self.state = "restarting"
        if self.worker_name:
            with contextlib.suppress(Exception):  # released by lease expiry if the DB is down
                await asyncio.to_thread(self.inbox.release, self.worker_name)
        now = time.monotonic()
        if (
            len(self.recent_restarts) == self.recent_restarts.maxlen
            and now - self.recent_restarts[0] < 60
        ):
            await asyncio.sleep(5.0)  # crashing in a loop: don't spin
        self.recent_restarts.append(now)
        self.restarts += 1
        self._launch()

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if self.process is not None and self.process.is_alive():
            self.process.terminate()  # the worker finishes what it holds, then exits
            await asyncio.to_thread(self.process.join, 20)
            if self.process.is_alive():
                self.process.kill()
        if self.task is not None:
            worker = self._in_process_worker
            if worker is not None:
                worker.stop.set()
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(self.task, 20)
            self.task.cancel()

    def health(self) -> dict[str, Any]:
        silence = self.status.seconds_since_beat()
        platform_problems = self.status.platforms()
        return {
            "worker": {
                "state": self.state,
                "pid": self.pid(),
                "restarts": self.restarts,
                "last_exit": self.last_exit,
                "seconds_since_heartbeat": None if silence is None else round(silence, 1),
                "seconds_since_progress": _rounded(self.status.seconds_since_progress()),
            },
            "platforms": {
                name: (
                    {"state": "starting"}
                    if name not in platform_problems
                    else {"state": "degraded", "reason": platform_problems[name]}
                    if platform_problems[name]
                    else {"state": "ok"}
                )
                for name in self.platforms
            },
        }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)
