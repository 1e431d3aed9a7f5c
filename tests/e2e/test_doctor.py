"""`aurora-desktop doctor`: the report on a healthy profile, with no keyring, with wrong keys,
and with a broken storage set-up. Real processes: the CLI, the sandbox as the service, the
real Secret Service (gnome-keyring under dbus-run-session) where a keyring is wanted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from aurora_desktop.hosting.quick import HOSTS_ENV
from aurora_desktop.settings import Settings, StorageSettings

pytestmark = pytest.mark.e2e
HELPERS = Path(__file__).parent / "helpers"
ROOT = HELPERS.parent.parent.parent
needs_keyring = pytest.mark.skipif(
    not shutil.which("gnome-keyring-daemon") or not shutil.which("dbus-run-session"),
    reason="needs gnome-keyring and dbus (make test installs them)",
)


def _profile(tmp_path: Path, settings: Settings) -> Path:
    profile = tmp_path / "profile"
    (profile / "config").mkdir(parents=True)
    (profile / "config" / "settings.json").write_text(json.dumps(asdict(settings)))
    return profile


# In the keyring's session: keep the given secrets as the window's Settings would, then run the doctor.
_IN_SESSION = """
import sys, keyring
from aurora_desktop.secrets import SERVICE
for name, value in [a.split("=", 1) for a in sys.argv[1].split(",") if a]:
    keyring.set_password(SERVICE, name, value)
from aurora_desktop.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


def _doctor(
    tmp_path: Path,
    profile: Path,
    sb,
    *,
    keys: tuple[str, str] | None,
    keyring: bool,
    extra_env: dict | None = None,
    stored: dict[str, str] | None = None,
) -> tuple[int, dict[str, dict], str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        **(extra_env or {}),
    }
    if keys:
        env["AURORA_API_ID"], env["AURORA_API_KEY"] = keys
    args = ["doctor", "--json", "--profile", str(profile), "--api-base", sb.url]
    cmd = [sys.executable, "-m", "aurora_desktop", *args]
    if keyring:
        secrets = ",".join(f"{k}={v}" for k, v in (stored or {}).items())
        cmd = [
            "dbus-run-session",
            "--",
            "sh",
            str(HELPERS / "keyring_session.sh"),
            sys.executable,
            "-c",
            _IN_SESSION,
            secrets,
            *args,
        ]
    else:
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={home}/no-bus-here"
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    for secret in keys or ():
        assert secret not in result.stdout and secret not in result.stderr  # never a key in the report
    return result.returncode, checks, result.stdout


def _quick_settings() -> Settings:
    return Settings(sharing="quick", quick_links_consent=True)


@needs_keyring
def test_healthy_profile_is_all_ok(make_sandbox, temp_hosts, tmp_path: Path) -> None:
    sb = make_sandbox()
    profile = _profile(tmp_path, _quick_settings())
    code, checks, out = _doctor(
        tmp_path,
        profile,
        sb,
        keys=(sb.proc.api_id, sb.proc.api_key),
        keyring=True,
        extra_env={HOSTS_ENV: os.environ[HOSTS_ENV]},
    )
    assert code == 0, out
    assert all(c["ok"] for c in checks.values()), out
    assert checks["Password store"]["text"] == "GNOME Keyring / KWallet"  # plain words, not a class name
    assert "1000 credits left" in checks["Creatify"]["text"]
    assert checks["Sharing local files"]["text"].startswith("Quick links: Quick links work")
    assert "GB free" in checks["Videos folder"]["text"]
    assert "Aurora Desktop" in checks["Version"]["text"]
    assert temp_hosts["0x0"].events("delete")  # the round trip cleaned up after itself


def test_no_keyring_and_no_keys_say_what_to_do(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox()
    code, checks, _out = _doctor(tmp_path, _profile(tmp_path, Settings()), sb, keys=None, keyring=False)
    assert code == 1
    assert not checks["Password store"]["ok"] and "no password store" in checks["Password store"]["text"]
    assert not checks["Creatify keys"]["ok"] and "or use the demo" in checks["Creatify keys"]["fix"]
    assert not checks["Sharing local files"]["ok"] and "Quick links" in checks["Sharing local files"]["fix"]
    assert checks["Videos folder"]["ok"]


def test_wrong_keys_are_named_and_never_shown(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--api-key", "the-real-key")
    code, checks, out = _doctor(
        tmp_path, _profile(tmp_path, Settings()), sb, keys=(sb.proc.api_id, "a-wrong-key"), keyring=False
    )
    assert code == 1
    assert checks["Creatify keys"]["ok"] and "environment" in checks["Creatify keys"]["text"]
    assert not checks["Creatify"]["ok"] and "API ID and key" in checks["Creatify"]["text"]
    assert "Settings → API" in checks["Creatify"]["fix"]
    assert "the-real-key" not in out


@needs_keyring
def test_broken_storage_set_up_is_named(make_sandbox, s3_server, tmp_path: Path) -> None:
    from aurora_desktop.secrets import STORAGE_ACCESS_KEY_ID, STORAGE_SECRET
    from tests.fixtures.s3 import S3_KEY_ID, S3_SECRET

    sb = make_sandbox()
    storage = StorageSettings(provider="minio", bucket="no-such-bucket-here", endpoint=s3_server, region="us-east-1")
    code, checks, _out = _doctor(
        tmp_path,
        _profile(tmp_path, Settings(sharing="storage", storage=storage)),
        sb,
        keys=(sb.proc.api_id, sb.proc.api_key),
        keyring=True,
        stored={STORAGE_ACCESS_KEY_ID: S3_KEY_ID, STORAGE_SECRET: S3_SECRET},
    )
    assert code == 1
    sharing = checks["Sharing local files"]
    assert not sharing["ok"] and "Settings → Sharing" in sharing["fix"]
    assert sharing["text"].startswith("Your storage:") and "does not exist" in sharing["text"]
    assert checks["Creatify"]["ok"] and checks["Password store"]["ok"]
