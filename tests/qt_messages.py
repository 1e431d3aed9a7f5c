"""Qt's messages during the tests: one handler for the whole run, never swapped.

Unexpected Qt warnings fail the test that caused them (pyproject.toml: `qt_log_level_fail`
and `qt_log_ignore`, the keys pytest-qt defines). pytest-qt's own capture does the same but
installs its Python handler when each test starts and removes it (`qInstallMessageHandler(None)`)
when the test's body ends. PySide6 calls a Python handler from C++ through one global, which
that removal sets to NULL; a Qt thread already inside Qt's message output, waiting for the
GIL (Qt's FFmpeg threads write "No audio device detected" and the like while a player winds
down), then calls NULL: a segfault with no Python frame. It ended a CI run in
tests/gui/test_window.py, between two tests, just after a video had started playing.

So pytest-qt's capture is off (`--no-qt-log`, pyproject.toml) and this handler, installed
once when the run starts and kept to the end, takes its place: a message from any thread
always reaches a live handler. tests/e2e/test_qt_messages.py shows the swap crashing and
this way not.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

LEVELS = {  # pytest-qt's names for qt_log_level_fail
    "DEBUG": (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg, QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg),
    "INFO": (QtMsgType.QtInfoMsg, QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg),
    "WARNING": (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg),
    "CRITICAL": (QtMsgType.QtCriticalMsg,),
    "NO": (),
}


@dataclass(frozen=True, slots=True)
class QtMessage:
    kind: QtMsgType
    category: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind.name} [{self.category}]: {self.text}"


class QtMessages:
    """Every Qt message of the run, in order; each test looks at those since it started."""

    def __init__(self, fail_level: str = "WARNING", ignore: Iterable[str] = ()) -> None:
        self.fail_kinds = LEVELS[fail_level.upper()]
        self.ignore = [re.compile(pattern) for pattern in ignore]
        self.messages: list[QtMessage] = []
        self._lock = threading.Lock()  # messages come from Qt's threads too

    def install(self) -> None:
        """Once, for the whole run. Never uninstalled (see the module's docstring)."""
        qInstallMessageHandler(self._handle)

    def _handle(self, kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
        # The context is a view of a C++ object on the caller's stack: copy what is needed now.
        message = QtMessage(kind, context.category or "default", text)
        with self._lock:
            self.messages.append(message)

    def mark(self) -> int:
        with self._lock:
            return len(self.messages)

    def since(self, mark: int) -> list[QtMessage]:
        with self._lock:
            return self.messages[mark:]

    def is_unexpected(self, message: QtMessage) -> bool:
        return message.kind in self.fail_kinds and not any(p.search(message.text) for p in self.ignore)


_MESSAGES: list[QtMessages] = []  # the run's one instance, kept alive with its handler
_START = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    messages = QtMessages(config.getini("qt_log_level_fail") or "NO", config.getini("qt_log_ignore"))
    messages.install()
    _MESSAGES.append(messages)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_START] = _MESSAGES[0].mark()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: pytest.TestReport = yield
    if call.when != "call" or _START not in item.stash:
        return report
    messages = _MESSAGES[0]
    seen = messages.since(item.stash[_START])
    unexpected = [m for m in seen if messages.is_unexpected(m)]
    if unexpected and report.passed:
        report.outcome = "failed"
        report.longrepr = "Unexpected Qt messages (qt_log_level_fail, qt_log_ignore in pyproject.toml):\n" + "\n".join(
            f"    {m}" for m in unexpected
        )
    if not report.passed and seen:
        report.sections.append(("Captured Qt messages", "\n".join(str(m) for m in seen)))
    return report
