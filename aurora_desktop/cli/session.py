"""What `run` and `resume` share: the services under the profile's lock, the wait for jobs,
the folder the videos go to, and the exit code a job or a refused quote ends with."""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import NoReturn

from aurora_desktop import paths
from aurora_desktop.api import ApiError
from aurora_desktop.cli.output import (
    EXIT_BEFORE_SPENDING,
    EXIT_CREDENTIALS,
    EXIT_FOR_JOB,
    EXIT_INPUT,
    EXIT_JOB_FAILED,
    EXIT_OK,
    EXIT_RUNNING,
    EXIT_STOPPED,
    EXIT_UNREACHABLE,
    Exit,
    Reporter,
)
from aurora_desktop.hosting import HostingError
from aurora_desktop.instance import AlreadyRunning, ProfileLock
from aurora_desktop.jobs import orders
from aurora_desktop.jobs.blockers import output_folder_blockers
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.vocabulary import rule_for
from aurora_desktop.services import CredentialsMissing, Services, open_services
from aurora_desktop.settings import Settings


async def open_locked(args: argparse.Namespace, report: Reporter) -> Services:
    """The services, with this profile's engine lock held until they close."""
    settings = Settings.load_checked()
    lock = ProfileLock(paths.data_dir())
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        raise Exit(EXIT_RUNNING, exc.user_message) from None
    try:
        services = await open_services(
            settings=settings,
            sandbox=args.sandbox,
            api_base=args.api_base,
            hosting=args.hosting,
            out_dir=Path(args.out).expanduser() if args.out else None,
            lock=lock,
        )
    except CredentialsMissing as exc:
        raise Exit(EXIT_CREDENTIALS, exc.user_message) from None
    except (HostingError, ApiError) as exc:  # storage not set up; an unsafe --api-base
        raise Exit(EXIT_INPUT, exc.user_message) from None
    services.engine.subscribe(report)
    return services


async def wait_all(services: Services, job_ids: list[str], patience: float) -> list[LocalJob]:
    """Wait until the jobs are final, or the service has been unreachable for `patience` seconds."""
    engine = services.engine
    waiters = [asyncio.ensure_future(engine.wait(j)) for j in job_ids]
    try:
        while True:
            _, pending = await asyncio.wait(waiters, timeout=0.5)
            if engine.failure is not None:
                raise Exit(EXIT_STOPPED, engine.failure.user_message)
            if not pending:
                return [w.result() for w in waiters]
            if engine.offline_since is not None and time.monotonic() - engine.offline_since > patience:
                raise Exit(
                    EXIT_UNREACHABLE,
                    "Creatify could not be reached. The job is kept; run "
                    "`aurora-desktop resume` when you are back online.",
                )
    finally:
        for w in waiters:
            w.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)  # collected, so none is "never retrieved"


def exit_code_for(job: LocalJob) -> int:
    if job.state is State.SAVED:
        return EXIT_OK
    return EXIT_FOR_JOB.get(rule_for(job.error_code).blame, EXIT_JOB_FAILED)


def refuse(quote: orders.Quote) -> NoReturn:
    first = quote.blockers[0]
    raise Exit(EXIT_BEFORE_SPENDING.get(first.blame, EXIT_INPUT), first.message)


async def check_out_folder(args: argparse.Namespace, needed_bytes: int, *, library_too: bool = True) -> None:
    """The folder the video goes to (--out, else the library folder) must take it before
    anything is spent (exit 2 if not)."""
    if args.out:
        folder = Path(args.out).expanduser()
    elif library_too:
        folder = await asyncio.to_thread(_library_folder)
    else:
        return
    blockers = await asyncio.to_thread(output_folder_blockers, folder, needed_bytes)
    if blockers:
        raise Exit(EXIT_INPUT, blockers[0].message)


def _library_folder() -> Path:
    """Where the engine will save without --out (Settings.library_dir(), not made here)."""
    chosen = Settings.load().output_dir
    if chosen:
        return Path(chosen).expanduser()
    try:
        return paths.videos_dir()
    except OSError as exc:
        raise Exit(
            EXIT_INPUT,
            f"The library folder for videos cannot be made: {exc.strerror or type(exc).__name__}. "
            "Choose another folder with --out.",
        ) from None
