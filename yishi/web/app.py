"""One FastAPI app: the web console, the LINE and Telegram webhooks, the health check.

``yishi serve`` also starts the job workers (``job_workers``, default 1) beside it and restarts
one that dies.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bots import Inbox, LineWebhook, Supervisor, TelegramWebhook, line_router, telegram_router
from yishi import __version__
from yishi.config import Settings, get_settings
from yishi.db import get_engine
from yishi.web.console import install_console


def create_app(settings: Settings | None = None, *, start_workers: bool = False) -> FastAPI:
    """The app; ``start_workers`` runs ``settings.job_workers`` job workers while it runs."""
    settings = settings or get_settings()
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        inbox = Inbox(get_engine(settings))
        max_age = settings.bot_event_max_age_hours * 3600
        if settings.line_channel_secret and settings.line_channel_access_token:
            state["line"] = LineWebhook(
                channel_secret=settings.line_channel_secret.get_secret_value(),
                inbox=inbox, max_age_seconds=max_age,
            )  # fmt: skip
        if settings.telegram_bot_token and settings.telegram_webhook_secret:
            state["telegram"] = TelegramWebhook(
                secret=settings.telegram_webhook_secret.get_secret_value(),
                inbox=inbox, max_age_seconds=max_age,
            )  # fmt: skip
        state["inbox"] = inbox
        platforms = tuple(name for name in ("line", "telegram") if name in state)
        supervisor = Supervisor(settings, inbox, platforms=platforms) if platforms else None
        if supervisor is not None:
            await supervisor.start()
            state["supervisor"] = supervisor
        workers = None
        if start_workers and settings.job_workers > 0:
            from yishi.jobs import WorkerProcesses

            workers = WorkerProcesses(settings, settings.job_workers)
            await asyncio.to_thread(workers.start)
            state["workers"] = workers
        yield
        if workers is not None:
            await asyncio.to_thread(workers.stop)
        if supervisor is not None:
            await supervisor.stop()

    app = FastAPI(
        title="Yishi 議事助理", version=__version__, lifespan=lifespan,
        docs_url=None, redoc_url=None, openapi_url=None,
    )  # fmt: skip
    limit = settings.bot_max_body_bytes
    app.include_router(line_router(lambda: state.get("line"), max_body_bytes=limit))
    app.include_router(telegram_router(lambda: state.get("telegram"), max_body_bytes=limit))
    install_console(app, settings)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        body, code = await _health(settings, state)
        return JSONResponse(body, status_code=code)

    return app


async def _health(settings: Settings, state: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """ok, or degraded with the reasons; 503 when messages cannot be taken or answered."""
    body: dict[str, Any] = {"status": "ok", "version": __version__}
    problems: list[str] = []
    serious = False
    inbox: Inbox | None = state.get("inbox")
    if inbox is not None:
        try:
            stats = await asyncio.wait_for(asyncio.to_thread(inbox.stats), timeout=3.0)
            body["database"] = "ok"
            body["queue"] = {
                "pending": stats.pending,
                "oldest_pending_seconds": round(stats.oldest_pending_seconds, 1),
                "failed_last_day": stats.failed_last_day,
            }
            if stats.pending and stats.oldest_pending_seconds > 2 * settings.bot_stall_seconds:
                problems.append("待回覆訊息積壓")
        except Exception:  # unreachable, or too slow to answer
            body["database"] = "unreachable"
            problems.append("資料庫無法連線")
            serious = True
    supervisor: Supervisor | None = state.get("supervisor")
    if supervisor is not None:
        body |= supervisor.health()
        worker_state = body["worker"]["state"]
        if worker_state not in ("ok", "starting"):
            problems.append("回覆程序異常")
            serious = True
        for name, platform in body["platforms"].items():
            if platform["state"] == "degraded":
                problems.append(f"{'LINE' if name == 'line' else 'Telegram'} 無法連線")
    else:
        body["platforms"] = {}
    workers = state.get("workers")
    if workers is not None:
        alive = workers.alive()
        body["job_workers"] = {
            "running": alive,
            "wanted": workers.count,
            "restarts": workers.restarts,
        }
        if alive == 0:
            problems.append("背景工作程序未執行")
    if inbox is not None and body.get("database") == "ok":
        try:
            from yishi.jobstore import JobStore

            counts = await asyncio.to_thread(JobStore(inbox.engine).counts)
            body["jobs"] = counts
        except Exception:
            pass
    if problems:
        body["status"] = "degraded"
        body["problems"] = problems
    return body, 503 if serious else 200
