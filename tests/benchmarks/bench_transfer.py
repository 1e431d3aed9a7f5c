"""Upload and download throughput of a big file vs curl on loopback, and peak memory growth.

    .venv/bin/python tests/benchmarks/bench_transfer.py [--mb 1024]

Both sides talk to the same server (the sandbox's file endpoint under uvicorn),
so the ratio compares clients: ours (httpx streaming, as the app hosts and
downloads) against curl, measured in the same run. Each of our transfers runs
in a fresh process that reports its peak memory growth (VmHWM - VmRSS before).
Goals: throughput >= 0.9x curl; memory growth < 50 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from aurora_desktop.sandbox.process import SandboxProcess

CHILD = r"""
import asyncio, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import httpx
from aurora_desktop.api import Credentials
from aurora_desktop.hosting.sandbox import SandboxHoster
from aurora_desktop.jobs.download import download

def vm(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
mode, url, path = sys.argv[2], sys.argv[3], Path(sys.argv[4])
async def main():
    base = vm("VmRSS:")
    t = time.perf_counter()
    if mode == "upload":
        hosted = await SandboxHoster(url, Credentials("sandbox-id", "sandbox-key")).host(
            path, key="bench/big.bin", content_type="application/octet-stream")
        result = hosted.url
    else:
        async with httpx.AsyncClient(timeout=120, trust_env=False) as http:
            result = await download(http, url, path)
    return time.perf_counter() - t, vm("VmHWM:") - base, result
elapsed, growth, result = asyncio.run(main())
print(json.dumps({"seconds": elapsed, "growth": growth, "result": result}))
"""


def timed(cmd: list[str]) -> float:
    os.sync()  # each transfer starts from a clean page cache: nobody pays for the previous one's writeback
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


class Transfers:
    """The four timed transfers of a round, against one sandbox."""

    def __init__(self, sb: SandboxProcess, tmp: Path, big: Path) -> None:
        self.sb, self.tmp, self.big = sb, tmp, big
        self.auth = ["-H", f"X-API-ID: {sb.api_id}", "-H", f"X-API-KEY: {sb.api_key}"]

    def ours(self, *args: str) -> dict:
        """Our client in a fresh process, which times itself and reports its memory growth."""
        os.sync()
        return json.loads(
            subprocess.run(
                [sys.executable, "-c", CHILD, str(ROOT), *args], check=True, capture_output=True, text=True
            ).stdout
        )

    def curl_up(self) -> float:
        return timed(["curl", "-sf", "-T", str(self.big), *self.auth, f"{self.sb.url}/sandbox/files/curl.bin"])

    def ours_up(self) -> dict:
        return self.ours("upload", self.sb.url, str(self.big))

    def curl_down(self, url: str) -> tuple[float, float]:
        out = self.tmp / "curl.out"
        plain = timed(["curl", "-sf", "-o", str(out), url])
        out.unlink()
        # The same durability as ours: the app fsyncs before moving a video into place.
        synced = timed(["sh", "-c", f"curl -sf -o '{out}' '{url}' && sync '{out}'"])
        return plain, synced

    def ours_down(self, url: str) -> dict:
        (self.tmp / "ours.part").unlink(missing_ok=True)
        return self.ours("download", url, str(self.tmp / "ours.part"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=4)
    args = ap.parse_args()
    if not shutil.which("curl"):
        sys.exit("curl is needed (build/install-system-deps.sh --test)")
    size = args.mb * 1024 * 1024
    with tempfile.TemporaryDirectory(dir=ROOT / ".venv") as tmp_name:  # same disk as the project
        tmp = Path(tmp_name)
        big = tmp / "big.bin"
        block = os.urandom(1024 * 1024)
        with open(big, "wb") as fh:
            fh.write(b"\x00\x00\x00\x18ftypisom" + block[12:])  # looks like an MP4 to the download check
            for _ in range(args.mb - 1):
                fh.write(block)
        with SandboxProcess(["--max-input-mb", str(args.mb + 10), "--data-dir", str(tmp / "server")]) as sb:
            t = Transfers(sb, tmp, big)
            rows = []
            for round_no in range(args.rounds):
                # Interleaved rounds with the order alternating, so machine noise and
                # writeback hit both sides alike.
                if round_no % 2 == 0:
                    c_up, o_up = t.curl_up(), t.ours_up()
                    (c_down, c_down_sync), down = t.curl_down(o_up["result"]), t.ours_down(o_up["result"])
                else:
                    o_up, c_up = t.ours_up(), t.curl_up()
                    down, (c_down, c_down_sync) = t.ours_down(o_up["result"]), t.curl_down(o_up["result"])
                assert (tmp / "curl.out").stat().st_size == size and down["result"] == size
                rows.append(
                    (c_up, o_up["seconds"], o_up["growth"], c_down, down["seconds"], down["growth"], c_down_sync)
                )
                print(
                    f"round {round_no + 1}: upload curl {c_up:.2f} s ours {o_up['seconds']:.2f} s; download curl "
                    f"{c_down:.2f} s (+sync {c_down_sync:.2f} s) ours {down['seconds']:.2f} s",
                    file=sys.stderr,
                )
                for p in (tmp / "curl.out", tmp / "ours.part"):
                    p.unlink(missing_ok=True)
    mbps = lambda s: args.mb / s  # noqa: E731
    med = lambda i: statistics.median(r[i] for r in rows)  # noqa: E731
    cu, ou, ug = med(0), med(1), max(r[2] for r in rows)
    cd, od, dg, cds = med(3), med(4), max(r[5] for r in rows), med(6)
    print(
        f"file: {args.mb} MB over loopback to the sandbox's file endpoint, "
        f"median of {len(rows)} interleaved rounds (order alternating)"
    )
    print(
        f"upload:   curl {mbps(cu):7.1f} MB/s   ours {mbps(ou):7.1f} MB/s   ratio {cu / ou:.2f}x (goal >= 0.90)"
        f"   peak memory growth {ug / 1e6:.1f} MB (goal < 50)"
    )
    print(
        f"download: curl {mbps(cd):7.1f} MB/s   ours {mbps(od):7.1f} MB/s   ratio {cd / od:.2f}x (goal >= 0.90)"
        f"   peak memory growth {dg / 1e6:.1f} MB (goal < 50)"
    )
    print(
        f"download vs curl + sync of the file (same durability as ours): curl {mbps(cds):7.1f} MB/s   "
        f"ratio {cds / od:.2f}x"
    )
    print("(ours: timed inside the process, from the first byte sent; curl: the whole command)")


if __name__ == "__main__":
    main()
