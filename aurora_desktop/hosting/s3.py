"""Hosting on the user's own S3-compatible bucket, with pre-signed GET URLs.

Signing (SigV4), multipart uploads and retries are obstore's (Rust's
object_store): nothing here signs a request by hand. Pre-signed URLs are made
locally and need no public bucket.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import obstore
import obstore.exceptions
from obstore.store import S3Store

from aurora_desktop.hosting.base import HostedFile, HostingError, InputChanged, ProgressCallback, file_chunks
from aurora_desktop.settings import StorageSettings

if TYPE_CHECKING:
    from obstore.store import ClientConfig  # a TypedDict, only in the type stubs


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    label: str
    endpoint: str  # template: {region}, {account_id}; "" = AWS default
    default_region: str
    virtual_hosted: bool
    help: str


PROVIDERS: tuple[Provider, ...] = (
    Provider("aws", "Amazon S3", "", "us-east-1", True, "Region such as eu-west-1."),
    Provider(
        "r2",
        "Cloudflare R2",
        "https://{account_id}.r2.cloudflarestorage.com",
        "auto",
        False,
        "Needs your Cloudflare account ID.",
    ),
    Provider(
        "b2",
        "Backblaze B2",
        "https://s3.{region}.backblazeb2.com",
        "us-west-004",
        False,
        "Region from the bucket's endpoint, such as us-west-004.",
    ),
    Provider(
        "wasabi", "Wasabi", "https://s3.{region}.wasabisys.com", "us-east-1", False, "Region such as eu-central-1."
    ),
    Provider(
        "minio",
        "MinIO / other S3-compatible",
        "",
        "us-east-1",
        False,
        "The server's address, such as https://minio.example.com.",
    ),
)
_BY_KEY = {p.key: p for p in PROVIDERS}


def endpoint_for(settings: StorageSettings) -> str | None:
    provider = _BY_KEY.get(settings.provider)
    if provider is None:
        raise HostingError(f"Unknown storage provider {settings.provider!r}.")
    if settings.endpoint:
        return settings.endpoint.rstrip("/")
    if not provider.endpoint:
        if provider.key == "minio":
            raise HostingError("Enter the address of your S3-compatible server in Settings → Sharing.")
        return None
    if "{account_id}" in provider.endpoint and not settings.account_id:
        raise HostingError("Enter your Cloudflare account ID in Settings → Sharing.")
    return provider.endpoint.format(region=settings.region or provider.default_region, account_id=settings.account_id)


class S3Hoster:
    name = "s3"

    def __init__(self, settings: StorageSettings, access_key_id: str, secret_access_key: str) -> None:
        if not settings.configured:
            raise HostingError("Storage is not set up yet (provider and bucket).")
        if not (access_key_id and secret_access_key):
            raise HostingError("Enter the access key of your storage bucket in Settings → Sharing.")
        provider = _BY_KEY.get(settings.provider)
        endpoint = endpoint_for(settings)
        self.settings = settings
        self.lifetime = timedelta(hours=settings.url_lifetime_hours)
        config: dict[str, Any] = {
            "access_key_id": access_key_id,
            "secret_access_key": secret_access_key,
            "region": settings.region or (provider.default_region if provider else "us-east-1"),
            "virtual_hosted_style_request": bool(provider and provider.virtual_hosted and not settings.endpoint),
        }
        if endpoint:
            config["endpoint"] = endpoint
        client_options: ClientConfig = {"timeout": "120s", "connect_timeout": "10s"}
        if endpoint and endpoint.startswith("http://"):
            client_options["allow_http"] = True  # a local MinIO; keys stay on this machine's network
        self._store = S3Store(settings.bucket, client_options=client_options, **config)

    def __repr__(self) -> str:  # never the keys
        return f"S3Hoster(provider={self.settings.provider!r}, bucket={self.settings.bucket!r})"

    def _path(self, key: str) -> str:
        prefix = self.settings.prefix.strip("/")
        return f"{prefix}/{key}" if prefix else key

    async def host(
        self,
        path: Path,
        *,
        key: str,
        content_type: str,
        progress: ProgressCallback | None = None,
        sha256: str | None = None,
    ) -> HostedFile:
        object_path = self._path(key)
        try:
            async with file_chunks(path, progress, sha256=sha256) as chunks:
                await obstore.put_async(self._store, object_path, chunks, attributes={"Content-Type": content_type})
            url = await obstore.sign_async(self._store, "GET", object_path, self.lifetime)
        except InputChanged:
            raise  # not the priced bytes: the upload was abandoned before its end, nothing stored
        except Exception as exc:  # noqa: BLE001 - obstore raises its own hierarchy plus OSError
            raise _hosting_error(exc) from None
        return HostedFile(url=url, expires_at=datetime.now(UTC) + self.lifetime, key=key)

    async def remove(self, key: str) -> None:
        try:
            await obstore.delete_async(self._store, self._path(key))
        except obstore.exceptions.NotFoundError:
            return
        except Exception as exc:  # noqa: BLE001 - obstore's own hierarchy plus OSError
            raise _hosting_error(exc) from None

    async def test(self) -> str:
        """Upload a tiny object, fetch it back through its signed URL, delete it. A failure
        says which part is wrong (StorageTestFailed.problem) so the guide can name the step."""
        key = f"connection-test/{uuid.uuid4().hex}.txt"
        body = b"Aurora Desktop storage test"
        try:
            await obstore.put_async(self._store, self._path(key), body, attributes={"Content-Type": "text/plain"})
            url = await obstore.sign_async(self._store, "GET", self._path(key), timedelta(minutes=5))
        except Exception as exc:  # noqa: BLE001 - obstore's own hierarchy plus OSError
            error, problem = _hosting_error(exc), _problem_of(exc)
            message = (
                "Could not reach the storage. Check its address or region and your connection, then test again."
                if problem == "endpoint"
                else error.user_message
            )
            raise StorageTestFailed(message, problem, detail=error.detail) from None
        try:
            async with httpx.AsyncClient(timeout=20, trust_env=False) as http:
                response = await http.get(url)
        except httpx.HTTPError as exc:
            raise StorageTestFailed(
                "The test file was uploaded but could not be fetched back through its link.",
                "links",
                detail=f"{type(exc).__name__}: {exc}",
            ) from None
        finally:
            await self.remove(key)
        if response.status_code != 200 or response.content != body:
            raise StorageTestFailed(
                "The test file was uploaded but its link did not give it back "
                f"(HTTP {response.status_code}). Check the bucket's region and endpoint.",
                "links",
                detail=response.text[:300],
            )
        return "Storage works: a test file was uploaded, fetched through a private link, and deleted."


class StorageTestFailed(HostingError):
    """What the storage test found wrong: problem is bucket, keys, write, links or endpoint."""

    def __init__(self, user_message: str, problem: str, *, detail: str = "") -> None:
        self.problem = problem
        super().__init__(user_message, detail=detail)


def _problem_of(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    if "NoSuchBucket" in text or ("NotFound" in text and "bucket" in text.lower()):
        return "bucket"
    if any(s in text for s in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "Unauthenticated", "InvalidToken")):
        return "keys"
    if "AccessDenied" in text or "PermissionDenied" in text or re.search(r"(?<![:\d])403\b", text):
        return "write"
    return "endpoint"  # nothing answered: the address or region


def _hosting_error(exc: BaseException) -> HostingError:
    name = type(exc).__name__
    text = str(exc)
    detail = f"{name}: {text[:500]}"
    if (
        "PermissionDenied" in name
        or "Unauthenticated" in name
        or re.search(r"(?<![:\d])403\b", text)  # the status, not a port such as :40363 in the URL
        or "InvalidAccessKeyId" in text
        or "SignatureDoesNotMatch" in text
    ):
        return HostingError(
            "The storage bucket refused the access key. Check the key and its permissions in Settings → Sharing.",
            detail=detail,
        )
    if "NoSuchBucket" in text or ("NotFound" in name and "bucket" in text.lower()):
        return HostingError(
            "The storage bucket does not exist. Check its name and region in Settings → Sharing.", detail=detail
        )
    if isinstance(exc, OSError) and not isinstance(exc, ConnectionError):
        return HostingError("A file to upload could not be read from disk.", detail=detail)
    return HostingError(
        "Could not upload to your storage bucket. Check your connection; the app will try again.",
        detail=detail,
        retryable=True,
    )
