"""The Windows installer script (build/windows/installer.nsi) compiles with Debian's makensis.

A stand-in payload (a tiny folder with a dummy aurora-desktop.exe) replaces the frozen Windows
build, which only a Windows runner makes; what the installer does when run is for that runner.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "build" / "release.py"
_spec = importlib.util.spec_from_file_location("release", _PATH)
assert _spec and _spec.loader
release = importlib.util.module_from_spec(_spec)
sys.modules["release"] = release  # dataclasses look their module up there
_spec.loader.exec_module(release)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which("makensis"), reason="needs makensis (make package installs nsis)"),
]


def standin_payload(folder: Path) -> Path:
    (folder / "_internal").mkdir(parents=True)
    (folder / "aurora-desktop.exe").write_bytes(b"MZ stand-in for the windowed app")
    (folder / "aurora-desktop-cli.exe").write_bytes(b"MZ stand-in for the console twin")
    (folder / "_internal" / "python311.dll").write_bytes(b"\0" * 1024)
    return folder


def test_the_installer_compiles_without_warnings_into_an_nsis_exe(tmp_path: Path) -> None:
    payload = standin_payload(tmp_path / "aurora-desktop")
    out = tmp_path / "aurora-desktop-9.8.7-windows-x86_64-setup.exe"
    done = subprocess.run(release.nsis_command(payload, out, "9.8.7"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr  # -WX: a warning fails it too
    data = out.read_bytes()
    assert data[:2] == b"MZ" and b"NullsoftInst" in data  # a Windows program with an NSIS payload
    assert len(data) > 30_000


def test_the_script_refuses_to_compile_without_a_version(tmp_path: Path) -> None:
    payload = standin_payload(tmp_path / "aurora-desktop")
    command = [a for a in release.nsis_command(payload, tmp_path / "x.exe", "1.0.0") if not a.startswith("-DVERSION")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "pass -DVERSION" in done.stdout + done.stderr
    assert not (tmp_path / "x.exe").exists()


def test_the_script_is_per_user_with_a_start_menu_entry_and_an_opt_in_data_removal() -> None:
    script = (Path(release.ROOT) / "build" / "windows" / "installer.nsi").read_text()
    assert "RequestExecutionLevel user" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in script
    assert "WriteRegStr HKCU" in script and "HKLM" not in script
    assert 'CreateShortcut "$SMPROGRAMS\\' in script
    assert 'Section "Desktop shortcut"' in script
    # /o: the uninstaller's "remove my videos and library" box starts unticked.
    assert 'Section /o "un.Also remove my videos and library"' in script
