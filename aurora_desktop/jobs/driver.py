"""The loop that takes one job through its steps, with waits and back-off.

One task per active job. Each turn reads the job, runs the step for its state
(jobs/steps), and goes round until the job is final. A step that must wait
(offline, rate limited) raises Wait; an unexpected error parks the job for the
user instead of losing it; a job moved on by another driver is left to it.
"""

from __future__ import annotations

import asyncio
import logging

from aurora_desktop.errors import UserError
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.runtime import Runtime, Wait
from aurora_desktop.jobs.steps import STEPS
from aurora_desktop.jobs.steps.hosting import release_inputs
from aurora_desktop.jobs.store_health import StateConflict, StoreWriteFailed
from aurora_desktop.jobs.vocabulary import STOPPED_MESSAGE, ErrorCode

log = logging.getLogger(__name__)

BUG_MESSAGE = "Something unexpected went wrong with this job. It is kept; try again, or copy the details for support."


class Driver:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._rerun: set[str] = set()  # jobs to drive again when their driver ends
        self.closed = False

    @property
    def active_count(self) -> int:
        return len(self._tasks)

    def spawn(self, job_id: str) -> None:
        if self.closed:
            return
        running = self._tasks.get(job_id)
        if running is not None and not running.done():
            self._rerun.add(job_id)  # retry() while the driver was finishing: go round again, no second driver
            return
        task = asyncio.get_running_loop().create_task(self._drive(job_id), name=f"job:{job_id}")
        self._tasks[job_id] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._tasks.get(job_id) is done:
                del self._tasks[job_id]

        task.add_done_callback(forget)

    async def stop(self, job_id: str) -> None:
        task = self._tasks.pop(job_id, None)
        if task:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def wait_final(self, job_id: str) -> LocalJob:
        """Until the job needs nothing more from the engine (saved, failed, or needs the user).
        Raises the engine's failure if it stops first (a wait never outlives the engine)."""
        job = await self.rt.store.get(job_id)
        while job is not None and not job.settled:
            finished = asyncio.ensure_future(self.rt.settled_event(job_id).wait())
            stopped = asyncio.ensure_future(self.rt.stopped.wait())
            try:
                await asyncio.wait([finished, stopped], return_when=asyncio.FIRST_COMPLETED)
            finally:
                finished.cancel()
                stopped.cancel()
            if self.rt.failure is not None:
                raise self.rt.failure
            job = await self.rt.store.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    def notify_final(self, job_id: str) -> None:
        self.rt.may_have_settled(job_id)

    async def close(self, timeout: float) -> None:
        self.closed = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    # ------------------------------------------------------------------ the loop

    async def _drive(self, job_id: str) -> None:
        try:
            while self.rt.failure is None:
                await self._drive_once(job_id)
                if job_id not in self._rerun:
                    break
                self._rerun.discard(job_id)
        except StoreWriteFailed as exc:
            self.rt.fail(exc)
        except Exception as exc:
            log.exception("job %s: its driver failed", job_id)
            self.rt.fail(UserError(STOPPED_MESSAGE, detail=f"job {job_id}: {type(exc).__name__}: {exc}"))
        finally:
            self.notify_final(job_id)

    async def _drive_once(self, job_id: str) -> None:
        rt, delay = self.rt, 0.0
        while True:
            job = await rt.store.get(job_id)
            if job is None:
                return
            if job.state.is_final:
                if job.state in (State.SAVED, State.FAILED, State.REJECTED):
                    await release_inputs(rt, job)
                return
            try:
                await STEPS[job.state](rt, job)
                delay = 0.0
            except Wait as wait:
                if wait.offline:  # only Creatify out of reach is "offline" (not a file host)
                    rt.set_online(False, wait.message)
                if wait.backoff:
                    delay = min(max(wait.delay, delay * 2 or 1.0), rt.config.offline_max_wait)
                else:
                    delay = wait.delay
                log.info("job %s waits %.1fs: %s", job_id, delay, wait.message)
                await asyncio.sleep(delay)
            except StateConflict as exc:  # another driver moved it on: read it again
                log.warning("job %s: %s", job_id, exc)
            except StoreWriteFailed:
                raise  # nothing can be recorded: the engine stops (see _drive)
            except Exception as exc:  # an engine bug must not lose a paid job: park it for the user
                log.exception("job %s: unexpected error", job_id)
                current = await rt.store.get(job_id)
                if current is not None and not current.state.is_final:
                    await rt.attention(current, ErrorCode.BUG, BUG_MESSAGE, f"{type(exc).__name__}: {exc}")
