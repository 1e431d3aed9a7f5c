"""Files that would hang the app or fill its memory, libraries it cannot use, profiles it cannot
write (issue 20 items 6, 7 and the settings/profile parts of 14). Real FIFOs, real links to
/dev/zero, real damaged SQLite files, real command-line processes: each ends at once with a
plain sentence and its exit code (2 bad input, 6 the profile or library; `doctor` 1), never a
traceback, and leaves the files as they were."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.cli import cli_env, run_cli
from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero, setpriv")]

EXIT_INPUT, EXIT_STOPPED, DOCTOR_PROBLEM = 2, 6, 1
QUICK = 60  # seconds: each of these ends at once; a hang fails the test instead of blocking it


def cli(profile: Path, *args: str, timeout: float = QUICK) -> subprocess.CompletedProcess[str]:
    return run_cli([sys.executable, "-m", "aurora_desktop", *args, "--profile", str(profile)], cli_env(), timeout)


def run_args() -> list[str]:
    return ["run", "--sandbox", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO)]


def plain(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr + result.stdout, (word, result.stderr)


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file's kind, mtime and bytes (a FIFO or folder by its kind only). Not counted: the
    engine's lock file, and SQLite's shared-memory index and an empty WAL, which its open makes
    and which hold nothing of the library."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        if path.name == "engine.lock" or path.name.endswith("-shm"):
            continue
        if path.name.endswith("-wal") and path.is_file() and path.stat().st_size == 0:
            continue
        info = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        seen[str(path.relative_to(folder))] = (info.st_mode, info.st_mtime_ns, data)
    return seen


# ----------------------------------------------------------------------------- item 6


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_script_file_that_never_ends_is_refused(tmp_path: Path, kind: str) -> None:
    script = tmp_path / "script.txt"
    if kind == "fifo":
        os.mkfifo(script)
    else:
        script.symlink_to("/dev/zero")
    result = cli(tmp_path / "profile", "run", "--sandbox", "--image", str(SAMPLE_IMAGE), "--script-file", str(script))
    plain(result, EXIT_INPUT, "The script file", "cannot be read")
    assert ("named pipe" if kind == "fifo" else "device") in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "wrong types", "folder"])
def test_a_settings_file_that_cannot_be_used(tmp_path: Path, kind: str) -> None:
    profile = tmp_path / "profile"
    settings = profile / "config" / "settings.json"
    settings.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(settings)
    elif kind == "dev-zero":
        settings.symlink_to("/dev/zero")
    elif kind == "folder":
        settings.mkdir()
    else:
        settings.write_text(json.dumps({"output_dir": 5, "max_uploads": "two", "storage": {"bucket": ["b"]}}))
    before = snapshot(profile / "config")

    ran = cli(profile, *run_args())
    plain(ran, EXIT_STOPPED, "The settings file", "Nothing was done")
    if kind == "wrong types":
        assert "'output_dir' should be text" in ran.stderr and "'max_uploads' should be a whole number" in ran.stderr
        assert "'storage.bucket' should be text" in ran.stderr
    resumed = cli(profile, "resume", "--sandbox")
    plain(resumed, EXIT_STOPPED, "The settings file")

    doctor = cli(profile, "doctor", "--json")
    assert doctor.returncode == DOCTOR_PROBLEM and "Traceback" not in doctor.stderr, doctor.stderr
    [check] = [c for c in json.loads(doctor.stdout) if c["name"] == "Settings"]
    assert not check["ok"] and check["fix"]
    assert snapshot(profile / "config") == before  # nothing rewritten


@pytest.mark.parametrize("command", ["jobs", "run", "resume"])
def test_a_fifo_in_place_of_the_library(tmp_path: Path, command: str) -> None:
    profile = tmp_path / "profile"
    (profile / "data").mkdir(parents=True)
    os.mkfifo(profile / "data" / "jobs.sqlite3")
    args = {"jobs": ["jobs"], "run": run_args(), "resume": ["resume", "--sandbox"]}[command]
    plain(cli(profile, *args), EXIT_STOPPED, "named pipe")
    assert (profile / "data" / "jobs.sqlite3").is_fifo()


# ----------------------------------------------------------------------------- item 7


def a_library(profile: Path, jobs: int = 40) -> Path:
    """A real library with some rows, made by the app itself."""
    assert cli(profile, "jobs").returncode == 0
    db = profile / "data" / "jobs.sqlite3"
    with sqlite3.connect(db) as con:
        for n in range(jobs):
            con.execute(
                "INSERT INTO jobs(id, token, name, model, image_source, audio_source, state, error_detail,"
                " created_at, updated_at) VALUES (?, ?, ?, 'aurora_v1', 'a.png', 'a.wav', 'failed', ?,"
                " '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
                (f"job-{n}", f"ad-{n:010d}", f"Video {n}", "x" * 3000),
            )
    con.close()
    return db


def damage_pages(db: Path) -> None:
    """Keep the header and every b-tree page (the library opens and counts its rows as before);
    break the overflow pages that hold the long texts, as a bad disk sector would."""
    data = bytearray(db.read_bytes())
    assert data.startswith(b"SQLite format 3\x00")
    page = int.from_bytes(data[16:18], "big")
    broken = 0
    for offset in range(page, len(data), page):
        if data[offset + 4 : offset + page].count(b"x") > page // 2:  # an overflow page of error_detail
            data[offset : offset + 4] = (0xFFFFFF00).to_bytes(4, "big")  # its next page: far past the end
            data[offset + 4 : offset + 64] = b"\xa5" * 60
            broken += 1
    assert broken > 10
    db.write_bytes(bytes(data))


def test_a_library_with_damaged_pages_is_reported_and_left_alone(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    damage_pages(a_library(profile))
    before = snapshot(profile / "data")

    for args in (["jobs"], run_args(), ["resume", "--sandbox"]):
        plain(cli(profile, *args), EXIT_STOPPED, "is damaged and cannot be read")
    doctor = cli(profile, "doctor")
    assert doctor.returncode == DOCTOR_PROBLEM, doctor.stdout
    [line] = [ln for ln in doctor.stdout.splitlines() if "Job library" in ln]
    assert line.startswith("PROBLEM"), doctor.stdout
    assert snapshot(profile / "data") == before  # bytes and mtimes untouched


def test_doctor_says_ok_for_a_sound_library(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    a_library(profile, jobs=3)
    doctor = cli(profile, "doctor")
    [line] = [ln for ln in doctor.stdout.splitlines() if "Job library" in ln]
    assert line.startswith("OK"), doctor.stdout


def test_a_library_that_is_a_folder(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    (profile / "data" / "jobs.sqlite3").mkdir(parents=True)
    for args in (["jobs"], run_args(), ["resume", "--sandbox"]):
        plain(cli(profile, *args), EXIT_STOPPED, "is a folder")
    assert not any((profile / "data" / "jobs.sqlite3").iterdir())


def test_a_library_from_a_newer_version(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    db = a_library(profile, jobs=1)
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA user_version = 99")
    con.close()
    before = snapshot(profile / "data")
    for args in (["jobs"], run_args(), ["resume", "--sandbox"]):
        plain(cli(profile, *args), EXIT_STOPPED, "newer version of Aurora Desktop")
    doctor = cli(profile, "doctor")
    [line] = [ln for ln in doctor.stdout.splitlines() if "Job library" in ln]
    assert line.startswith("PROBLEM") and "newer version" in line, doctor.stdout
    assert snapshot(profile / "data") == before


# ----------------------------------------------------------------------------- read-only, as a user root is not

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can reach (pytest's tmp_path is private to root)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to act as a user whom permissions bind")
    folder = Path(tempfile.mkdtemp(prefix="aurora-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def as_nobody(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = cli_env(HOME=str(profile.parent))
    return run_cli([*NOBODY, sys.executable, "-m", "aurora_desktop", *args, "--profile", str(profile)], env, QUICK)


def test_a_read_only_data_folder(shared_dir: Path) -> None:
    """The profile is the user's, its data folder read-only (as on a read-only mount):
    setpriv runs the command as `nobody`, for whom the permissions hold."""
    profile = shared_dir / "profile"
    a_library(profile, jobs=2)
    subprocess.run(["chown", "-R", "65534:65534", str(profile)], check=True)
    (profile / "data").chmod(0o555)
    before = snapshot(profile / "data")
    for args in (["jobs"], run_args(), ["resume", "--sandbox"]):
        result = as_nobody(profile, *args)
        plain(result, EXIT_STOPPED)
        assert "could not write to its job library" in result.stderr or "cannot be written to" in result.stderr
    assert snapshot(profile / "data") == before


def test_a_profile_on_a_read_only_mount(shared_dir: Path) -> None:
    """Nothing of the profile can be made: a plain sentence and exit 6 (the window too)."""
    profile = shared_dir / "profile"
    profile.mkdir()
    profile.chmod(0o555)
    for args in (["jobs"], run_args(), ["resume", "--sandbox"], ["doctor"]):
        plain(as_nobody(profile, *args), EXIT_STOPPED, "cannot be used")
    window = as_nobody(profile)
    plain(window, EXIT_STOPPED, "cannot be used")
    assert list(profile.iterdir()) == []


def test_a_profile_path_that_is_a_file(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    profile.write_text("not a folder")
    for args in (["jobs"], run_args(), ["resume", "--sandbox"], ["doctor"], []):
        plain(cli(profile, *args), EXIT_STOPPED, "cannot be used", "is a file")
    assert profile.read_text() == "not a folder"


def test_a_fifo_in_place_of_the_demos_remembered_port(tmp_path: Path) -> None:
    """The demo's stand-in remembers its port in a small file: a FIFO there is skipped, not waited on."""
    profile = tmp_path / "profile"
    (profile / "data" / "sandbox").mkdir(parents=True)
    os.mkfifo(profile / "data" / "sandbox" / "port")
    result = cli(profile, *run_args(), "--out", str(tmp_path / "out"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_file()
