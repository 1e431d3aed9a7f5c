"""Running one command: the profile, asyncio, Ctrl+C, and the exit code for what went wrong."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from aurora_desktop import paths
from aurora_desktop.cli.output import DAMAGED_HINT, EXIT_INTERRUPTED, EXIT_STOPPED, Exit, Reporter
from aurora_desktop.jobs.store_health import StoreDamaged, StoreTooNew, StoreWriteFailed
from aurora_desktop.platform_signals import install_interrupt_handlers
from aurora_desktop.settings import SettingsProblem

Command = Callable[[argparse.Namespace], Awaitable[int]]


def main(args: argparse.Namespace) -> int:
    paths.use_profile(args.profile)
    # Paths are printed as the bytes they are, even when not UTF-8, for scripts to use.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="surrogateescape")
    if args.command in ("run", "resume"):  # they decode audio, with Qt's FFmpeg on worker threads
        from aurora_desktop.media.qt_threads import ensure_app

        ensure_app()
    try:
        return asyncio.run(_guarded(args))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


async def _guarded(args: argparse.Namespace, platform: str = sys.platform) -> int:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        if task:
            task.cancel()

    uninstall = install_interrupt_handlers(loop, interrupt, platform=platform)
    command: Command = args.func
    try:
        return await command(args)
    except Exit as exc:
        if exc.message:
            Reporter(args.json).say(exc.message, exit_code=exc.code)
        return exc.code
    except StoreWriteFailed as exc:  # e.g. while resuming: the library cannot be written
        Reporter(args.json).say(exc.user_message, exit_code=EXIT_STOPPED)
        return EXIT_STOPPED
    except StoreDamaged as exc:  # kept as it is: the window asks before starting a new one
        Reporter(args.json).say(f"{exc.user_message} {DAMAGED_HINT}", exit_code=EXIT_STOPPED)
        return EXIT_STOPPED
    except (StoreTooNew, SettingsProblem, paths.ProfileUnusable) as exc:  # the profile as it is: nothing done
        Reporter(args.json).say(exc.user_message, exit_code=EXIT_STOPPED)
        return EXIT_STOPPED
    except asyncio.CancelledError:
        if interrupted:
            Reporter(args.json).say("Interrupted. The job is kept and continues with `aurora-desktop resume`.")
            return EXIT_INTERRUPTED
        raise
    finally:
        uninstall()
