"""The job engine: what the window and the CLI call. host -> submit -> poll -> download -> saved.

Rules that make it safe (each owned by one module):
- Every state change is one compare-and-set transaction, allowed by the
  TRANSITIONS table, committed before the next step starts (jobs/transitions.py).
- The intent to submit is committed before the POST; a POST whose outcome is
  unknown is reconciled by the job's client token before anything is sent
  again: nobody is charged twice (jobs/steps/submitting.py).
- All jobs at Creatify are polled with one request per 100 jobs per tick
  (jobs/poller.py).
- Videos are downloaded (resumably) before their links expire, soonest first,
  then moved atomically into the library with a JSON sidecar (jobs/steps/downloading.py).
- On start, every unfinished job continues from its stored state (jobs/recovery.py).

No Qt here: listeners get plain events (jobs/events.py); the window adapts them to signals.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import httpx

from aurora_desktop.api import AuroraClient
from aurora_desktop.api.catalog import cost_credits, get_model
from aurora_desktop.api.speech import speech_credits
from aurora_desktop.errors import UserError
from aurora_desktop.hosting import Hoster
from aurora_desktop.jobs import recovery
from aurora_desktop.jobs.actions import may_cancel, may_remove
from aurora_desktop.jobs.async_store import AsyncStore
from aurora_desktop.jobs.blockers import NAME_LIMIT
from aurora_desktop.jobs.driver import Driver
from aurora_desktop.jobs.events import JobChanged, JobRemoved, Listener
from aurora_desktop.jobs.limits import ScriptLimit
from aurora_desktop.jobs.model import LocalJob, State, new_token, utcnow
from aurora_desktop.jobs.naming import clean_text
from aurora_desktop.jobs.prepare import PreparedInputs
from aurora_desktop.jobs.runtime import EngineConfig, Runtime
from aurora_desktop.jobs.saving import rename_video, sidecar_paths
from aurora_desktop.jobs.steps import speaking
from aurora_desktop.jobs.steps.hosting import release_inputs
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.jobs.vocabulary import History

__all__ = ["Engine", "EngineConfig", "JobBusy"]


REQUESTED = "This video has already been requested from Creatify and cannot be cancelled; it will finish and be saved."


class JobBusy(ValueError):
    """The action does not fit the job's state now; the message says why, in plain words."""


