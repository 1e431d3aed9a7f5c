"""Start-up, with the real app in its own process: the window is painted before the engine,
the HTTP client, the keychain and Pillow are loaded, and they follow it by themselves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.cli import cli_env
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

# What the first paint must not wait for (each costs start-up time; docs/architecture.md).
HEAVY = (
    "aurora_desktop.services",
    "aurora_desktop.jobs.engine",
    "aurora_desktop.jobs.prepare",
    "aurora_desktop.api.client",
    "httpx",
    "keyring",
    "PIL.Image",
    "sqlite3",
)

# The app as users start it (`python -m aurora_desktop ...`), watched from inside: at the first
# paint of the Generate button, and when the window says its services are ready.
PROBE = r"""
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

HEAVY = json.loads(sys.argv.pop(1))
seen = {}

def loaded():
    return sorted(name for name in HEAVY if name in sys.modules)

class Probe(QObject):
    def eventFilter(self, obj, event):
        if "painted" not in seen and event.type() == QEvent.Type.Paint \
                and obj.objectName() == "primary" and obj.accessibleName() == "Generate video":
            seen["painted"] = loaded()
            window = obj.window()
            window.servicesReady.connect(lambda: ready(window))
        return False

def ready(window):
    seen["ready"] = loaded()
    seen["library"] = window.model.rowCount()
    print(json.dumps(seen), flush=True)
    QTimer.singleShot(0, window.close)

app = QApplication(sys.argv[:1])
probe = Probe()
app.installEventFilter(probe)
from aurora_desktop.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_window_is_painted_before_the_engine_loads_and_the_engine_follows(
    shared_sandbox: Sandbox, tmp_path: Path
) -> None:
    sb = shared_sandbox
    env = cli_env(sb, QT_QPA_PLATFORM="offscreen", DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path}/no-bus")
    args = ["--profile", str(tmp_path / "profile"), "--api-base", sb.url, "--quit-after", "60"]
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"the window never said its services were ready\n{proc.stderr[-3000:]}"
    seen = json.loads(lines[-1])
    assert seen["painted"] == [], f"loaded before the first paint: {seen['painted']}"
    # Then the engine, the client and the keychain came, with no one asking.
    assert {"aurora_desktop.services", "aurora_desktop.jobs.engine", "httpx"} <= set(seen["ready"])
    assert seen["library"] == 0
