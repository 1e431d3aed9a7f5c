"""The Aurora API client: one httpx.AsyncClient, explicit timeouts, safe retries.

Safety rules (docs/architecture.md, "HTTP"): credentials go only to the configured base
URL (no redirects are followed), a non-loopback base URL must be https, and the
key never appears in a repr, a log line or an exception.
"""

from __future__ import annotations

import builtins
import contextlib
import json as json_module
import logging
import platform
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from aurora_desktop import __version__
from aurora_desktop.addresses import is_loopback_host
from aurora_desktop.api.credentials import Credentials
from aurora_desktop.api.errors import (
    InvalidResponseError,
    NetworkError,
    OutcomeUnknownError,
    UnsafeRequestError,
    error_for_response,
    excerpt,
)
from aurora_desktop.api.listing import json_array_items
from aurora_desktop.api.models import CreateRequest, Job, parse_credits, parse_job_list
from aurora_desktop.api.retry import NotSent, RetryPolicy
from aurora_desktop.api.speech import SpeechJob, SpeechRequest, Voice, parse_speech_list, parse_voices
from aurora_desktop.http_body import body_chunks, read_bounded

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.creatify.ai"
MAX_IDS_PER_LIST = 100
# No answer of this API is anywhere near this (a hundred jobs are a few hundred kB); a larger
# one is a broken or hostile server, and reading it whole would cost the memory of a machine.
MAX_RESPONSE_BYTES = 16_000_000
USER_AGENT = (
    f"AuroraDesktop/{__version__} ({platform.system()}; Python {platform.python_version()}) httpx/{httpx.__version__}"
)
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
# The policy of every client made without one of its own (the window, the settings, `doctor`);
# read when a client is made, so a test can use a quick one (tests/gui/conftest.py).
DEFAULT_RETRY = RetryPolicy()


class _KeyHeaders(httpx.Auth):
    """Puts the keys on each request as it leaves, so the client's default headers (which
    its repr and debuggers show) never hold them."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(self._credentials.headers())
        yield request


def check_base_url(base_url: str) -> str:
    """Return the normalised base URL, or raise UnsafeRequestError."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeRequestError(f"The API address {base_url!r} is not a web address.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise UnsafeRequestError(
            "The API address must start with https:// (plain http is only allowed for this "
            "computer's own test service), so your keys are never sent unencrypted.",
            detail=f"refused base URL {base_url}",
        )
    return base_url.rstrip("/")


