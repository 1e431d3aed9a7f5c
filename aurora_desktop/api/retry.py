"""The one retry policy for API calls (docs/architecture.md, "HTTP").

Only requests that are safe to repeat are retried: idempotent GETs on network
errors, 429 and 502/503/504, and any request that provably never left this
machine (connection refused, DNS failure). Exponential backoff with jitter,
honouring Retry-After, bounded in attempts and in total time. tenacity does
the looping so no retry loop is written by hand anywhere in the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from aurora_desktop.api.errors import (
    ApiError,
    NetworkError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerUnavailableError,
)

RETRYABLE_5XX = frozenset({502, 503, 504})


class NotSent(NetworkError):
    """The request never reached the server (refused, DNS, pool timeout): always safe to retry."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    total_seconds: float = 60.0
    initial_wait: float = 0.5
    max_wait: float = 20.0
    jitter: float = 0.5

    def should_retry(self, exc: BaseException, *, idempotent: bool) -> bool:
        if isinstance(exc, NotSent):
            return True
        if not idempotent or isinstance(exc, OutcomeUnknownError):
            return False
        if isinstance(exc, RateLimitedError):
            return exc.retry_after is None or exc.retry_after <= self.max_wait
        if isinstance(exc, ServerUnavailableError):
            return exc.status in RETRYABLE_5XX
        return isinstance(exc, NetworkError)

    def retrying(self, *, idempotent: bool) -> AsyncRetrying:
        backoff = wait_exponential_jitter(multiplier=self.initial_wait, max=self.max_wait, jitter=self.jitter)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
                return exc.retry_after
            return backoff(state)

        return AsyncRetrying(
            retry=retry_if_exception(lambda e: isinstance(e, ApiError) and self.should_retry(e, idempotent=idempotent)),
            wait=wait,
            stop=stop_after_attempt(self.attempts) | stop_after_delay(self.total_seconds),
            reraise=True,
        )
