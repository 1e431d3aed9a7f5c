"""An engine on a profile's job library, *without* the profile lock: what two processes on
one profile would do if the lock were bypassed (or for the window and `jobs` reading while
an engine writes). Resumes every job, waits until they are final, prints one JSON line.

    python -m tests.e2e.helpers.engine_process DB API_BASE LIBRARY PARTIAL
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from aurora_desktop.api import AuroraClient, Credentials
from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.jobs.engine import Engine, EngineConfig
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.secrets import ENV_API_ID, ENV_API_KEY


async def main(db: str, base: str, library: str, partial: str) -> dict[str, object]:
    import os

    credentials = Credentials(os.environ[ENV_API_ID], os.environ[ENV_API_KEY])
    client = AuroraClient(credentials, base)
    config = EngineConfig(library_dir=Path(library), partial_dir=Path(partial), poll_min=0.3, poll_max=1.0)
    engine = Engine(JobStore(Path(db)), client, SandboxHoster(base, credentials), config)
    try:
        resumed = await engine.start()
        finals = await asyncio.wait_for(asyncio.gather(*(engine.wait(j.id) for j in resumed)), timeout=120)
        return {"resumed": len(resumed), "states": [j.state.value for j in finals]}
    finally:
        await engine.close()
        await client.aclose()


def command(db: Path, api_base: str, profile: Path) -> list[str]:
    """This helper as a command, for the profile's library, videos and partial folders."""
    return [
        sys.executable,
        "-m",
        "tests.e2e.helpers.engine_process",
        str(db),
        api_base,
        str(profile / "videos"),
        str(profile / "data" / "partial"),
    ]


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:5]))), flush=True)
