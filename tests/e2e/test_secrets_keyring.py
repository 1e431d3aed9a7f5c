"""Keys in the real Secret Service (gnome-keyring under dbus-run-session, throwaway HOME)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.linux_only,  # the freedesktop Secret Service; Windows and macOS runners skip it
    pytest.mark.skipif(
        not shutil.which("gnome-keyring-daemon") or not shutil.which("dbus-run-session"),
        reason="needs gnome-keyring and dbus (make test installs them)",
    ),
]

HELPERS = Path(__file__).parent / "helpers"
SECRET = "my-secret-key"


def _scenario(name: str, home: Path, *, bus: bool = True) -> tuple[dict, str]:
    env = {
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(HELPERS.parent.parent.parent),
        "LANG": "C.UTF-8",
    }
    cmd = [sys.executable, str(HELPERS / "secrets_scenario.py"), name]
    if bus:
        cmd = ["dbus-run-session", "--", "sh", str(HELPERS / "keyring_session.sh"), *cmd]
    else:
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={home}/no-bus-here"
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_store_read_delete_in_the_secret_service(tmp_path: Path) -> None:
    out, _ = _scenario("roundtrip", tmp_path)
    assert out["info"] == {"backend": "GNOME Keyring / KWallet", "system": True, "problem": None}
    assert out["read_back"] == ["my-id", SECRET]
    assert out["after_delete"] is None
    assert out["env_override"] == "env-id"
    # The key is in the keyring's encrypted file, never in plain text anywhere under HOME.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_no_keyring_is_a_clear_message_with_session_only_way_forward(tmp_path: Path) -> None:
    out, _ = _scenario("no-keyring", tmp_path, bus=False)
    assert out["info"]["system"] is False and "no password store" in out["info"]["problem"]
    assert "no password store" in out["set"]["message"] and out["set"]["locked"] is False
    assert "session only" in out["set"]["message"]
    assert out["session_only"] == ["session-value", "this session only"]
    assert not any(p.is_file() for p in tmp_path.rglob("*")), "nothing may be written to disk"


def test_locked_keyring_is_a_clear_message(tmp_path: Path) -> None:
    out, _ = _scenario("locked", tmp_path)
    assert "locked" in out["info"]["problem"]
    assert out["set"]["locked"] is True and "Unlock it" in out["set"]["message"]
    assert out["session_only"] == ["session-value", "this session only"]
