"""One FastAPI app serving the LINE and Telegram webhooks and the health check."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bots import (
    Conversation,
    LineBot,
    StaffDirectory,
    TelegramBot,
    line_router,
    similar_from_index,
    telegram_router,
)
from bots import worker as bots_worker
from inquiries import CaseStore
from yishi import __version__
from yishi.config import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    state: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The SDK clients hold connection pools bound to this event loop: create them here.
        store = CaseStore.from_settings(settings)
        staff = StaffDirectory(store.engine)
        conversation = Conversation(store, staff, similar=similar_from_index(settings))
        worker = queue = None
        if settings.bot_workers:
            context = multiprocessing.get_context("spawn")
            queue = context.Queue()
            worker = context.Process(
                target=bots_worker.run, args=(queue,), name="yishi-bots-worker", daemon=True
            )
            worker.start()
        dispatch = queue.put if queue is not None else None
        if settings.line_channel_secret and settings.line_channel_access_token:
            state["line"] = LineBot(
                channel_secret=settings.line_channel_secret.get_secret_value(),
                access_token=settings.line_channel_access_token.get_secret_value(),
                base_url=settings.line_api_base_url,
                conversation=conversation,
                staff=staff,
                dispatch=dispatch,
            )
        if settings.telegram_bot_token and settings.telegram_webhook_secret:
            telegram = TelegramBot(
                token=settings.telegram_bot_token.get_secret_value(),
                secret=settings.telegram_webhook_secret.get_secret_value(),
                base_url=settings.telegram_api_base_url,
                conversation=conversation,
                staff=staff,
                dispatch=dispatch,
            )
            await telegram.start()
            state["telegram"] = telegram
        yield
        for bot in (state.get("line"), state.get("telegram")):
            if bot is not None:
                await bot.close()  # type: ignore[attr-defined]
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
