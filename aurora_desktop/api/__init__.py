"""Qt-free client for Creatify's Aurora API (see docs/api-contract.md).

The client itself (httpx, the retry policy) loads on first use, not with the package: the
window's first paint needs the catalog and the errors only.
"""

from typing import TYPE_CHECKING

from aurora_desktop.api.catalog import CATALOG, ModelSpec, cost_credits, get_model
from aurora_desktop.api.credentials import Credentials
from aurora_desktop.api.errors import (
    ApiError,
    AuthError,
    InsufficientCreditsError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerUnavailableError,
    UnsafeRequestError,
    ValidationError,
)
from aurora_desktop.api.models import CreateRequest, Job, JobStatus

if TYPE_CHECKING:
    from aurora_desktop.api.client import AuroraClient


def __getattr__(name: str) -> object:
    if name == "AuroraClient":
        from aurora_desktop.api import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CATALOG",
    "ApiError",
    "AuroraClient",
    "AuthError",
    "CreateRequest",
    "Credentials",
    "InsufficientCreditsError",
    "InvalidResponseError",
    "Job",
    "JobStatus",
    "ModelSpec",
    "NetworkError",
    "NotFoundError",
    "OutcomeUnknownError",
    "RateLimitedError",
    "ServerUnavailableError",
    "UnsafeRequestError",
    "ValidationError",
    "cost_credits",
    "get_model",
]