class Engine:
    def __init__(
        self,
        store: JobStore,
        client: AuroraClient,
        hoster: Hoster,
        config: EngineConfig,
        *,
        video_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.store = AsyncStore(store)
        self.client = client
        self.hoster = hoster
        self.config = config
        self.rt = Runtime(self.store, client, hoster, config, video_transport=video_transport)
        self._driver = Driver(self.rt)

    # ------------------------------------------------------------------ news and facts

    @property
    def script_limit(self) -> ScriptLimit:
        """How long a script this account may send (learnt from answers, kept in the profile)."""
        return speaking.script_limit(self.rt)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self.rt.listeners.append(listener)
        return lambda: self.rt.listeners.remove(listener)

    @property
    def offline_since(self) -> float | None:
        return self.rt.offline_since

    @property
    def failure(self) -> UserError | None:
        """Why the engine stopped (its job library cannot be written, or a bug), or None."""
        return self.rt.failure

    @property
    def poll_ticks(self) -> int:
        return self.rt.poller.ticks

    @property
    def active_count(self) -> int:
        return self._driver.active_count

    async def library(self) -> list[LocalJob]:
        """Every job, newest first: what the library shows."""
        return await self.store.list()

    # ------------------------------------------------------------------ commands

    async def retarget(self, folder: Path) -> int:
        """Save the videos of unfinished jobs in `folder` (e.g. `resume --out`), not where they were headed."""
        return await recovery.retarget(self.rt, folder)

    async def start(self) -> list[LocalJob]:
        """Resume every unfinished job of this service; return them."""
        resumed = await recovery.jobs_to_resume(self.rt)
        for job in resumed:
            self._driver.spawn(job.id)
        self.rt.poller.ensure_running()
        return resumed

    async def add(
        self,
        prepared: PreparedInputs,
        *,
        name: str,
        model: str,
        text_prompt: str | None = None,
        guidance: float | None = None,
    ) -> LocalJob:
        """Record a new job (nothing spent yet) and start it."""
        spec = get_model(model)
        image, audio = prepared.input_files()
        script = prepared.script
        if script and script.speech_id:  # another take with a speech already made: its link is the audio
            audio = replace(audio, url=audio.source)
        job = LocalJob(
            id=str(uuid.uuid4()),
            token=new_token(),
            name=clean_text(name) or "Untitled",
            model=spec.key,
            image=image,
            audio=audio,
            text_prompt=text_prompt or None,
            guidance=guidance,
            audio_seconds=prepared.audio.duration,
            cost_estimate=prepared.cost(spec),
            api_base=self.client.base_url,
            script=script.text if script else None,
            voice_id=script.voice_id if script else None,
            voice_name=(script.voice_name or None) if script else None,
            speech_id=script.speech_id if script else None,
            hear_first=bool(script and script.hear_first and script.needs_speech),
        )
        await self.store.insert(job)
        self.rt.emit(JobChanged(job))
        self._driver.spawn(job.id)
        return job

    async def rename(self, job_id: str, name: str, *, file: bool = False) -> LocalJob:
        """The name in the library. A video already requested keeps the name Creatify has. With
        `file`, a saved video's file is renamed too, with its sidecar and transcript, by the rules
        of saving (jobs/saving.rename_video: safe name, never over another file); the record
        follows the file (`output_path`)."""
        name = " ".join(name.split())[:NAME_LIMIT]
        if not name:
            raise ValueError("A video needs a name.")
        job = await self._get(job_id)
        changes: dict[str, str] = {}
        if name != job.name:
            changes["name"] = name
        if file and job.state is State.SAVED and job.output_path:
            moved = await asyncio.to_thread(rename_video, Path(job.output_path), name)
            if str(moved) != job.output_path:
                changes["output_path"] = str(moved)
        if not changes:
            return job
        data = {"from": job.name} | ({"file_from": job.output_path} if "output_path" in changes else {})
        try:
            job = await self.store.update(job_id, History.RENAMED, data, **changes)
        except BaseException:
            if "output_path" in changes and job.output_path:  # the record could not follow: nor does the file
                await asyncio.to_thread(rename_video, Path(changes["output_path"]), Path(job.output_path).stem)
            raise
        self.rt.emit(JobChanged(job))
        return job

    def use_hoster(self, hoster: Hoster) -> None:
        """Share local files another way from now on (the user chose Quick links or storage).
        Jobs already hosted keep their links; removing them later asks the new hoster, which
        ignores keys it did not make."""
        self.hoster = self.rt.hoster = hoster

    async def wait(self, job_id: str) -> LocalJob:
        """Until the job needs nothing more from the engine (saved, failed, or needs the user)."""
        return await self._driver.wait_final(job_id)

    async def make_video(self, job_id: str) -> LocalJob:
        """The user heard the voice (VOICE_READY): request the video with it."""
        job = await self._get(job_id)
        if job.state is not State.VOICE_READY:
            raise JobBusy("This job is not waiting for you to approve its voice.")
        job = await self.rt.move(job, State.HOSTING, History.VOICE_APPROVED)
        self._driver.spawn(job_id)
        return job

    async def change_model(self, job_id: str, model: str) -> LocalJob:
        """Another model for a job that stopped before its video was requested (e.g. a voice too
        long for the first one, or a cheaper one when the credits are too few to retry); the price
        follows. A video Creatify has or is making cannot change; one it failed (refunded) is
        asked again as a new request on retry, so it may."""
        spec = get_model(model)
        job = await self._get(job_id)
        at_creatify = job.remote_id is not None and job.state is not State.FAILED
        if not job.state.is_final or job.state is State.SAVED or at_creatify:
            raise JobBusy("The model can only be changed before the video is requested.")
        made = job.speech_made and job.speech_credits is not None
        speech = (job.speech_credits or Decimal(0)) if made else speech_credits(job.audio_seconds or 0.0)
        cost = cost_credits(spec, job.audio_seconds or 0.0) + (speech if job.script else Decimal(0))
        job = await self.store.update(
            job_id, History.MODEL_CHANGED, {"from": job.model}, model=spec.key, cost_estimate=cost
        )
        self.rt.emit(JobChanged(job))
        return job

    async def retry(self, job_id: str) -> LocalJob:
        """Start a final job again from where it makes sense (jobs/recovery.py decides where)."""
        job = await recovery.retry(self.rt, await self._get(job_id))
        if job.state.is_final:
            return job
        self._driver.spawn(job_id)
        return job

    async def cancel(self, job_id: str) -> LocalJob:
        """Cancel a job whose video was never requested, in whatever state it waits (uploading,
        waiting to be sent, parked: `jobs.actions.may_cancel`). Once the request may have reached
        Creatify there is nothing to cancel there (the API has no cancel): the job is kept."""
        job = await self._get(job_id)
        if job.state in (State.SAVED, State.FAILED, State.REJECTED, State.CANCELLED):
            return job
        if not may_cancel(job):
            raise JobBusy(REQUESTED)
        await self._driver.stop(job_id)
        job = await self._get(job_id)
        if not may_cancel(job):  # its driver claimed the request just before it stopped: it goes on
            self._driver.spawn(job_id)
            raise JobBusy(REQUESTED)
        job = await self.rt.move(job, State.CANCELLED, History.CANCELLED, finished_at=utcnow())
        await release_inputs(self.rt, job)
        self._driver.notify_final(job_id)
        return job

    async def remove(self, job_id: str, *, delete_file: bool) -> None:
        """Take a job out of the library (`jobs.actions.may_remove`): one still on its way whose
        video was never requested is cancelled first."""
        job = await self._get(job_id)
        if not may_remove(job):
            raise JobBusy("This video has already been requested from Creatify; it can be removed once it is saved.")
        if not job.state.is_final:
            job = await self.cancel(job_id)
        if delete_file and job.output_path:
            target = Path(job.output_path)
            await asyncio.to_thread(target.unlink, missing_ok=True)
            for companion in sidecar_paths(target):
                await asyncio.to_thread(companion.unlink, missing_ok=True)
        await release_inputs(self.rt, job)
        await self.store.delete(job_id)
        self.rt.emit(JobRemoved(job))

    async def close(self, timeout: float = 5.0) -> None:
        """Stop all work (jobs stay in the store and resume next time)."""
        await self._driver.close(timeout)
        await self.rt.poller.close(timeout)
        await self.rt.aclose()
        self.store.close()

    async def _get(self, job_id: str) -> LocalJob:
        job = await self.store.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job
