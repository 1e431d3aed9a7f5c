"""The sandbox's job service: accounts credits, runs each job's life, renders.

Life of a job, as the real service is described: pending (inputs being fetched
and checked) -> in_queue (waiting for a render slot) -> running (progress
rising) -> done, or failed/rejected with a readable reason and the credits
refunded. A job takes at least `job_seconds`, so clients see every state.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from aurora_desktop.api.catalog import CATALOG, ModelSpec, cost_credits, get_model
from aurora_desktop.api.models import GUIDANCE_MAX, GUIDANCE_MIN, NAME_MAX, WEBHOOK_MAX
from aurora_desktop.fileio import write_atomic
from aurora_desktop.formatting import credits_number
from aurora_desktop.media.inspect import InputError
from aurora_desktop.sandbox import inputs, render
from aurora_desktop.sandbox.config import SandboxConfig

log = logging.getLogger(__name__)

MODEL_VERSIONS = sorted({m.model_version for m in CATALOG})
V2_RESOLUTIONS = {m.resolution: m for m in CATALOG if m.resolution}


class NotEnoughCredits(Exception):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SandboxJob:
    id: str
    request: dict[str, Any]
    model: ModelSpec
    base_url: str
    status: str = "pending"
    progress: float = 0.0
    video_output: str | None = None
    preview: str | None = None
    failed_reason: str = ""
    credits_used: Decimal = Decimal(0)
    duration: int | None = None
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)
    on_change: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def set(self, **changes: Any) -> None:
        for key, value in changes.items():
            setattr(self, key, value)
        self.updated_at = _now()
        if self.on_change is not None and ("status" in changes or "credits_used" in changes):
            self.on_change()  # progress ticks are not worth a write; states and charges are

    def to_state(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "request": self.request,
            "model": self.model.key,
            "base_url": self.base_url,
            "status": self.status,
            "progress": self.progress,
            "video_output": self.video_output,
            "preview": self.preview,
            "failed_reason": self.failed_reason,
            "credits_used": str(self.credits_used),
            "duration": self.duration,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    @classmethod
    def from_state(cls, raw: dict[str, Any]) -> SandboxJob:
        return cls(
            id=raw["id"],
            request=raw["request"],
            model=get_model(raw["model"]),
            base_url=raw["base_url"],
            status=raw["status"],
            progress=float(raw["progress"]),
            video_output=raw["video_output"],
            preview=raw["preview"],
            failed_reason=raw["failed_reason"],
            credits_used=Decimal(raw["credits_used"]),
            duration=raw["duration"],
            created_at=datetime.fromisoformat(raw["created_at"]),
            updated_at=datetime.fromisoformat(raw["updated_at"]),
        )

    def to_api(self, progress_scale: int) -> dict[str, Any]:
        req = self.request
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": self.updated_at.isoformat().replace("+00:00", "Z"),
            "name": req.get("name"),
            "image": req.get("image"),
            "audio": req.get("audio"),
            "text_prompt": req.get("text_prompt"),
            "prompt_guidance_scale": req.get("prompt_guidance_scale", 1),
            "model_version": self.model.model_version,
            "webhook_url": req.get("webhook_url"),
            "status": self.status,
            "progress": round(self.progress * progress_scale, 4),
            "video_output": self.video_output,
            "preview": self.preview,
            "credits_used": credits_number(self.credits_used),
            "duration": self.duration,
            "failed_reason": self.failed_reason,
            "media_job": None,
            "is_hidden": False,
            "editor_url": None,
        }


def is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate_create(body: Any) -> tuple[dict[str, Any], ModelSpec]:
    """DRF-style validation: returns the clean request or raises ValueError(errors)."""
    if not isinstance(body, dict):
        raise ValueError({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
    errors: dict[str, list[str]] = {}
    for key in ("image", "audio"):
        if body.get(key) in (None, ""):
            errors[key] = ["This field is required."]
        elif not is_url(body[key]):
            errors[key] = ["Enter a valid URL."]
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > NAME_MAX):
        errors["name"] = [f"Ensure this field has no more than {NAME_MAX} characters."]
    webhook = body.get("webhook_url")
    if webhook not in (None, ""):
        if not is_url(webhook):
            errors["webhook_url"] = ["Enter a valid URL."]
        elif len(webhook) > WEBHOOK_MAX:
            errors["webhook_url"] = [f"Ensure this field has no more than {WEBHOOK_MAX} characters."]
    guidance = body.get("prompt_guidance_scale", 1)
    if isinstance(guidance, bool) or not isinstance(guidance, (int, float)):
        errors["prompt_guidance_scale"] = ["A valid number is required."]
    elif guidance < GUIDANCE_MIN:
        errors["prompt_guidance_scale"] = [f"Ensure this value is greater than or equal to {GUIDANCE_MIN}."]
    elif guidance > GUIDANCE_MAX:
        errors["prompt_guidance_scale"] = [f"Ensure this value is less than or equal to {GUIDANCE_MAX}."]
    version = body.get("model_version", "aurora_v1")
    model: ModelSpec | None = None
    if version not in MODEL_VERSIONS:
        errors["model_version"] = [f'"{version}" is not a valid choice.']
    elif version == "aurora_v2":
        resolution = body.get("resolution", "720p")
        model = V2_RESOLUTIONS.get(resolution)
        if model is None:
            errors["resolution"] = [f'"{resolution}" is not a valid choice.']
    else:
        model = next(m for m in CATALOG if m.model_version == version)
    if errors:
        raise ValueError(errors)
    assert model is not None
    return dict(body), model


STATE_FILE = "state.json"
UNFINISHED = ("pending", "in_queue", "running")


class SandboxService:
    """With a data folder (the app's demo mode), the balance and the jobs are kept in
    state.json there, and unfinished jobs carry on after a restart, as a real service's would."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.credits = config.credits
        self.jobs: dict[str, SandboxJob] = {}
        self._tmp = None if config.data_dir else tempfile.TemporaryDirectory(prefix="aurora-sandbox-")
        self.data_dir = Path(config.data_dir or self._tmp.name)  # type: ignore[union-attr]
        (self.data_dir / "outputs").mkdir(parents=True, exist_ok=True)
        (self.data_dir / "files").mkdir(parents=True, exist_ok=True)
        self._executor = ThreadPoolExecutor(max_workers=config.render_workers, thread_name_prefix="sandbox-render")
        self._render_slots = asyncio.Semaphore(config.render_workers)
        self._tasks: set[asyncio.Task[None]] = set()
        # Set as the server starts to go down (before it closes its sockets): a job fetching
        # an input from this same server then meets a closed door that is not the link's fault.
        self.stopping = False
        self._http: httpx.AsyncClient | None = None
        self._seed_history(config.history)

    def _seed_history(self, count: int) -> None:
        """A heavy account: `count` finished videos, one every 10 minutes until an hour ago,
        their links as long as real pre-signed ones (a listed job is about 1.15 kB)."""
        if count <= 0:
            return
        model = get_model("aurora_v1")
        newest = _now() - timedelta(hours=1)
        signed = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3"
        for n in range(count):
            job_id = str(uuid.uuid4())
            created = newest - timedelta(minutes=10 * n)
            files = f"https://uploads.example.com/aurora-desktop/{job_id}"
            sig = f"&X-Amz-Expires=21600&X-Amz-SignedHeaders=host&X-Amz-Signature={uuid.uuid4().hex}"
            job = SandboxJob(
                id=job_id,
                request={
                    "name": f"Past video {count - n} [ad-{job_id[:10]}]",
                    "image": f"{files}/image.png{signed}{sig}",
                    "audio": f"{files}/audio.wav{signed}{sig}",
                },
                model=model,
                base_url="https://videos.example.com",
                status="done",
                progress=1.0,
                video_output=f"https://videos.example.com/outputs/{job_id}.mp4",
                preview=f"https://videos.example.com/outputs/{job_id}.jpg",
                credits_used=Decimal(8),
                duration=8,
                created_at=created,
                updated_at=created + timedelta(minutes=3),
            )
            self.jobs[job_id] = job

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        self._http = httpx.AsyncClient(timeout=self.config.fetch_timeout, follow_redirects=True, trust_env=False)
        for job in self._load_state():
            self._spawn(job)

    def _state_path(self) -> Path | None:
        return self.data_dir / STATE_FILE if self.config.data_dir else None

    def _load_state(self) -> list[SandboxJob]:
        """The jobs kept by an earlier run; those not finished are returned to carry on."""
        path = self._state_path()
        if path is None or not path.exists():
            return []
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            self.credits = Decimal(raw["credits"])
            jobs = [SandboxJob.from_state(j) for j in raw["jobs"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("sandbox state unreadable (%s); starting afresh", type(exc).__name__)
            return []
        for job in jobs:
            job.on_change = self._save_state
            self.jobs[job.id] = job
        return [j for j in jobs if j.status in UNFINISHED]

    def _save_state(self) -> None:
        path = self._state_path()
        if path is None:
            return
        state = {"credits": str(self.credits), "jobs": [j.to_state() for j in self.jobs.values()]}
        try:
            write_atomic(path, json.dumps(state).encode("utf-8"))
        except OSError as exc:
            log.warning("sandbox state not saved: %s", exc)

    def _spawn(self, job: SandboxJob) -> None:
        task = asyncio.get_running_loop().create_task(self._run(job), name=f"job-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._save_state()
        if self._http:
            await self._http.aclose()
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._tmp:
            self._tmp.cleanup()

    # ---------------------------------------------------------------- API operations

    def create(self, body: Any, base_url: str) -> SandboxJob:
        request, model = validate_create(body)
        # The price is only known once the audio is fetched; refuse now when the
        # balance cannot pay for even one second, as a real service would.
        if self.credits < model.credits_per_second:
            raise NotEnoughCredits(f"Not enough credits to create this video. Remaining credits: {self.credits}.")
        job = SandboxJob(id=str(uuid.uuid4()), request=request, model=model, base_url=base_url)
        job.on_change = self._save_state
        self.jobs[job.id] = job
        self._save_state()
        self._spawn(job)
        return job

    def list(self, ids: list[str] | None, ordering: str | None) -> list[SandboxJob]:
        jobs = list(self.jobs.values()) if ids is None else [self.jobs[i] for i in ids if i in self.jobs]
        if ordering:
            key = ordering.lstrip("-")
            if key in ("created_at", "updated_at", "name", "status", "progress", "id"):
                jobs.sort(key=lambda j: str(getattr(j, key) or ""), reverse=ordering.startswith("-"))
        return jobs

    # ---------------------------------------------------------------- a job's life

    async def _run(self, job: SandboxJob) -> None:
        started = time.monotonic()
        total = self.config.job_seconds * self.config.slow_progress
        workdir = self.data_dir / "work" / job.id
        workdir.mkdir(parents=True, exist_ok=True)
        reserved = Decimal(0)
        try:
            try:
                assert self._http is not None
                image_bytes = await inputs.fetch(self._http, job.request["image"], "image", self.config.max_input_bytes)
                audio_bytes = await inputs.fetch(self._http, job.request["audio"], "audio", self.config.max_input_bytes)
                inputs.check_image(image_bytes)
                audio_path, audio = await asyncio.to_thread(inputs.check_audio, audio_bytes, workdir, job.model)
            except InputError as problem:
                if self.stopping:  # the server going down refused the fetch: the next start carries on
                    log.info("job %s left to carry on after the restart: %s", job.id, problem.message)
                    return
                job.set(status=problem.status, failed_reason=problem.message, progress=0.0)
                return
            cost = cost_credits(job.model, audio.duration)
            if job.credits_used:  # charged before a restart: never twice
                reserved = job.credits_used
            elif self.credits < cost:
                job.set(
                    status="failed",
                    failed_reason=(f"Not enough credits: this video costs {cost} credits and {self.credits} remain."),
                )
                return
            else:
                self.credits -= cost
                reserved = cost
                job.set(credits_used=cost, duration=round(audio.duration))
            await asyncio.sleep(max(0.0, total * 0.1 - (time.monotonic() - started)))

            job.set(status="in_queue")
            async with self._render_slots:
                await asyncio.sleep(total * 0.05)
                job.set(status="running")
                run_started = time.monotonic()
                run_seconds = max(0.0, total - (run_started - started))
                rendered = 0.0

                def on_progress(fraction: float) -> None:  # called from the render thread
                    nonlocal rendered
                    rendered = fraction

                out = self.data_dir / "outputs" / f"{job.id}.mp4"
                preview = self.data_dir / "outputs" / f"{job.id}.jpg"
                future = asyncio.get_running_loop().run_in_executor(
                    self._executor,
                    lambda: render.render(image_bytes, audio_path, out, preview, progress=on_progress, audio=audio),
                )
                while True:
                    timed = (time.monotonic() - run_started) / run_seconds if run_seconds else 1.0
                    # Honest progress: never ahead of the render, never ahead of the clock.
                    if self.config.progress_reported:
                        job.set(progress=min(0.99, rendered, timed))
                    if future.done() and timed >= 1.0:
                        break
                    await asyncio.sleep(0.1)
                future.result()
            reserved = Decimal(0)
            job.set(
                status="done",
                progress=1.0,
                video_output=f"{job.base_url}/sandbox/outputs/{job.id}.mp4",
                preview=f"{job.base_url}/sandbox/outputs/{job.id}.jpg",
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a render bug must fail the job, never hang it
            log.exception("job %s failed", job.id)
            job.set(status="failed", failed_reason=f"The video could not be made ({type(exc).__name__}).")
        finally:
            if reserved and job.status in ("failed", "rejected"):
                self.credits += reserved  # failed videos are refunded automatically
                job.set(credits_used=Decimal(0))
            if job.status in ("done", "failed", "rejected"):
                await self._webhook(job)

    async def _webhook(self, job: SandboxJob) -> None:
        url = job.request.get("webhook_url")
        if not url:
            return
        payload = {
            "id": job.id,
            "status": job.status,
            "failed_reason": job.failed_reason,
            "video_output": job.video_output,
        }
        await self.send_webhook(url, payload, job.id)

    async def send_webhook(self, url: str, payload: dict[str, Any], job_id: str) -> None:
        """POST a job's news to its `webhook_url` (Aurora and speech jobs alike); a failure is logged only."""
        if self._http is None:
            return
        try:
            await self._http.post(url, json=payload, timeout=5.0)
        except httpx.HTTPError as exc:
            log.warning("webhook for %s failed: %s", job_id, exc)
