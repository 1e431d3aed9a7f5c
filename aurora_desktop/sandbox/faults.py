"""Fault injection for the sandbox, as a plain ASGI middleware.

Two sources of faults:
- random shares from the command line (FaultRates), seeded so a run repeats;
- scripted faults queued by tests with POST /sandbox/faults, applied to the
  next matching requests, for exact scenarios ("the next POST is processed,
  then its connection drops").

Kinds: "status" (answer with a code, optional Retry-After and body), "delay"
(seconds before the answer; the request itself takes effect at once), "drop" (cut the connection mid-answer; with
"process": true the request is handled first, so its effect happens but the
client never learns it), "truncate" (send part of a download, then cut),
"redirect" (answer 307 to "location"), "throttle" (send the answer at `rate`
bytes per second: a slow download to interrupt).

It also counts every request by method and path, for tests and benchmarks
(GET /sandbox/stats).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aurora_desktop.sandbox.config import FaultRates


class DroppedConnection(Exception):
    """Raised inside the ASGI app so the server closes the socket mid-answer."""


@dataclass
class ScriptedFault:
    kind: str
    method: str | None = None
    path: str | None = None  # a prefix of the request path
    times: int = 1
    status: int = 503
    retry_after: float | None = None
    body: Any = None
    seconds: float = 0.0
    process: bool = False
    location: str = ""
    rate: float = 0.0  # bytes per second, for "throttle"

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path is None or path.startswith(self.path)
        )


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


def _is_download(path: str) -> bool:
    """Finished videos: where random truncation applies (hosted inputs are the
    service's own fetches; breaking those would fail jobs, not test the client)."""
    return path.startswith("/sandbox/outputs/")


class FaultMiddleware:
    def __init__(self, app: ASGIApp, rates: FaultRates) -> None:
        self.app = app
        self.rates = rates
        self.random = random.Random(rates.seed)
        self.scripted: list[ScriptedFault] = []
        self.requests: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()  # faults actually applied, by kind

    def add(self, faults: list[dict[str, Any]]) -> None:
        self.scripted.extend(ScriptedFault(**f) for f in faults)

    def _take_scripted(self, method: str, path: str) -> ScriptedFault | None:
        for fault in self.scripted:
            if fault.matches(method, path):
                fault.times -= 1
                if fault.times <= 0:
                    self.scripted.remove(fault)
                return fault
        return None

    def _random_fault(self, method: str, path: str) -> ScriptedFault | None:
        r = self.rates
        if _is_download(path) and method == "GET" and self.random.random() < r.truncate:
            return ScriptedFault("truncate")
        if not _is_api(path):
            return None
        roll = self.random.random()
        if roll < r.server_error:
            return ScriptedFault("status", status=self.random.choice((500, 502, 503, 504)))
        roll -= r.server_error
        if roll < r.rate_limit:
            return ScriptedFault(
                "status", status=429, retry_after=r.retry_after, body={"detail": "Request was throttled."}
            )
        roll -= r.rate_limit
        if roll < r.drop:
            # Half the drops happen after the request took effect: the nasty case.
            return ScriptedFault("drop", process=self.random.random() < 0.5)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if path.startswith("/sandbox/stats") or path.startswith("/sandbox/faults"):
            await self.app(scope, receive, send)
            return
        self.requests[f"{method} {_route(path)}"] += 1
        if self.rates.latency and _is_api(path):
            await asyncio.sleep(self.rates.latency)
        fault = self._take_scripted(method, path) or self._random_fault(method, path)
        if fault is not None:
            self.injected[fault.kind if fault.kind != "status" else str(fault.status)] += 1
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "delay":
            # The request takes effect at once; only the answer is late. That is
            # the case that matters: a client timing out on work already done.
            async def late_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    await asyncio.sleep(fault.seconds)
                await send(message)

            await self.app(scope, receive, late_send)
        elif fault.kind == "status":
            headers = [(b"content-type", b"application/json")]
            if fault.retry_after is not None:
                headers.append((b"retry-after", str(int(fault.retry_after)).encode()))
            body = json.dumps(fault.body if fault.body is not None else {"detail": "Service unavailable."}).encode()
            if isinstance(fault.body, str):
                headers[0] = (b"content-type", b"text/html")
                body = fault.body.encode()
            await _answer(send, fault.status, headers, body)
        elif fault.kind == "redirect":
            await _answer(send, 307, [(b"location", fault.location.encode())], b"")
        elif fault.kind == "drop":
            if fault.process:
                await self.app(scope, receive, _discard)
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
                }
            )
            await send({"type": "http.response.body", "body": b'{"id": ', "more_body": True})
            raise DroppedConnection("fault injection: connection dropped")
        elif fault.kind == "truncate":
            await self.app(scope, receive, _Truncating(send))
        elif fault.kind == "throttle":
            await self.app(scope, receive, _Throttled(send, fault.rate))
        else:  # pragma: no cover - a test asked for a kind that does not exist
            await _answer(send, 500, [], f"unknown fault kind {fault.kind}".encode())


def _route(path: str) -> str:
    """Collapse ids so counters group by endpoint: /api/aurora/<id>/ -> /api/aurora/{id}/."""
    parts = path.split("/")
    return "/".join("{id}" if len(p) >= 32 else p for p in parts)


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _discard(message: Message) -> None:
    return None


class _Truncating:
    """Passes a response through until about half its body is sent, then cuts."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.limit: int | None = None
        self.sent = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            length = dict(message.get("headers", [])).get(b"content-length")
            self.limit = int(length) // 2 if length else None
            await self.send(message)
            return
        if message["type"] == "http.response.body" and self.limit is not None:
            body = message.get("body", b"")
            room = self.limit - self.sent
            if len(body) >= room:
                await self.send({"type": "http.response.body", "body": body[:room], "more_body": True})
                raise DroppedConnection("fault injection: download truncated")
            self.sent += len(body)
        await self.send(message)


class _Throttled:
    """Passes a response through in small pieces at about `rate` bytes per second."""

    def __init__(self, send: Send, rate: float) -> None:
        self.send = send
        self.rate = max(1.0, rate)

    async def __call__(self, message: Message) -> None:
        if message["type"] != "http.response.body":
            await self.send(message)
            return
        body, more = message.get("body", b""), message.get("more_body", False)
        piece = max(1, int(self.rate / 10))
        for start in range(0, len(body), piece):
            await self.send({"type": "http.response.body", "body": body[start : start + piece], "more_body": True})
            await asyncio.sleep(0.1)
        if not more:
            await self.send({"type": "http.response.body", "body": b"", "more_body": False})
