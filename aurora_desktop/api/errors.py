"""One small error hierarchy the UI can show as plain language.

Every error carries `user_message` (what a non-technical person reads) and
`detail` (what "Copy details" puts on the clipboard: status, URL path, body
excerpt). Neither ever contains an API key: the client builds them from the
response, never from request headers.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from aurora_desktop.errors import UserError
from aurora_desktop.redact import redact


class ApiError(UserError):
    """Base of everything the Aurora client raises."""

    default_message = "Something went wrong while talking to Creatify."
    #: Whether trying the same thing again later may succeed.
    retryable = False

    def __init__(self, user_message: str | None = None, *, detail: str = "", status: int | None = None) -> None:
        self.status = status
        super().__init__(user_message, detail=detail)


class AuthError(ApiError):
    default_message = (
        "Creatify did not accept your API ID and key. Check them in "
        "Settings (copy both from the API Dashboard of your Creatify account)."
    )


class InsufficientCreditsError(ApiError):
    default_message = (
        "Your Creatify account does not have enough credits for this video. "
        "Add credits or choose a shorter clip or a cheaper model."
    )


class ValidationError(ApiError):
    default_message = "Creatify rejected the request."

    def __init__(
        self,
        user_message: str | None = None,
        *,
        detail: str = "",
        status: int | None = None,
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        self.field_errors = field_errors or {}
        super().__init__(user_message, detail=detail, status=status)


class NotFoundError(ApiError):
    default_message = "Creatify does not know this video (it may belong to another account)."


class RateLimitedError(ApiError):
    default_message = "Creatify is busy right now. The app will try again in a moment."
    retryable = True

    def __init__(
        self,
        user_message: str | None = None,
        *,
        detail: str = "",
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(user_message, detail=detail, status=status)


class ServerUnavailableError(ApiError):
    default_message = "Creatify's service is having trouble right now. Please try again later."
    retryable = True


class NetworkError(ApiError):
    default_message = (
        "Could not reach Creatify. Check your internet connection; "
        "your work is kept and will continue when the connection is back."
    )
    retryable = True


class OutcomeUnknownError(NetworkError):
    """A request that changes something may or may not have reached the server.

    Raised for a POST whose connection failed after the request was sent (read
    timeout, reset). The caller must reconcile (look the job up) instead of
    sending it again, or the user could be charged twice.
    """

    default_message = (
        "The connection dropped while the video was being requested. "
        "The app will check with Creatify before trying again, so you are never charged twice."
    )


class InvalidResponseError(ApiError):
    default_message = (
        "Creatify answered with something the app does not understand. "
        "Please try again later; if it keeps happening, copy the details for support."
    )


class UnsafeRequestError(ApiError):
    """The client refused to send credentials somewhere unsafe."""

    default_message = "The app refused an unsafe connection setting."


# --- turning an HTTP answer into one of the above ---------------------------------

_MAX_EXCERPT = 500


def excerpt(text: str, limit: int = _MAX_EXCERPT) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def _messages(body: Any) -> tuple[list[str], dict[str, list[str]]]:
    """Flatten a DRF-style error body into (all messages, per-field messages)."""
    fields: dict[str, list[str]] = {}
    flat: list[str] = []
    if isinstance(body, str):
        flat.append(body)
    elif isinstance(body, list):
        flat.extend(str(m) for m in body)
    elif isinstance(body, dict):
        for key, value in body.items():
            items = value if isinstance(value, list) else [value]
            msgs = [str(m) for m in items if m is not None]
            if key in ("detail", "non_field_errors", "message", "error"):
                flat.extend(msgs)
            else:
                fields[str(key)] = msgs
                flat.extend(f"{key}: {m}" for m in msgs)
    return flat, fields


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or HTTP date); None when absent or odd."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from datetime import datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_for_response(status: int, text: str, *, method: str, path: str, retry_after: str | None = None) -> ApiError:
    """Map one non-success HTTP answer to the right ApiError."""
    text = redact(text)  # a body echoing the request's headers holds the keys
    detail = f"{method} {path} -> HTTP {status}\n{excerpt(text)}"
    try:
        body: Any = json.loads(text) if text.strip() else None
    except (ValueError, RecursionError):
        body = None  # HTML error pages from proxies, truncated bodies...
    flat, fields = _messages(body) if body is not None else ([], {})
    joined = " ".join(flat)

    # "Not enough credits" has no documented status (400, 402 or 403): the body decides.
    if status in (400, 402, 403, 409, 422) and "credit" in joined.lower():
        msg = InsufficientCreditsError.default_message
        if joined:
            msg += f" (Creatify said: {excerpt(joined)})"
        return InsufficientCreditsError(msg, detail=detail, status=status)
    if status in (401, 403):
        return AuthError(detail=detail, status=status)
    if status == 404:
        return NotFoundError(detail=detail, status=status)
    if status == 429:
        return RateLimitedError(detail=detail, status=status, retry_after=parse_retry_after(retry_after))
    if status >= 500:
        return ServerUnavailableError(detail=detail, status=status)
    if status in (400, 402, 409, 413, 415, 422):
        if flat:
            msg = "Creatify could not accept this request: " + excerpt("; ".join(flat))
        else:
            msg = ValidationError.default_message
        return ValidationError(msg, detail=detail, status=status, field_errors=fields)
    if 300 <= status < 400:
        return UnsafeRequestError(
            "Creatify's address answered with a redirect, which the app does not follow "
            "(your keys are only ever sent to the configured address). Check the API address.",
            detail=detail,
            status=status,
        )
    return ApiError(detail=detail, status=status)


def as_test_result(exc: ApiError) -> str:
    """The sentence for a connection *test* (Settings, the welcome page, doctor): nothing is
    kept or retried there, so "your work will continue" or "the app will try again" would be wrong."""
    if isinstance(exc, RateLimitedError):
        return "Creatify is busy right now. Test again in a moment."
    if isinstance(exc, NetworkError):
        return "Could not reach Creatify. Check your internet connection, then test again."
    if isinstance(exc, ServerUnavailableError):
        return "Creatify's service is having trouble right now. Test again later."
    return exc.user_message
