"""The bots' worker process: answers the messages the webhook process accepted.

The webhook process only checks signatures and secrets, drops redeliveries it remembers and
puts each accepted message on a queue, so it answers LINE and Telegram at once. Answering
(database queries, the conversation, the platform APIs) happens here, in its own process with
its own interpreter lock, so a burst of questions cannot slow the webhooks down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from multiprocessing.queues import Queue
from typing import Any

log = logging.getLogger(__name__)


def run(queue: Queue[Any]) -> None:
    """Process entry point (started with the "spawn" method by the web app)."""
    # Answers can wait a moment; webhooks must be acknowledged at once. On a busy machine the
    # scheduler favours the web process.
    with contextlib.suppress(OSError):
        os.nice(10)
    asyncio.run(_serve(queue))


async def _serve(queue: Queue[Any]) -> None:
    from bots import start_bots
    from yishi.config import get_settings

    bots = await start_bots(get_settings())
    line, telegram = bots.line, bots.telegram
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[None]] = set()
    while True:
        item = await loop.run_in_executor(None, queue.get)
        if item is None:
            break
        platform, job = item
        if platform == "line" and line is not None:
            task = asyncio.create_task(line.answer(job))
        elif platform == "telegram" and telegram is not None:
            task = asyncio.create_task(telegram.process(job))
        else:
            log.warning("no %s bot configured for a queued message", platform)
            continue
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    await bots.close()
