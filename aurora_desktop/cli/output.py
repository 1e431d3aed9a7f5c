"""What the commands say and how they end: exit codes, Exit, Reporter, terminal_text.

Exit codes (also in README and --help; `doctor`: 0 all is well, 1 a problem was found):
  0    saved (run), or everything finished and no job waits for you (resume)
  1    the job failed or was rejected by Creatify (refunded), or needs attention
  2    bad input or usage; nothing was spent
  3    credentials or credits problem; nothing was spent
  4    the service could not be reached after retries; the job is kept and resumes next time
  5    another Aurora Desktop (the window or a command) is already making videos with this
       profile; nothing was done (`jobs` still works)
  6    the app could not record its work (its job library cannot be written: disk full,
       read-only, or damaged) or stopped unexpectedly; every job is kept as last recorded.
       Also: the library is from a newer version, or the settings file or the profile's
       folders cannot be used; nothing was done
  130  interrupted; the job is kept and resumes next time
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from typing import Any, TextIO

from aurora_desktop.formatting import megabytes
from aurora_desktop.jobs.events import Connectivity, EngineEvent, JobChanged, Notice, Progress, to_json
from aurora_desktop.jobs.naming import BIDI_CONTROLS
from aurora_desktop.jobs.vocabulary import Blame, Phase

EXIT_OK, EXIT_JOB_FAILED, EXIT_INPUT, EXIT_CREDENTIALS, EXIT_UNREACHABLE, EXIT_RUNNING = 0, 1, 2, 3, 4, 5
EXIT_STOPPED = 6
DAMAGED_HINT = "Open Aurora Desktop (the window) to keep it aside and start a new list."
EXIT_INTERRUPTED = 130
# Before anything is spent (a quote's blockers) and after (a job that did not end saved).
EXIT_BEFORE_SPENDING = {Blame.ACCOUNT: EXIT_CREDENTIALS, Blame.SERVICE: EXIT_UNREACHABLE}
EXIT_FOR_JOB = {Blame.ACCOUNT: EXIT_CREDENTIALS, Blame.INPUT: EXIT_INPUT}
EXIT_HELP = (__doc__ or "").split("Exit codes", 1)[1]


# Terminal escape sequences (CSI, OSC up to its terminator, two-character ones, the 8-bit CSI):
# a voice or job name holding one could retitle the window, clear it or fake a line.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~])|\x9b[0-?]*[ -/]*[@-~]")
_INVISIBLE = frozenset(map(chr, BIDI_CONTROLS)) | {"\u2028", "\u2029"}  # and the line/paragraph separators


def terminal_text(text: str) -> str:
    """Text from the service or the library as a terminal may show it: escape sequences
    dropped, every other control character (CR, LF, tab, BEL, C1) and bidi override a space."""
    text = _ESCAPE.sub("", text)
    return "".join(" " if c in _INVISIBLE or unicodedata.category(c) == "Cc" else c for c in text)


class Exit(Exception):
    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Reporter:
    """Progress on stderr: one JSON object per line with --json, short sentences otherwise."""

    def __init__(self, as_json: bool, stream: TextIO = sys.stderr) -> None:
        self.as_json = as_json
        self.stream = stream
        self._last_line = ""

    def say(self, message: str, **data: Any) -> None:
        if self.as_json:
            print(json.dumps({"event": "message", "message": message, **data}), file=self.stream, flush=True)
        else:
            print(terminal_text(message), file=self.stream, flush=True)

    def __call__(self, event: EngineEvent) -> None:
        if self.as_json:
            print(json.dumps(to_json(event)), file=self.stream, flush=True)
            return
        line = ""
        match event:
            case JobChanged(job):
                line = f"[{job.name}] {job.state.value.replace('_', ' ')}"
                if job.error_message:
                    line += f": {job.error_message}"
            case Progress(job, Phase.GENERATING, done):
                line = f"[{job.name}] generating {int(done * 100)}%"
            case Progress(job, Phase.SPEAKING):
                line = f"[{job.name}] making the voice"
            case Progress(job, phase, done, total):
                line = f"[{job.name}] {phase} {megabytes(done)}/{megabytes(total)}"
            case Connectivity(online, message):
                line = message or ("online" if online else "offline")
            case Notice(message):
                line = message
        line = terminal_text(line)
        if line and line != self._last_line:
            self._last_line = line
            print(line, file=self.stream, flush=True)
