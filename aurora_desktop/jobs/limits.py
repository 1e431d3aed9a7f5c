"""The script limit of this account, learnt from Creatify's answers and kept in the profile (Qt-free).

The stored public docs disagree: one copy of the text-to-speech reference says a script may
have 4,000 characters, another 8,000. The app sends at most 4,000 (`SCRIPT_MAX`) until the
service has shown that it takes longer scripts from this account: a speech job at Creatify
whose script is longer (seen in an answer or in the account's list of speech jobs). Then
the longer documented limit applies (`SCRIPT_MAX_LONGER`). A refusal for length sets the
limit to the one it names (or back to 4,000). What was learnt is kept per service in
`learned-limits.json` beside the job library, so it survives restarts.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aurora_desktop.api.speech import SCRIPT_MAX, SCRIPT_MAX_LONGER
from aurora_desktop.fileio import JsonUnreadable, read_json, write_atomic

log = logging.getLogger(__name__)

FILE_NAME = "learned-limits.json"
_READ_BOUND = 64 * 1024  # bytes: the file holds a few numbers; anything bigger is not ours
_NAMED_LIMIT = re.compile(r"(\d[\d,]*)\s*characters", re.IGNORECASE)


def limit_named_in(messages: Iterable[str]) -> int | None:
    """The limit a refusal for length names ("no more than 4000 characters"), if it names one."""
    for message in messages:
        match = _NAMED_LIMIT.search(message)
        if match:
            number = int(match.group(1).replace(",", ""))
            if 0 < number <= 1_000_000:
                return number
    return None


def script_too_long(length: int, limit: int) -> str:
    """The one sentence for a script over the limit, before sending or after a refusal."""
    return f"The script is {length:,} characters long; Creatify takes up to {limit:,}. Shorten it."


class ScriptLimit:
    """How long a script this account may send to one service (its API address)."""

    _lock = threading.Lock()  # one writer at a time within the process

    def __init__(self, folder: Path, service: str) -> None:
        self.path = folder / FILE_NAME
        self.service = service.rstrip("/")

    def _read(self) -> dict[str, Any]:
        try:
            data = read_json(self.path, _READ_BOUND)
        except JsonUnreadable as exc:  # damaged or unreadable: nothing learnt, the safe limit
            if not exc.missing:
                log.warning("learned limits %s unreadable: %s", self.path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def _facts(self) -> dict[str, Any]:
        facts = self._read().get(self.service)
        return facts if isinstance(facts, dict) else {}

    @property
    def value(self) -> int:
        """The longest script to send: 4,000 until a longer one was accepted, or what a refusal named."""
        learnt = self._facts().get("script_max")
        if isinstance(learnt, int) and not isinstance(learnt, bool) and 0 < learnt <= SCRIPT_MAX_LONGER:
            return learnt
        return SCRIPT_MAX

    def _write(self, script_max: int, why: str) -> None:
        with self._lock:
            data = self._read()
            data[self.service] = {"script_max": script_max, "why": why}
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(self.path, json.dumps(data, indent=1).encode("utf-8"))
            except OSError as exc:  # not kept: the safe limit stays, nothing else is affected
                log.warning("learned limits not saved to %s: %s", self.path, exc)

    def accepted(self, lengths: Iterable[int]) -> None:
        """Scripts of these lengths exist at Creatify for this account: one longer than the limit
        shows the longer documented limit is the real one."""
        longest = max(lengths, default=0)
        if longest > self.value:
            self._write(SCRIPT_MAX_LONGER, f"accepted {longest} characters")

    def refused(self, named: int | None) -> int:
        """Creatify refused a script for its length; the limit is the one it named, else 4,000."""
        limit = min(named, SCRIPT_MAX_LONGER) if named else SCRIPT_MAX
        if limit != self.value:
            self._write(limit, f"refused, limit {named}" if named else "refused for length")
        return limit
