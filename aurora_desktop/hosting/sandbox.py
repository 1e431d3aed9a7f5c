"""Hosting on the sandbox's own file endpoint: demo mode with local files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx

from aurora_desktop.api.client import check_base_url
from aurora_desktop.api.credentials import Credentials
from aurora_desktop.hosting.base import HostedFile, HostingError, ProgressCallback, file_chunks


class SandboxHoster:
    name = "sandbox"

    def __init__(self, base_url: str, credentials: Credentials) -> None:
        self.base_url = check_base_url(base_url)
        self._headers = credentials.headers()

    def __repr__(self) -> str:
        return f"SandboxHoster({self.base_url!r})"

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers=self._headers,
            trust_env=False,
            timeout=httpx.Timeout(30.0, connect=5.0),
            follow_redirects=False,
        )

    async def host(
        self,
        path: Path,
        *,
        key: str,
        content_type: str,
        progress: ProgressCallback | None = None,
        sha256: str | None = None,
    ) -> HostedFile:
        name = key.rsplit("/", 1)[-1]
        try:
            async with self._client() as http, file_chunks(path, progress, sha256=sha256) as chunks:
                # A known length instead of chunked encoding: cheaper for both ends to frame.
                response = await http.put(
                    f"/sandbox/files/{name}",
                    content=chunks,
                    headers={"Content-Type": content_type, "Content-Length": str(path.stat().st_size)},
                )
        except httpx.HTTPError as exc:
            raise HostingError(
                "Could not reach the demo service to upload the file.",
                detail=f"{type(exc).__name__}: {exc}",
                retryable=True,
            ) from None
        if response.status_code != 201:
            raise HostingError(
                "The demo service refused the file.",
                detail=f"HTTP {response.status_code}: {response.text[:300]}",
                retryable=response.status_code >= 500 or response.status_code == 429,
            )
        data = response.json()
        url = data["url"]
        return HostedFile(
            url=url, expires_at=datetime.fromisoformat(data["expires_at"]), key=url.split("/sandbox/files/", 1)[1]
        )

    async def remove(self, key: str) -> None:
        try:
            async with self._client() as http:
                await http.delete(f"/sandbox/files/{key}")
        except httpx.HTTPError as exc:
            raise HostingError(
                "Could not remove the file from the demo service.", detail=str(exc), retryable=True
            ) from None

    async def test(self) -> str:
        return "The demo service hosts files itself; nothing to set up."