class AuroraClient:
    """Async client for the Aurora endpoints, the voices and text-to-speech. Use as an async context manager."""

    def __init__(
        self,
        credentials: Credentials,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.retry = retry or DEFAULT_RETRY
        self._credentials = credentials
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            auth=_KeyHeaders(credentials),
            timeout=timeout,
            follow_redirects=False,  # never carry the key to another host
            transport=transport,
            trust_env=False,  # a stray proxy variable must not see the key either
        )

    def __repr__(self) -> str:
        return f"AuroraClient(base_url={self.base_url!r}, api_id={self._credentials.api_id!r})"

    async def __aenter__(self) -> AuroraClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------ endpoints

    async def create(self, request: CreateRequest) -> Job:
        """POST /api/aurora/. Never repeated once it may have reached the server:
        an ambiguous failure raises OutcomeUnknownError so the caller reconciles."""
        return await self._post_once("/api/aurora/", request.to_api(), Job.from_api)

    async def get(self, job_id: str) -> Job:
        return Job.from_api(await self._call("GET", f"/api/aurora/{job_id}/"))

    async def list(self, ids: list[str] | None = None, ordering: str | None = None) -> list[Job]:
        """All jobs, or the given ones in chunks of 100 ids (one request per chunk)."""
        params: dict[str, str] = {"ordering": ordering} if ordering else {}
        if ids is None:
            return parse_job_list(await self._call("GET", "/api/aurora/", params=params))
        jobs: list[Job] = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), MAX_IDS_PER_LIST):
            chunk = unique[start : start + MAX_IDS_PER_LIST]
            data = await self._call("GET", "/api/aurora/", params={**params, "ids": ",".join(chunk)})
            jobs.extend(parse_job_list(data))
        return jobs

    async def newest(
        self, more: Callable[[Job], bool], *, max_jobs: int = 2000, max_bytes: int = 2_000_000
    ) -> builtins.list[Job]:
        """The account's jobs, newest first (`ordering=-created_at`), read only as far as needed.

        The documented list has no pages: a heavy account's answer is its whole history
        (over 16 MB for 15,000 videos). It is read item by item and closed after the first
        job for which `more(job)` is False (that job included), or after `max_jobs` jobs or
        `max_bytes` bytes, whichever comes first. An unreadable job is skipped."""
        return await self._newest("/api/aurora/", Job.from_api, more, max_jobs, max_bytes)

    async def _newest(
        self, path: str, parse: Callable[[Any], T], more: Callable[[T], bool], max_items: int, max_bytes: int
    ) -> builtins.list[T]:
        async for attempt in self.retry.retrying(idempotent=True):
            with attempt:
                return await self._newest_once(path, parse, more, max_items, max_bytes)
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    async def _newest_once(
        self, path: str, parse: Callable[[Any], T], more: Callable[[T], bool], max_items: int, max_bytes: int
    ) -> builtins.list[T]:
        request = self._http.build_request("GET", path, params={"ordering": "-created_at"})
        try:
            response = await self._http.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise NotSent(detail=f"GET {path}: {type(exc).__name__}: {exc}") from None
        except httpx.TransportError as exc:
            raise NetworkError(detail=f"GET {path}: {type(exc).__name__}: {exc}") from None
        found: builtins.list[T] = []
        read = 0

        async def counted(chunks: AsyncIterator[bytes]) -> AsyncGenerator[bytes]:
            nonlocal read
            async for chunk in chunks:
                read += len(chunk)
                yield chunk

        try:
            if not response.is_success:
                body = await read_bounded(response, 100_000) or b""
                raise error_for_response(
                    response.status_code,
                    body.decode(response.encoding or "utf-8", "replace"),
                    method="GET",
                    path=path,
                    retry_after=response.headers.get("Retry-After"),
                )
            async with (
                body_chunks(response) as raw,
                contextlib.aclosing(counted(raw)) as chunks,
                contextlib.aclosing(json_array_items(chunks)) as items,
            ):
                async for item in items:
                    try:
                        one = parse(item)
                    except InvalidResponseError:
                        continue
                    found.append(one)
                    if not more(one) or len(found) >= max_items or read >= max_bytes:
                        break
        except httpx.TransportError as exc:
            raise NetworkError(detail=f"GET {path}: {type(exc).__name__}: {exc}") from None
        finally:
            await response.aclose()
        log.debug("GET %s newest first: %d items in %d bytes", path, len(found), read)
        return found

    # ------------------------------------------------------------------ voices and text-to-speech

    async def voices(self) -> builtins.list[Voice]:
        return parse_voices(await self._call("GET", "/api/voices/"))

    async def create_speech(self, request: SpeechRequest) -> SpeechJob:
        """POST /api/text_to_speech/: charged once, so never repeated once it may have arrived
        (an ambiguous failure raises OutcomeUnknownError; the caller reconciles)."""
        return await self._post_once("/api/text_to_speech/", request.to_api(), SpeechJob.from_api)

    async def get_speech(self, job_id: str) -> SpeechJob:
        return SpeechJob.from_api(await self._call("GET", f"/api/text_to_speech/{job_id}/"))

    async def list_speech(
        self, ids: builtins.list[str] | None = None, ordering: str | None = None
    ) -> builtins.list[SpeechJob]:
        """`GET /api/text_to_speech/` (documented): a bare array; `ids` at most 100 a request
        (asked in chunks, as `list`), `ordering` a field name, `-` for descending."""
        params: dict[str, str] = {"ordering": ordering} if ordering else {}
        if ids is None:
            return parse_speech_list(await self._call("GET", "/api/text_to_speech/", params=params))
        found: builtins.list[SpeechJob] = []
        unique = builtins.list(dict.fromkeys(ids))
        for start in range(0, len(unique), MAX_IDS_PER_LIST):
            chunk = ",".join(unique[start : start + MAX_IDS_PER_LIST])
            found.extend(
                parse_speech_list(await self._call("GET", "/api/text_to_speech/", params={**params, "ids": chunk}))
            )
        return found

    async def newest_speech(
        self, more: Callable[[SpeechJob], bool], *, max_jobs: int = 2000, max_bytes: int = 2_000_000
    ) -> builtins.list[SpeechJob]:
        """The account's speech jobs, newest first, read only as far as needed: as `newest`
        (each item can hold an 8,000-character script, so `max_bytes` is usually the bound)."""
        return await self._newest("/api/text_to_speech/", SpeechJob.from_api, more, max_jobs, max_bytes)

    async def remaining_credits(self) -> Decimal:
        """The account's balance, exact (it can be fractional)."""
        data = await self._call("GET", "/api/remaining_credits/")
        value = data.get("remaining_credits") if isinstance(data, dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InvalidResponseError(detail=f"remaining_credits missing: {excerpt(repr(data))}")
        try:
            credits = parse_credits(value, "remaining_credits")
        except InvalidResponseError:
            credits = None
        if credits is None:
            raise InvalidResponseError(detail=f"remaining_credits not a number: {value!r}")
        return credits

    # ------------------------------------------------------------------ plumbing

    async def _post_once(self, path: str, body: dict[str, Any], parse: Callable[[Any], T]) -> T:
        """A POST that creates (and charges): never repeated once it may have arrived."""
        data = await self._call("POST", path, json=body, idempotent=False)
        try:
            return parse(data)
        except InvalidResponseError as exc:
            # A success status with an unreadable body: the job may well exist.
            raise OutcomeUnknownError(detail=exc.detail) from None

    async def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, json: Any = None, idempotent: bool = True
    ) -> Any:
        async for attempt in self.retry.retrying(idempotent=idempotent):
            with attempt:
                return await self._send_once(method, path, params=params, json=json, idempotent=idempotent)
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    async def _send_once(
        self, method: str, path: str, *, params: dict[str, str] | None, json: Any, idempotent: bool
    ) -> Any:
        started = time.monotonic()
        try:
            request = self._http.build_request(method, path, params=params, json=json)
            response = await self._http.send(request, stream=True)
            try:
                body = await read_bounded(response, MAX_RESPONSE_BYTES)
            finally:
                await response.aclose()
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing was sent: the connection never opened.
            raise NotSent(detail=f"{method} {path}: {type(exc).__name__}: {exc}") from None
        except httpx.TransportError as exc:
            detail = f"{method} {path}: {type(exc).__name__}: {exc}"
            if idempotent:
                raise NetworkError(detail=detail) from None
            raise OutcomeUnknownError(detail=detail) from None
        # Timed here, not by response.elapsed, which only transports that stream their body set.
        log.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, (time.monotonic() - started) * 1000)
        if body is None:
            raise InvalidResponseError(
                detail=f"{method} {path} -> HTTP {response.status_code}: the answer is larger than "
                f"{MAX_RESPONSE_BYTES // 1_000_000} MB; not read"
            )
        text = body.decode(response.encoding or "utf-8", "replace")
        if not response.is_success:
            raise error_for_response(
                response.status_code,
                text,
                method=method,
                path=path,
                retry_after=response.headers.get("Retry-After"),
            )
        try:
            return json_module.loads(body)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
            raise InvalidResponseError(
                detail=f"{method} {path} -> HTTP {response.status_code}, not JSON:\n{excerpt(text)}"
            ) from None


async def credits_with(credentials: Credentials, base_url: str = DEFAULT_BASE_URL) -> Decimal:
    """Test keys the way every "test" and "connect" does: the remaining credits, or an ApiError."""
    async with AuroraClient(credentials, base_url) as client:
        return await client.remaining_credits()
