"""The suite's Qt message capture (tests/qt_messages.py): it fails a test on an unexpected Qt
warning, as pytest-qt's did, and survives messages from other threads at every test boundary,
where pytest-qt's per-test handler crashed the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ["pytester"]
pytestmark = pytest.mark.e2e  # each test runs pytest in processes of its own

# A Qt thread writing warnings from C++ with the GIL let go, as Qt's FFmpeg threads do:
# QThread::wait() on the calling thread itself warns "Thread tried to wait on itself".
CHATTER = """
import threading
import pytest
from PySide6.QtCore import QThread

def _chatter():
    me = QThread.currentThread()
    while True:
        me.wait(0)

@pytest.fixture(scope="session", autouse=True)
def _chatter_thread(qapp):
    threading.Thread(target=_chatter, daemon=True).start()
"""


def run_session(pytester: pytest.Pytester, *, ours: bool, tests: int = 400) -> subprocess.CompletedProcess[str]:
    """`tests` quick tests in a pytest process of their own while Qt warnings keep coming."""
    plugins = '["tests.qt_messages"]' if ours else "[]"
    pytester.makeconftest(f"pytest_plugins = {plugins}\n" + CHATTER)
    pytester.makeini(
        textwrap.dedent(f"""
        [pytest]
        qt_api = pyside6
        qt_log_level_fail = WARNING
        qt_log_ignore = Thread tried to wait on itself
        addopts = -p no:cacheprovider {"--no-qt-log" if ours else ""}
        """)
    )
    pytester.makepyfile(
        test_many=f"""
        import pytest

        @pytest.mark.parametrize("n", range({tests}))
        def test_quick(n, qapp):
            assert n >= 0
        """
    )
    return run_pytest(pytester, "-x")


def run_pytest(pytester: pytest.Pytester, *options: str) -> subprocess.CompletedProcess[str]:
    """pytest on pytester's folder, in a process of its own: a crash there must not end this run."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *options, str(pytester.path)],
        cwd=pytester.path,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_API": "pyside6", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_warning_at_every_test_boundary_never_crashes_the_run(pytester: pytest.Pytester) -> None:
    done = run_session(pytester, ours=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "400 passed" in done.stdout


def test_pytest_qts_per_test_handler_crashes_on_the_same_run(pytester: pytest.Pytester) -> None:
    """Why the suite has its own capture: the same run with pytest-qt's ends in a segfault
    (its handler is set to None after each test while a Qt thread is about to call it)."""
    for _ in range(5):  # a race: it shows in the first run nearly always; a few tries make sure
        done = run_session(pytester, ours=False)
        if done.returncode == -signal.SIGSEGV or "Segmentation fault" in done.stderr:
            return
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    pytest.skip("the race did not show in 5 runs of 400 tests on this machine")


def test_an_unexpected_qt_warning_fails_its_test_and_an_ignored_one_does_not(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.qt_messages"]\n')
    pytester.makeini(
        textwrap.dedent("""
        [pytest]
        qt_api = pyside6
        qt_log_level_fail = WARNING
        qt_log_ignore = harmless
        addopts = -p no:cacheprovider --no-qt-log
        """)
    )
    pytester.makepyfile(
        test_warnings="""
        from PySide6.QtCore import qWarning

        def test_unexpected(qapp):
            qWarning("something broke")

        def test_ignored(qapp):
            qWarning("a harmless note")

        def test_quiet(qapp):
            pass
        """
    )
    done = run_pytest(pytester, "-rf")
    assert done.returncode == 1, done.stdout[-2000:]
    assert "1 failed, 2 passed" in done.stdout
    assert "FAILED test_warnings.py::test_unexpected" in done.stdout
    assert "QtWarningMsg [default]: something broke" in done.stdout
