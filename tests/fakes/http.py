"""A tiny threaded HTTP server for the platform fakes: JSON or form bodies in, JSON out."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

Handler = Callable[[str, str, dict[str, str], dict[str, Any]], tuple[int, dict[str, Any]]]


def _make(handler: Handler) -> type[BaseHTTPRequestHandler]:
    class Request(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            kind = self.headers.get("Content-Type", "")
            if "application/json" in kind:
                body = json.loads(raw or b"{}")
            elif raw:
                body = {k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()}
            else:
                body = {}
            status, payload = handler(self.command, self.path, self.headers, body)  # type: ignore[arg-type]  # case-insensitive
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = _serve

    return Request


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client killed mid-request (the fault tests do that) is not the fake's problem


@contextmanager
def serving(handler: Handler) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1:<free port>; yields the base URL."""
    server = _Quiet(("127.0.0.1", 0), _make(handler))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
