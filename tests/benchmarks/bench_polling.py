"""HTTP requests per active job per poll tick, with 1, 10 and 250 active jobs.

    .venv/bin/python tests/benchmarks/bench_polling.py

Jobs are created at a sandbox that keeps them running (long --job-seconds),
recorded locally as "at Creatify", and the real engine polls them. The sandbox
counts the requests it gets. Baseline, measured in the same run against the
same jobs: polling each job on its own (GET /api/aurora/{id}/), one request per
job per tick. Goal: at most one request per 100 jobs per tick.
"""

from __future__ import annotations

import asyncio
import math
import sys
import tempfile
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from aurora_desktop.api import AuroraClient, CreateRequest, Credentials
from aurora_desktop.hosting import NoHosting
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State, new_token
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.sandbox.process import SandboxProcess

SAMPLES = ROOT / "resources" / "samples"
TICKS = 5


def host(sb: SandboxProcess, path: Path) -> str:
    r = httpx.put(
        f"{sb.url}/sandbox/files/{path.name}",
        content=path.read_bytes(),
        headers={"X-API-ID": sb.api_id, "X-API-KEY": sb.api_key},
    )
    return r.json()["url"]


def list_requests(sb: SandboxProcess) -> tuple[int, int]:
    req = httpx.get(f"{sb.url}/sandbox/stats").json()["requests"]
    return req.get("GET /api/aurora/", 0), req.get("GET /api/aurora/{id}/", 0)


async def measure(sb: SandboxProcess, n: int, image: str, audio: str, folder: Path) -> tuple[float, float]:
    creds = Credentials(sb.api_id, sb.api_key)
    async with AuroraClient(creds, sb.url) as client:
        remote = [await client.create(CreateRequest(image=image, audio=audio, name=f"bench {i}")) for i in range(n)]
        store = JobStore(folder / f"jobs-{n}.sqlite3")
        for r in remote:
            store.insert(
                LocalJob(
                    id=str(uuid.uuid4()),
                    token=new_token(),
                    name=r.name or "",
                    model="aurora_v1",
                    image=InputFile(InputKind.IMAGE, image, url=image),
                    audio=InputFile(InputKind.AUDIO, audio, url=audio),
                    state=State.REMOTE,
                    remote_id=r.id,
                    api_base=client.base_url,
                )
            )
        config = EngineConfig(
            library_dir=folder / "videos", partial_dir=folder / "partial", poll_min=1.0, poll_max=1.0
        )  # a quiet second after each tick to read counters
        engine = Engine(store, client, NoHosting(), config)
        await engine.start()
        # Warm-up tick: the jobs register with the poller as their tasks start.
        while engine.poll_ticks < 1:
            await asyncio.sleep(0.02)
        before_list, before_item = list_requests(sb)  # read in the quiet second between ticks
        while engine.poll_ticks < 1 + TICKS:
            await asyncio.sleep(0.02)
        after_list, _ = list_requests(sb)
        ticks = engine.poll_ticks - 1
        await engine.close()
        engine_requests = after_list - before_list
        # Baseline: one GET per job, for one tick.
        for r in remote:
            await client.get(r.id)
        _, after_item = list_requests(sb)
        baseline_per_tick = after_item - before_item
    return engine_requests / ticks / n, baseline_per_tick / n


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(["--job-seconds", "3600", "--credits", "1000000"]) as sb:
        image, audio = host(sb, SAMPLES / "portrait.png"), host(sb, SAMPLES / "voice.wav")
        print(f"{'active jobs':>12} {'engine req/job/tick':>20} {'per-job polling':>16} {'ratio':>8} {'goal <=':>8}")
        for n in (1, 10, 250):
            ours, baseline = await measure(sb, n, image, audio, Path(tmp))
            goal = math.ceil(n / 100) / n
            print(
                f"{n:>12} {ours:>20.4f} {baseline:>16.4f} {ours / baseline:>8.4f} {goal:>8.4f}"
                f"  {'OK' if ours <= goal + 1e-9 else 'MISSED'}"
            )


if __name__ == "__main__":
    asyncio.run(main())
