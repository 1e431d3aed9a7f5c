"""Headless commands on the same engine as the window: run, jobs, resume, voices, doctor.

- `parser.py`: the arguments and --help (`add_commands`); `entry.py`: running one (`main`).
- `output.py`: the exit codes (its docstring is the table --help shows), `Exit`, `Reporter`
  (progress on stderr) and `terminal_text` (service text made safe for a terminal).
- One module per command: `run.py` (clips and scripts), `resume.py`, `voices.py`, `jobs.py`,
  `doctor.py`; `session.py` is what `run` and `resume` share (services under the profile's
  lock, waiting for jobs, the output folder, exit codes of jobs).
"""

from __future__ import annotations

from aurora_desktop.cli.entry import main
from aurora_desktop.cli.parser import add_commands

__all__ = ["add_commands", "main"]
