"""One module per step of a job's way; STEPS says which runs in which state.

    DRAFT --speaking--> SPEAKING --speaking--> (VOICE_READY, until the user approves) HOSTING   (script jobs)
    DRAFT/HOSTING --hosting--> SUBMITTING --submitting--> REMOTE --remote--> DOWNLOADING --downloading--> SAVED

A step is `async def step(rt: Runtime, job: LocalJob) -> None`: it moves the job
on (jobs.transitions.move via rt.move), parks it for the user (rt.attention),
or raises runtime.Wait to be run again later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.runtime import Runtime
from aurora_desktop.jobs.steps.downloading import fetch_video
from aurora_desktop.jobs.steps.hosting import host
from aurora_desktop.jobs.steps.remote import await_remote
from aurora_desktop.jobs.steps.speaking import speak
from aurora_desktop.jobs.steps.submitting import submit

Step = Callable[[Runtime, LocalJob], Awaitable[None]]


async def start(rt: Runtime, job: LocalJob) -> None:
    """A script job makes its speech first (once: a made speech is reused on retry)."""
    await (speak if job.needs_speech else host)(rt, job)


STEPS: dict[State, Step] = {
    State.DRAFT: start,
    State.SPEAKING: speak,
    State.HOSTING: host,
    State.SUBMITTING: submit,
    State.REMOTE: await_remote,
    State.DOWNLOADING: fetch_video,
}
