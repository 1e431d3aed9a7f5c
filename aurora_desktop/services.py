"""Wiring: settings + secrets -> API client, hosting, store, engine. Shared by the GUI and the CLI."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from aurora_desktop import endpoint, paths
from aurora_desktop.api import AuroraClient, Credentials
from aurora_desktop.endpoint import Endpoint
from aurora_desktop.errors import UserError
from aurora_desktop.fileio import read_regular, write_atomic
from aurora_desktop.hosting import Hoster, HostingError, NoHosting
from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.instance import ProfileLock
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.store import DB_NAME as DB_NAME  # doctor.py reads it from here
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.sandbox.process import SandboxProcess
from aurora_desktop.secrets import STORAGE_ACCESS_KEY_ID, STORAGE_SECRET, SecretStore, SecretsUnavailable
from aurora_desktop.settings import Settings, Sharing

log = logging.getLogger(__name__)

NO_KEYS_MESSAGE = (
    "No Creatify API keys are set up. Add your API ID and API key (from the API Dashboard "
    "of your Creatify account) in Settings, or set AURORA_API_ID and AURORA_API_KEY; "
    "or use demo mode (--sandbox)."
)


class CredentialsMissing(UserError):
    default_message = NO_KEYS_MESSAGE


@dataclass
class Services:
    settings: Settings
    secrets: SecretStore
    client: AuroraClient
    hoster: Hoster
    store: JobStore
    engine: Engine
    demo: bool
    sandbox: SandboxProcess | None = None
    owns_secrets: bool = True
    lock: ProfileLock | None = None  # this profile's engine lock, released on close
    endpoint: Endpoint | None = None  # which address and keys, and where each came from
    _closed: bool = field(default=False, repr=False)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self.engine.close()
        await self.client.aclose()
        if self.owns_secrets:
            self.secrets.close()
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)
        if self.lock is not None:
            self.lock.release()


def open_store() -> JobStore:
    return JobStore(paths.data_dir() / DB_NAME)


async def make_hoster(
    kind: str, settings: Settings, secrets: SecretStore, base_url: str, credentials: Credentials
) -> Hoster:
    """`kind`: "auto" follows the user's choice in Settings; the others force one way (CLI --hosting)."""
    if kind == "sandbox":
        return SandboxHoster(base_url, credentials)
    choice = settings.sharing_choice
    if kind == "quick" or (kind == "auto" and choice is Sharing.QUICK and settings.quick_links_consent):
        from aurora_desktop.hosting.quick import QuickLinkHoster

        return QuickLinkHoster()
    if kind == "s3" or (kind == "auto" and choice is Sharing.STORAGE and settings.storage.configured):
        if not settings.storage.configured:
            raise HostingError("Storage is not set up yet (Settings → Sharing).")
        from aurora_desktop.hosting.s3 import S3Hoster  # obstore loads only when storage is used

        try:
            key_id = await secrets.get(STORAGE_ACCESS_KEY_ID) or ""
            secret = await secrets.get(STORAGE_SECRET) or ""
        except SecretsUnavailable as exc:
            raise HostingError(exc.user_message, detail=exc.detail) from None
        return S3Hoster(settings.storage, key_id, secret)
    return NoHosting()


async def _start_stand_in(args: list[str]) -> SandboxProcess:
    """Start the demo's stand-in on a thread. Interrupted meanwhile (Ctrl+C, SIGTERM while it
    starts), the thread still finishes starting it: wait for that and stop it, so the stand-in
    never outlives an interrupted start (its lifeline would end it, but only after we exit)."""
    starting = asyncio.get_running_loop().run_in_executor(None, start_demo_service, args)
    try:
        return await asyncio.shield(starting)
    except asyncio.CancelledError:
        try:
            proc = await starting
        except (RuntimeError, OSError):  # it failed to start: nothing left running
            raise asyncio.CancelledError from None
        await asyncio.to_thread(proc.stop)
        raise


