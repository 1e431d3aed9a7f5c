"""Run every benchmark (`make bench`) and write what they printed into the README.

    .venv/bin/python tests/benchmarks/run_all.py [--only NAME ...] [--no-readme]

Each script prints its own figures against a baseline measured in the same run;
this runner shows them as they come and then replaces the README's block between
the "bench:begin" and "bench:end" markers with each script's printed lines,
verbatim, so the README's figures are the last run's and nothing else. With
--only, the other scripts' sections are kept from the README as they were.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BEGIN = "<!-- bench:begin: written by tests/benchmarks/run_all.py (make bench); do not edit by hand -->"
END = "<!-- bench:end -->"

# In the order they run: the quick ones first.
BENCHMARKS: list[tuple[str, list[str]]] = [
    ("bench_render.py", []),
    ("bench_faces.py", []),
    ("bench_polling.py", []),
    ("bench_startup.py", []),
    ("bench_library.py", []),
    ("bench_size.py", []),
    ("bench_voice_edit.py", []),
    ("probe_engine.py", ["--rounds", "20"]),
    ("soak_player_stop.py", ["--stops", "200"]),
    ("bench_transfer.py", ["--mb", "1024"]),
    ("bench_responsive.py", ["--mb", "1024", "--jobs", "100"]),
    ("bench_last_seconds.py", ["--render", "90", "--counts", "1,10,100"]),
]


def run(script: str, args: list[str]) -> tuple[int, list[str]]:
    """The script's stdout lines (shown live too); its stderr goes straight to the terminal."""
    cmd = [sys.executable, str(Path(__file__).parent / script), *args]
    print(f"\n$ {' '.join([script, *args])}", flush=True)
    # Start-up is measured as users have it: with Python's compiled modules cached on disk.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    return proc.wait(), lines


def section(script: str, args: list[str], code: int, lines: list[str]) -> str:
    title = " ".join([script, *args])
    status = "" if code == 0 else f" (exited with {code})"
    return f"#### `{title}`{status}\n\n```\n" + "\n".join(lines) + "\n```\n"


def old_sections(text: str) -> dict[str, str]:
    """The README's current sections by script name (kept for scripts not run this time)."""
    found = {}
    for match in re.finditer(r"^#### `([^`\s]+)[^\n]*\n\n```\n.*?\n```\n", text, re.S | re.M):
        found[match.group(1)] = match.group(0)
    return found


def write_readme(sections: dict[str, str]) -> None:
    text = README.read_text("utf-8")
    start, end = text.index(BEGIN), text.index(END)
    kept = old_sections(text[start:end])
    today = datetime.date.today().isoformat()
    cores = os.cpu_count()
    body = [
        BEGIN,
        f"Last run: {today}, {platform.system()} {platform.machine()}, {cores} cores, Python "
        f"{platform.python_version()}.\n",
    ]
    for script, _args in BENCHMARKS:
        if script in sections:
            body.append(sections[script])
        elif script in kept:
            body.append(kept[script])
    body.append(END)
    README.write_text(text[:start] + "\n".join(body) + text[end + len(END) :], "utf-8")
    print(f"\nREADME.md: benchmark figures written ({len(sections)} scripts run now)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", default=None, help="script names to run (the rest keep their figures)")
    ap.add_argument("--no-readme", action="store_true")
    args = ap.parse_args()
    wanted = None if args.only is None else {name.removesuffix(".py") for name in args.only}
    chosen = [(s, a) for s, a in BENCHMARKS if wanted is None or s.removesuffix(".py") in wanted]
    sections, failed = {}, []
    for script, script_args in chosen:
        code, lines = run(script, script_args)
        sections[script] = section(script, script_args, code, lines)
        if code:
            failed.append(script)
    if not args.no_readme:
        write_readme(sections)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
