"""The last seconds of every job: from the moment the service has the video to the moment
it is saved and shown (issue 12, part 3).

    .venv/bin/python tests/benchmarks/bench_last_seconds.py [--render 90] [--counts 1,10,100]
                                                            [--progress linear|none|both]

For each count, two engines run side by side, each against its own sandbox
process whose jobs take --render seconds: one with today's poller (it asks
quickly when a job is likely to finish: jobs/eta.py), one with the rule it
replaced (the older a job, the slower it is polled; quick again only above 80%
progress), measured in the same run as the baseline. Both profiles hold the
same history of ten saved videos that took as long as the sandbox's jobs do.
Twice: with the sandbox reporting progress as it goes, and reporting none until
the end (`--no-progress`: how fine Creatify's progress is, is not documented).

Per job: "noticed" is the time from the sandbox marking the job done (its
`updated_at`) to the engine starting the download; "download" is the time from
then to the video saved and announced (what the window shows). Printed: the
median and the worst noticed, the median download, and new/old ratios. Goal:
median noticed <= one quick poll interval (EngineConfig.poll_min).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from aurora_desktop.api import AuroraClient, Credentials
from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.jobs import eta, poller
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.events import JobChanged
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State, new_token, utcnow
from aurora_desktop.jobs.prepare import prepare
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.media.qt_threads import ensure_app
from aurora_desktop.sandbox.process import SandboxProcess

SAMPLE_IMAGE = ROOT / "resources" / "samples" / "portrait.png"
SAMPLE_AUDIO = ROOT / "resources" / "samples" / "voice.wav"


def old_delay(job: LocalJob, pace: eta.RenderPace | None, *, quick: float, slow: float, now=None) -> float:
    """The rule before jobs/eta.py: quick at first and above 80%, else slower with age."""
    age = ((now or utcnow()) - (job.submitted_at or job.created_at)).total_seconds()
    if age < 30 or job.progress >= 0.8:
        return quick
    return min(slow, quick * (1 + age / 60))


class OldPoller(poller.Poller):
    def _interval(self, jobs: list[LocalJob]) -> float:
        cfg, now = self.rt.config, utcnow()
        return min(
            (old_delay(j, None, quick=cfg.poll_min, slow=cfg.poll_max, now=now) for j in jobs), default=cfg.poll_max
        )


def seed_history(store: JobStore, render: float, audio_seconds: float) -> None:
    """Ten videos saved before, each of which took as long as the sandbox's jobs take."""
    now = utcnow()
    for i in range(10):
        finished = now - timedelta(hours=i + 1)
        store.insert(
            LocalJob(
                id=str(uuid.uuid4()),
                token=new_token(),
                name=f"Earlier {i}",
                model="aurora_v1",
                image=InputFile(InputKind.IMAGE, str(SAMPLE_IMAGE)),
                audio=InputFile(InputKind.AUDIO, str(SAMPLE_AUDIO)),
                state=State.SAVED,
                audio_seconds=audio_seconds,
                submitted_at=finished - timedelta(seconds=render + 3),
                finished_at=finished,
            )
        )


async def one_side(old: bool, count: int, render: float, folder: Path, progress: bool) -> list[tuple[float, float]]:
    """(noticed, download) seconds for each of `count` jobs."""
    args = ["--job-seconds", str(render), "--render-workers", "2", "--credits", "1000000"]
    sandbox = await asyncio.to_thread(SandboxProcess([*args, *([] if progress else ["--no-progress"])]).start)
    try:
        credentials = Credentials(sandbox.api_id, sandbox.api_key)
        client = AuroraClient(credentials, sandbox.url)
        store = JobStore(folder / "jobs.sqlite3")
        config = EngineConfig(library_dir=folder / "videos", partial_dir=folder / "partial", max_active_jobs=count)
        prepared = await prepare(str(SAMPLE_IMAGE), str(SAMPLE_AUDIO), work_dir=folder / "cache")
        seed_history(store, render, prepared.audio.duration)
        engine = Engine(store, client, SandboxHoster(sandbox.url, credentials), config)
        if old:
            engine.rt.poller = OldPoller(engine.rt)
        stamps: dict[str, dict[State, float]] = {}

        def listen(event: object) -> None:
            if isinstance(event, JobChanged):
                stamps.setdefault(event.job.id, {}).setdefault(event.job.state, time.time())

        engine.subscribe(listen)
        await engine.start()
        jobs = [await engine.add(prepared, name=f"Job {i}", model="aurora_v1") for i in range(count)]
        finals = await asyncio.gather(*(engine.wait(j.id) for j in jobs))
        remote_jobs = {r.id: r for r in await client.list(ids=[f.remote_id for f in finals if f.remote_id])}
        figures = []
        for job in finals:
            if job.state is not State.SAVED:
                raise RuntimeError(f"{job.name} ended {job.state.value}: {job.error_message}")
            done_at = remote_jobs[job.remote_id].updated_at.timestamp()
            noticed = stamps[job.id][State.DOWNLOADING] - done_at
            download = stamps[job.id][State.SAVED] - stamps[job.id][State.DOWNLOADING]
            figures.append((noticed, download))
        await engine.close()
        await client.aclose()
        return figures
    finally:
        await asyncio.to_thread(sandbox.stop)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--render", type=float, default=90.0, help="seconds each sandbox job takes")
    ap.add_argument("--counts", default="1,10,100")
    ap.add_argument(
        "--progress",
        choices=("linear", "none", "both"),
        default="both",
        help="the sandbox reports progress as it goes (linear), or only 0 until done (none)",
    )
    opts = ap.parse_args()
    quick = EngineConfig(library_dir=Path(), partial_dir=Path()).poll_min
    print(
        f"the last seconds of a job: sandbox done -> download started (noticed) -> saved and shown; "
        f"jobs of {opts.render:g} s, quick poll {quick:g} s"
    )
    modes = ("linear", "none") if opts.progress == "both" else (opts.progress,)
    with tempfile.TemporaryDirectory() as tmp:
        for mode, count in ((m, int(c)) for m in modes for c in opts.counts.split(",")):
            reported = mode == "linear"
            new, old = await asyncio.gather(
                one_side(False, count, opts.render, Path(tmp) / f"new-{mode}-{count}", reported),
                one_side(True, count, opts.render, Path(tmp) / f"old-{mode}-{count}", reported),
            )
            for label, figures in (("eta-based poller", new), ("old age-based (baseline)", old)):
                noticed = [f[0] for f in figures]
                print(
                    f"  progress {mode:<6} {count:>3} job(s), {label:<25} noticed median "
                    f"{statistics.median(noticed):5.2f} s, worst {max(noticed):5.2f} s; "
                    f"download median {statistics.median(f[1] for f in figures):5.2f} s"
                )
            ratio = statistics.median(f[0] for f in new) / max(1e-9, statistics.median(f[0] for f in old))
            met = "met" if statistics.median(f[0] for f in new) <= quick else "NOT met"
            print(f"      new/old median noticed {ratio:.2f}x; goal median <= {quick:g} s: {met}")


if __name__ == "__main__":
    ensure_app()  # prepare() decodes the voice with Qt's FFmpeg, as the command line does
    asyncio.run(main())
