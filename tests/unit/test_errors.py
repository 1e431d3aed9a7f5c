"""Every HTTP answer the contract allows maps to the right plain-language error."""

import pytest

from aurora_desktop.api import errors as e


@pytest.mark.parametrize(
    ("status", "body", "cls", "words"),
    [
        (401, '{"detail": "Invalid API key."}', e.AuthError, "API ID and key"),
        (403, '{"detail": "Authentication credentials were not provided."}', e.AuthError, "API ID and key"),
        (400, '{"detail": "Not enough credits"}', e.InsufficientCreditsError, "enough credits"),
        (402, '["You have insufficient credits."]', e.InsufficientCreditsError, "enough credits"),
        (403, '{"detail": "Credits exhausted"}', e.InsufficientCreditsError, "enough credits"),
        (400, '{"image": ["Enter a valid URL."], "name": ["Too long."]}', e.ValidationError, "Enter a valid URL"),
        (400, '["Audio must be shorter than 60 seconds"]', e.ValidationError, "shorter than 60"),
        (400, '{"detail": "Bad request"}', e.ValidationError, "Bad request"),
        (400, "", e.ValidationError, "rejected the request"),
        (404, '{"detail": "Not found."}', e.NotFoundError, "does not know"),
        (429, '{"detail": "Request was throttled."}', e.RateLimitedError, "busy"),
        (500, "<html><body>Internal Server Error</body></html>", e.ServerUnavailableError, "having trouble"),
        (503, "upstream connect error", e.ServerUnavailableError, "having trouble"),
        (301, "", e.UnsafeRequestError, "redirect"),
    ],
)
def test_status_and_body_map_to_error(status: int, body: str, cls: type, words: str) -> None:
    err = e.error_for_response(status, body, method="POST", path="/api/aurora/")
    assert type(err) is cls
    assert words in err.user_message
    assert f"HTTP {status}" in err.detail


def test_field_messages_are_kept() -> None:
    err = e.error_for_response(400, '{"image": ["Enter a valid URL."]}', method="POST", path="/api/aurora/")
    assert isinstance(err, e.ValidationError)
    assert err.field_errors == {"image": ["Enter a valid URL."]}


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("0", 0.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    err = e.error_for_response(429, "", method="GET", path="/api/aurora/", retry_after=header)
    assert isinstance(err, e.RateLimitedError) and err.retry_after == seconds


def test_long_bodies_are_cut_in_details() -> None:
    err = e.error_for_response(502, "x" * 10_000, method="GET", path="/api/aurora/")
    assert len(err.detail) < 700
