"""Step REMOTE -> DOWNLOADING (or FAILED/REJECTED): wait while Creatify makes the video.

The watching itself is the poller's (jobs/poller.py), shared by every job at Creatify;
this step hands the job to it and returns once the poller has moved the job on.
"""

from __future__ import annotations

from aurora_desktop.jobs.model import LocalJob
from aurora_desktop.jobs.runtime import Runtime


async def await_remote(rt: Runtime, job: LocalJob) -> None:
    await rt.poller.wait_until_moved_on(job)
