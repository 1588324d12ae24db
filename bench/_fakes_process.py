"""Run the fake LINE and Telegram servers in their own process for bench/webhook.py.

Prints their base URLs on the first line; on SIGTERM writes every answer's arrival time
(wall clock) to the file named on the command line.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.line_server import running_fake_line  # noqa: E402
from tests.fakes.telegram_server import running_fake_telegram  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1])
    os.nice(10)  # the platforms are not part of the system under test
    with running_fake_line() as line, running_fake_telegram() as telegram:
        line.access_token = "bench-token"
        line.tokens = _AlwaysValid()  # type: ignore[assignment]
        offset = time.time() - time.monotonic()
        print(
            json.dumps(
                {"line": line.base_url, "telegram": telegram.base_url, "token": telegram.token}
            ),
            flush=True,
        )
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        while not stop:
            time.sleep(0.1)
        out.write_text(json.dumps({
            "line": [[s.get("token"), s["at"] + offset] for s in line.sent if "at" in s],
            "telegram": [[s["chat_id"], s["at"] + offset] for s in telegram.sent],
        }))  # fmt: skip


class _AlwaysValid(dict):  # type: ignore[type-arg]
    """Reply tokens issued by the load client in another process: accept each once."""

    def pop(self, key, default=None):  # type: ignore[no-untyped-def, override]
        if key in self:
            return None
        self[key] = 0.0
        return time.monotonic() + 30


if __name__ == "__main__":
    main()
