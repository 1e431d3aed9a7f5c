"""`aurora-desktop resume`: finish every unfinished job, and say which ones wait for the user."""

from __future__ import annotations

import argparse
import asyncio

from aurora_desktop.cli.output import EXIT_JOB_FAILED, EXIT_OK, Reporter
from aurora_desktop.cli.session import check_out_folder, exit_code_for, open_locked, wait_all
from aurora_desktop.jobs.model import LocalJob, State


async def cmd_resume(args: argparse.Namespace) -> int:
    report = Reporter(args.json)
    await check_out_folder(args, 0, library_too=False)  # paid jobs wait for the library as it is
    services = await open_locked(args, report)
    try:
        if args.out:  # videos not saved yet go there now, not where an earlier --out said
            await services.engine.retarget(services.engine.config.library_dir)
        resumed = await services.engine.start()
        finals: list[LocalJob] = []
        if resumed:
            report.say(f"Resuming {len(resumed)} job(s).")
            finals = await wait_all(services, [j.id for j in resumed], args.patience)
        for job in finals:
            if job.state is State.SAVED:
                print(job.output_path, flush=True)
        # Jobs that wait for the user are not resumed by themselves: say which, and do not call it done.
        waiting = [j for j in await services.engine.library() if j.state is State.NEEDS_ATTENTION]
        for job in waiting:
            report.say(
                f"Still needs you: {job.name!r}: {job.error_message or 'see the job in the app.'}",
                job_id=job.id,
                exit_code=EXIT_JOB_FAILED,
            )
        if not resumed and not waiting:
            report.say("Nothing to resume.")
        # A job left waiting for the user is exit 1 ("needs attention"), whatever it waits for: the
        # 2 and 3 of a `run` say "nothing was spent" of this run's own request, not of an old job.
        codes = [*(exit_code_for(j) for j in finals), *(EXIT_JOB_FAILED for _ in waiting)]
        return max(codes, default=EXIT_OK)
    finally:
        await asyncio.shield(services.close())
