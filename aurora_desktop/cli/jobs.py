"""`aurora-desktop jobs`: list the library (it needs no keys, no service and no lock)."""

from __future__ import annotations

import argparse
import asyncio
import json

from aurora_desktop.cli.output import EXIT_OK, terminal_text
from aurora_desktop.jobs.model import State
from aurora_desktop.services import open_store


async def cmd_jobs(args: argparse.Namespace) -> int:
    store = await asyncio.to_thread(open_store)
    try:
        jobs = await asyncio.to_thread(store.list)
    finally:
        store.close()
    if args.json:
        print(json.dumps([j.to_summary() for j in jobs], indent=2))
        return EXIT_OK
    if not jobs:
        print("No videos yet.")
    for job in jobs:
        where = (job.output_path if job.state is State.SAVED else job.error_message) or ""
        name = terminal_text(job.name)[:40]
        print(f"{job.created_at.astimezone():%Y-%m-%d %H:%M}  {job.state.value:<15} {name:<40} {terminal_text(where)}")
    return EXIT_OK
