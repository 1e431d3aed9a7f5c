"""A small hostile HTTP server on loopback (127.0.0.1 only), for tests and probe_engine.py.

`HostileServer(answer)` serves every GET and POST with `answer(handler)`, after reading the
request's body. Ready-made answers: an endless body, a trickle of bytes, a fixed body with
headers, a redirect, and the request's own headers echoed in a 500. Every loop is bounded in
bytes and in time, so a client that never stops reading still ends.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[BaseHTTPRequestHandler], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    body: bytes

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.body = self.rfile.read(length) if length else b""
        self.server.requests.append({"method": self.command, "path": self.path, "size": len(body)})
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client stopped reading
            self.server.answer(self)
        self.close_connection = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    answer: Answer
    requests: list[dict[str, Any]]
    sent: int  # body bytes written by the answers that count them


class HostileServer:
    def __init__(self, answer: Answer) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.answer = answer
        self._server.requests = []
        self._server.sent = 0
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._server.requests

    @property
    def sent(self) -> int:
        return self._server.sent

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


def endless(max_bytes: int = 3 * 10**9, max_seconds: float = 30.0) -> Answer:
    """200 with no length and a body that does not end (bounded here in bytes and time)."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Connection", "close")
        h.end_headers()
        block, started = b"https://x.example/" + b"a" * (64 * 1024 - 18), time.monotonic()
        while h.server.sent < max_bytes and time.monotonic() - started < max_seconds:  # type: ignore[attr-defined]
            h.wfile.write(block)
            h.server.sent += len(block)  # type: ignore[attr-defined]

    return answer


def trickle(interval: float = 1.0, count: int = 60) -> Answer:
    """200 announcing `count` bytes, sent one every `interval` seconds."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", str(count))
        h.end_headers()
        h.wfile.flush()
        for _ in range(count):
            time.sleep(interval)
            h.wfile.write(b"h")
            h.wfile.flush()

    return answer


def fixed(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for key, value in {"Content-Type": "text/plain", **(headers or {})}.items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return answer


def redirect(location: str) -> Answer:
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return answer


def echo_headers(status: int = 500) -> Answer:
    """The request's headers (keys included) echoed back in an error body, as a debugging proxy does."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        body = json.dumps({"detail": "Internal error", "request_headers": dict(h.headers.items())}).encode()
        fixed(body, status, {"Content-Type": "application/json"})(h)

    return answer


def proxy(target: str, instead: Callable[[BaseHTTPRequestHandler], Answer | None]) -> Answer:
    """Passes each request on to `target` (a sandbox) and its answer back, except where
    `instead(request)` gives another answer (e.g. `echo_headers()` for one route)."""
    import httpx

    def answer(h: BaseHTTPRequestHandler) -> None:
        other = instead(h)
        if other is not None:
            other(h)
            return
        headers = {k: v for k, v in h.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        reply = httpx.request(h.command, target + h.path, headers=headers, content=getattr(h, "body", b""), timeout=60)
        h.send_response(reply.status_code)
        for key, value in reply.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                h.send_header(key, value)
        h.send_header("Content-Length", str(len(reply.content)))
        h.end_headers()
        h.wfile.write(reply.content)

    return answer
