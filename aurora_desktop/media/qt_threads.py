"""Using Qt Multimedia's FFmpeg objects from Python without freezing: the rules in one place.

Qt's FFmpeg backend (players, the audio decoder, the recorder) builds and tears down
its workers on threads of its own. Three things can then deadlock Python's lock (the
GIL) against one of Qt's own locks (its signal locks, a shared pool keyed by object
address, or the media plugin's):

- a worker, holding a signal lock, tells a Python wrapper that it disconnected (a
  virtual call that takes the GIL) while a Python thread, inside a Qt call with the
  GIL held, waits for that same lock. `made()` settles PySide's per-object answer to
  "does Python override connectNotify/disconnectNotify?" at once, with the GIL, on
  the object's own thread; later notifications from Qt's threads then never need it.
- PySide keeps the GIL through most calls (play, stop, record, start...). `call()`
  goes through QMetaObject.invokeMethod with a direct connection, which lets the GIL
  go and still runs the slot at once, on this thread.
- Qt writes messages while holding its locks; a Python message handler would take the
  GIL on that thread. No Python handler is ever installed: `ensure_app()` switches the
  headless processes' Qt messages off by logging rules instead.

Seen as the test suite hanging on CI, about once in 90 stops of a playing video
(docs/architecture.md, Playback). No widgets here: the domain code decodes and
renders with these too, on worker threads, each with its own local event loop.
"""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QGenericArgumentHolder, QLoggingCategory, QMetaObject, QObject, Qt

Q = TypeVar("Q", bound=QObject)

_app: QCoreApplication | None = None  # the one made here, kept alive for the process


def _noop(*_args: object) -> None:
    pass


def made(obj: Q) -> Q:
    """A new Qt Multimedia object, with PySide's answer to "does Python override
    connectNotify/disconnectNotify?" worked out now, on this thread, with the GIL."""
    obj.objectNameChanged.connect(_noop)
    obj.objectNameChanged.disconnect(_noop)
    return obj


def dispose(*objs: QObject | None) -> None:
    """Destroy Qt objects now, on this thread, in the order given. For objects a worker thread
    made for one job (a decoder, a recorder, their timers and loop): left to Python, a
    reference cycle (a slot that is a method of the job) is collected later on whatever
    thread the collector runs, and Qt then stops a timer or tears a decoder down from the
    wrong thread ("Timers cannot be stopped from another thread"), after its own thread
    may be gone: a crash. Seen as a segfault in the test suite."""
    for obj in objs:
        if obj is not None and shiboken6.isValid(obj):
            shiboken6.delete(obj)


def call(target: QObject, slot: str, *args: QGenericArgumentHolder) -> None:
    """target.slot(*args), at once, with the GIL let go for the call."""
    if not QMetaObject.invokeMethod(target, slot, Qt.ConnectionType.DirectConnection, *args):
        raise RuntimeError(f"{type(target).__name__} has no slot {slot}")  # a Qt change, not a user's problem


def require_app() -> None:
    """For the blocking decoder and encoder jobs: they run a local event loop, which needs the
    application object that ensure_app() (or the window) made on the main thread."""
    if QCoreApplication.instance() is None:
        raise RuntimeError("no Qt application object: call qt_threads.ensure_app() on the main thread first")


def ensure_app() -> None:
    """Qt Multimedia needs an application object (its plugins and event loops do). The window
    makes a QApplication first; the command line and the sandbox process call this at start.
    A worker thread cannot make one: that is a programming error, said plainly."""
    global _app
    if QCoreApplication.instance() is not None:
        return
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("Qt's application object must be made on the main thread first (qt_threads.ensure_app())")
    # Headless processes (the command line, whose stderr carries JSON events; the sandbox):
    # Qt's chatter is switched off by logging rules, never sent to a Python message handler.
    # Such a handler takes the GIL on whichever thread logs, and Qt logs while holding its own
    # locks: loading the FFmpeg plugin, one decoding thread wrote "Couldn't load va-x11" under
    # the media integration's mutex while another, holding the GIL inside QAudioDecoder(),
    # waited for that mutex; both waited for ever (16 of 20 processes whose first three decodes
    # started together; the sandbox stopped answering). Qt reports every failure through its
    # API anyway. QT_LOGGING_RULES in the environment still turns categories back on, to stderr.
    QLoggingCategory.setFilterRules("*=false")
    _app = QCoreApplication([])


_quieted: list[bool] = []


def quiet_ffmpeg() -> None:
    """FFmpeg writes its own notes ("Input #0, wav, ...", "[mp3float @ 0x...] Could not update
    timestamps") to stderr itself, past Qt's logging; the command line's stderr carries JSON
    events. Qt reports every failure through its API anyway, so Qt's copy of FFmpeg is told to
    be quiet, unless QT_FFMPEG_DEBUG asks for its log. Called once a media object exists: Qt's
    FFmpeg plugin sets the level when it loads. Best effort: a layout we do not know leaves it."""
    if _quieted or os.environ.get("QT_FFMPEG_DEBUG"):
        return
    _quieted.append(True)
    import PySide6

    base = Path(PySide6.__file__).parent
    for pattern in ("Qt/lib/libavutil.so.*", "Qt/lib/libavutil.*.dylib", "avutil-*.dll"):
        for lib in sorted(base.glob(pattern)):
            try:
                ctypes.CDLL(str(lib)).av_log_set_level(-8)  # AV_LOG_QUIET
            except (OSError, AttributeError):
                continue
            return
