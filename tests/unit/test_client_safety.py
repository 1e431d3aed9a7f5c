"""Where credentials may go, and where they must never show."""

import logging

import pytest

from aurora_desktop.api import AuroraClient, Credentials, UnsafeRequestError
from aurora_desktop.api.client import check_base_url
from tests.fixtures.loops import run

SECRET = "sk-live-very-secret-0123456789"


@pytest.mark.parametrize(
    "url",
    [
        "http://api.creatify.ai",
        "http://10.0.0.5:8000",
        "ftp://api.creatify.ai",
        "api.creatify.ai",
        "http://127.0.0.1.evil.example",
    ],
)
def test_plain_http_or_odd_schemes_refused(url: str) -> None:
    with pytest.raises(UnsafeRequestError):
        check_base_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.creatify.ai/",
        "http://127.0.0.1:8123",
        "http://localhost:1",
        "http://[::1]:9000",
        "http://127.5.5.5",
    ],
)
def test_https_or_loopback_accepted(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


def test_key_never_in_repr() -> None:
    creds = Credentials("my-id", SECRET)
    assert SECRET not in repr(creds) and SECRET not in str(creds)

    async def make() -> str:
        async with AuroraClient(creds, "https://api.creatify.ai") as client:
            return repr(client)

    assert SECRET not in run(make())


def test_key_not_in_logs_or_errors_of_a_failed_call(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def call() -> Exception:
        # Port 9 on loopback: connection refused, nothing listens there.
        from aurora_desktop.api.retry import RetryPolicy

        async with AuroraClient(
            Credentials("id", SECRET), "http://127.0.0.1:9", retry=RetryPolicy(attempts=2, initial_wait=0.01)
        ) as client:
            try:
                await client.remaining_credits()
            except Exception as exc:  # noqa: BLE001 - we inspect whatever comes out
                return exc
        raise AssertionError("a refused connection must raise")

    exc = run(call())
    text = f"{exc!r} {exc} {getattr(exc, 'detail', '')} {exc.__cause__!r} {exc.__context__!r}"
    assert SECRET not in text
    assert SECRET not in caplog.text
    assert "Could not reach Creatify" in str(exc)
