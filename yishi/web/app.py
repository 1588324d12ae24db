"""One FastAPI app serving the LINE and Telegram webhooks and the health check."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bots import line_router, start_bots, telegram_router
from bots import worker as bots_worker
from yishi import __version__
from yishi.config import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    state: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = queue = None
        if settings.bot_workers:
            context = multiprocessing.get_context("spawn")
            queue = context.Queue()
            worker = context.Process(
                target=bots_worker.run, args=(queue,), name="yishi-bots-worker", daemon=True
            )
            worker.start()
        bots = await start_bots(settings, dispatch=queue.put if queue is not None else None)
        state.update({name: bot for name, bot in vars(bots).items() if bot is not None})
        yield
        await bots.close()
        if worker is not None and queue is not None:
            queue.put(None)  # finish what is queued, then stop
            await asyncio.to_thread(worker.join, 30)
            if worker.is_alive():
                worker.terminate()

    app = FastAPI(title="Yishi 議事助理", version=__version__, lifespan=lifespan)
    app.include_router(line_router(lambda: state.get("line")))  # type: ignore[arg-type, return-value]
    app.include_router(telegram_router(lambda: state.get("telegram")))  # type: ignore[arg-type, return-value]

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse(
            {
                "status": "ok",
                "version": __version__,
                "line": "line" in state,
                "telegram": "telegram" in state,
            }
        )

    return app
