"""The size of the download: the frozen app unpacked and as the `make dist` archive.

    .venv/bin/python tests/benchmarks/bench_size.py [--dist dist/aurora-desktop]

Needs `make package` first (`make bench` does it). Prints the unpacked size (as
`du` counts it) and the .tar.xz size against the goals (150 MB unpacked, 70 MB
archive), each also as a ratio to the floor measured in the same build: PySide6
with Qt's libraries alone, which any Qt widgets + multimedia app of ours ships.
Then the largest parts, so the next cut is where the bytes are.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1_000_000
GOAL_UNPACKED, GOAL_ARCHIVE = 150 * MB, 70 * MB


def du(path: Path) -> int:
    """Bytes on disk as `du` counts them (blocks), files and folders below path."""
    out = subprocess.run(["du", "-s", "--block-size=1", str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0])


def archive_size(dist: Path) -> int:
    """The `make dist` archive's size: the same tar | xz -9, counted as it streams."""
    tar = subprocess.Popen(["tar", "-C", str(dist.parent), "-cf", "-", dist.name], stdout=subprocess.PIPE)
    xz = subprocess.run(["xz", "-9", "-T0", "-c"], stdin=tar.stdout, capture_output=True, check=True)
    assert tar.stdout is not None
    tar.stdout.close()
    if tar.wait():
        raise RuntimeError("tar failed")
    return len(xz.stdout)


def parts(dist: Path, top: int) -> list[tuple[int, str]]:
    internal = dist / "_internal"
    sizes = []
    for entry in internal.iterdir():
        sizes.append((du(entry), entry.name))
    qt_lib = internal / "PySide6" / "Qt" / "lib"
    if qt_lib.is_dir():
        sizes += [(du(lib), f"PySide6/Qt/lib/{lib.name}") for lib in qt_lib.iterdir() if lib.is_file()]
    return sorted(sizes, reverse=True)[:top]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", type=Path, default=ROOT / "dist" / "aurora-desktop")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    dist: Path = args.dist
    if not (dist / "_internal").is_dir():
        print(f"no frozen build at {dist}: run `make package` first", file=sys.stderr)
        return 2
    unpacked = du(dist)
    floor = du(dist / "_internal" / "PySide6")
    packed = archive_size(dist)
    floor_packed = archive_size(dist / "_internal" / "PySide6")
    verdict = {True: "met", False: "NOT met"}
    print(f"frozen app ({dist.relative_to(ROOT) if dist.is_relative_to(ROOT) else dist}), {os.cpu_count()} cores")
    print(
        f"unpacked: {unpacked / MB:.0f} MB ({unpacked / 2**20:.0f} MiB), {unpacked / floor:.2f}x the floor "
        f"(PySide6 + Qt alone: {floor / MB:.0f} MB); goal <= 150 MB: {verdict[unpacked <= GOAL_UNPACKED]}"
    )
    print(
        f"archive (tar | xz -9, as make dist): {packed / MB:.1f} MB, {packed / floor_packed:.2f}x the floor's "
        f"archive ({floor_packed / MB:.1f} MB); goal <= 70 MB: {verdict[packed <= GOAL_ARCHIVE]}"
    )
    print("largest parts:")
    for size, name in parts(dist, args.top):
        print(f"  {size / MB:6.1f} MB  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