def start_demo_service(args: list[str]) -> SandboxProcess:
    """The demo's stand-in, keeping its state under the profile and, when it can, the port
    it had last time: its address is then the same, so demo jobs still running when the
    app closed carry on at the next start, as jobs at the real service do."""
    folder = paths.data_dir() / "sandbox"
    folder.mkdir(parents=True, exist_ok=True)
    port_file = folder / "port"
    try:
        remembered = int(read_regular(port_file, 64).decode("ascii").strip())
    except (OSError, ValueError):
        remembered = 0
    ports = [remembered, 0] if remembered else [0]
    for port in ports:
        proc = SandboxProcess(
            ["--data-dir", str(folder), *args, "--port", str(port)], stderr_path=paths.log_dir() / "sandbox.log"
        )
        try:
            proc.start()
        except RuntimeError:
            if port == ports[-1]:
                raise
            log.info("demo service: port %d is taken; another one is used", port)
            continue
        break
    try:
        write_atomic(port_file, proc.url.rsplit(":", 1)[1].encode("ascii"))  # a rename: never opens what is there
    except OSError as exc:
        log.warning("demo service port not kept: %s", exc)
    return proc


# For tests and developers (as AURORA_QUICK_LINK_HOSTS): how long a voice may take before a job says so.
SPEECH_PATIENCE_ENV = "AURORA_SPEECH_PATIENCE"


def _seconds_from_env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value < 1e9 else default


async def open_services(
    *,
    sandbox: bool = False,
    api_base: str | None = None,
    hosting: str = "auto",
    out_dir: Path | None = None,
    sandbox_args: list[str] | None = None,
    settings: Settings | None = None,
    secrets: SecretStore | None = None,
    lock: ProfileLock | None = None,
) -> Services:
    """Start everything. A given SecretStore is shared, not owned (the window keeps one for
    its whole life, so "keep my keys for this session only" reaches the services too).
    A given lock (held) is released when the services close, or at once if they fail to open."""
    settings = settings or Settings.load()
    owns_secrets = secrets is None
    secrets = secrets or SecretStore()
    proc: SandboxProcess | None = None
    store: JobStore | None = None
    client: AuroraClient | None = None
    try:
        # The library first: a damaged one is reported before anything is started (or left running).
        store = await asyncio.to_thread(open_store)
        if sandbox:
            proc = await _start_stand_in(sandbox_args or [])
            where = Endpoint.demo(proc.url, Credentials(proc.api_id, proc.api_key))
            hosting = "sandbox"
        else:
            try:
                where = await endpoint.resolve(flag=api_base, settings=settings, secrets=secrets)
            except SecretsUnavailable as exc:
                raise CredentialsMissing(exc.user_message, detail=exc.detail) from None
        credentials = where.credentials
        if credentials is None:
            raise CredentialsMissing()
        client = AuroraClient(credentials, where.base_url)
        hoster = await make_hoster(hosting, settings, secrets, client.base_url, credentials)
    except BaseException:
        if client is not None:
            await client.aclose()
        if store is not None:
            store.close()
        if owns_secrets:
            secrets.close()
        if proc is not None:
            await asyncio.to_thread(proc.stop)
        if lock is not None:
            lock.release()
        raise
    config = EngineConfig(
        library_dir=out_dir or settings.library_dir(),
        partial_dir=paths.data_dir() / "partial",
        filename_template=settings.filename_template,
        delete_hosted_inputs=settings.delete_hosted_inputs,
        max_uploads=settings.max_uploads,
        max_active_jobs=settings.max_active_jobs,
        max_downloads=settings.max_downloads,
        speech_patience=_seconds_from_env(SPEECH_PATIENCE_ENV, 600.0),
    )
    engine = Engine(store, client, hoster, config)
    return Services(
        settings,
        secrets,
        client,
        hoster,
        store,
        engine,
        demo=sandbox,
        sandbox=proc,
        owns_secrets=owns_secrets,
        lock=lock,
        endpoint=where,
    )
