"""Qt-free client for Creatify's Aurora API (see docs/api-contract.md)."""

from aurora_desktop.api.catalog import CATALOG, ModelSpec, cost_credits, get_model
from aurora_desktop.api.client import AuroraClient, Credentials
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
