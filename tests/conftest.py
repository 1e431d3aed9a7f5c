"""The suite's root conftest: the environment every test runs in, the index of the fixture
modules, and what belongs to the run as a whole (a watchdog, the process's exit, garbage
collection after each test, tests for one OS only).

Fixtures live by topic in tests/fixtures/ (its __init__ lists them): pytest loads the
modules named in `pytest_plugins` below, which it honours only here, in the root conftest.
Helpers that are plain functions or classes are imported from those modules by the tests.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import sys
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
# No test asks the real release host whether a newer version is out: a weekly check that comes
# due (an old profile) meets a closed loopback port; tests/gui/test_updates.py sets its own.
os.environ.setdefault("AURORA_UPDATE_URL", "http://127.0.0.1:9/version_info.json")

# pytest rewrites the asserts of each module listed (as in a test) if it is not imported yet:
# a module comes after those it imports (cli after sandbox after media_files).
pytest_plugins = [
    # Qt's messages: one handler for the whole run, in place of pytest-qt's per-test one (why: there).
    "tests.qt_messages",
    "tests.fixtures.qt_app",
    "tests.fixtures.media_files",
    "tests.fixtures.loops",
    "tests.fixtures.sandbox",
    "tests.fixtures.cli",
    "tests.fixtures.s3",
    "tests.fixtures.quick_hosts",
]

# ----------------------------------------------------------------------------- hangs

# pytest-timeout (300 s, pyproject.toml) fails a slow test and goes on, but its signal is
# handled only when Python code runs: a test stuck inside Qt's C++ (a media backend joining
# its threads, say) never sees it, and the run would hang until CI kills it with nothing
# to show. This watchdog is a C thread: a minute after that, it prints every thread's
# Python stack to the terminal and ends the run (exit 1).
HANG_SECONDS = 360
_TERMINAL_FD: list[int] = []


def pytest_configure(config: pytest.Config) -> None:
    _TERMINAL_FD.append(os.dup(2))  # the real stderr, not the per-test capture


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=_TERMINAL_FD[0])
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


# ----------------------------------------------------------------------------- process exit

_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """After GUI tests, PySide6 objects that pytest-qt keeps alive to the end can crash
    the interpreter's final garbage collection (a shiboken refcount error; exit 134)
    after every result is already reported. Skip that finalisation, keep the status."""
    if "PySide6.QtWidgets" in sys.modules and _EXIT_STATUS:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    """A leaked file or socket held in a reference cycle warns only when the cycle is
    collected, which can be several tests later: collect after each test so such a
    leak is reported by the test that made it rather than by a bystander."""
    yield
    gc.collect()


# ----------------------------------------------------------------------------- one OS only

# What only a real Windows or macOS machine can show (the platform's own programs and
# folders) is marked so; everything else is tested on Linux with the platform injected.
_ONLY_ON = {"windows_only": "win32", "macos_only": "darwin"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        only = {marker: platform for marker, platform in _ONLY_ON.items() if item.get_closest_marker(marker)}
        if only and sys.platform not in only.values():  # both markers: either OS runs it
            item.add_marker(pytest.mark.skip(reason=f"{' or '.join(only)}: runs on that OS's CI runner"))
