"""build/release.py: every OS's steps in a dry run, and the sums and version_info.json it writes."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
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

SECRETS = ("MACOS_SIGN_IDENTITY", "APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD")


@pytest.fixture(autouse=True)
def _no_signing_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)


def dry_run(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> str:
    assert release.main(["--dry-run", "--dist", str(tmp_path / "dist"), *args]) == 0
    return capsys.readouterr().out


def step_names(out: str) -> list[str]:
    return re.findall(r"^\d+\. ([\w-]+):", out, re.MULTILINE)


@pytest.mark.parametrize("os_key", release.OSES)
def test_a_dry_run_lists_every_step_of_each_os_in_order_and_runs_nothing(
    os_key: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = dry_run(capsys, tmp_path, "--os", os_key, "--arch", "x86_64")
    assert step_names(out) == [s.name for s in release.STEPS[os_key]]
    assert "freeze" in step_names(out) and "smoke-test" in step_names(out)
    assert step_names(out)[-2:] == ["checksums", "version-info"]
    assert "-m PyInstaller" in out and "aurora.spec" in out
    assert not (tmp_path / "dist").exists()  # nothing was made


def test_the_windows_steps_smoke_test_the_console_twin_and_make_the_installer_and_zip(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = dry_run(capsys, tmp_path, "--os", "windows", "--arch", "x86_64")
    assert "aurora-desktop-cli.exe --smoke-test" in out
    assert re.search(r"makensis .*-DVERSION=\S+ .*installer\.nsi", out)
    assert "aurora-desktop-0.1.0-windows-x86_64-setup.exe".replace("0.1.0", release.__version__) in out
    assert f"aurora-desktop-{release.__version__}-windows-x86_64-portable.zip" in out


def test_without_secrets_macos_signs_ad_hoc_and_says_notarizing_is_skipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = dry_run(capsys, tmp_path, "--os", "macos", "--arch", "arm64")
    assert re.search(r"codesign --force .*--options runtime --entitlements \S+entitlements\.plist --sign - ", out)
    assert "skipped: no MACOS_SIGN_IDENTITY" in out
    assert "skipped: notarization needs" in out
    assert "xcrun notarytool" not in out and "xcrun stapler" not in out
    assert f"aurora-desktop-{release.__version__}-macos-arm64.dmg" in out
    names = step_names(out)
    assert names.index("sign-app") < names.index("smoke-test") < names.index("dmg")


def test_with_secrets_macos_signs_notarizes_and_staples_without_printing_the_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MACOS_SIGN_IDENTITY", "Developer ID Application: Test (TEAM123)")
    monkeypatch.setenv("APPLE_ID", "dev@example.com")
    monkeypatch.setenv("APPLE_TEAM_ID", "TEAM123")
    monkeypatch.setenv("APPLE_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    out = dry_run(capsys, tmp_path, "--os", "macos", "--arch", "x86_64")
    assert "skipped" not in out
    assert "--sign 'Developer ID Application: Test (TEAM123)'" in out
    assert re.search(r"xcrun notarytool submit \S+\.dmg .*--password '?\*\*\*'? --wait", out)
    assert "xcrun stapler staple" in out
    assert "abcd-efgh-ijkl-mnop" not in out


def test_the_linux_steps_make_the_tarball_and_the_deb(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = dry_run(capsys, tmp_path, "--os", "linux", "--arch", "x86_64")
    assert f"aurora-desktop-{release.__version__}-linux-x86_64.tar.xz" in out
    assert re.search(r"dpkg-deb --root-owner-group .*aurora-desktop_\S+_amd64\.deb", out)


def test_all_lists_the_three_oses(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = dry_run(capsys, tmp_path, "--os", "all")
    assert [line.split(" ")[0] for line in out.splitlines() if "dry run" in line] == list(release.OSES)


def test_another_oses_real_run_is_refused(tmp_path: Path) -> None:
    other = next(o for o in release.OSES if o != release.current_os())
    with pytest.raises(SystemExit) as exc:
        release.main(["--os", other, "--dist", str(tmp_path)])
    assert exc.value.code == 2
    with pytest.raises(SystemExit, match="no such step"):
        release.main(["--dry-run", "--steps", "nonsense", "--dist", str(tmp_path)])


def standin_onedir(dist: Path) -> Path:
    """A tiny stand-in for the PyInstaller onedir build."""
    onedir = dist / "aurora-desktop"
    (onedir / "_internal").mkdir(parents=True)
    (onedir / "aurora-desktop").write_text("#!/bin/sh\necho stand-in\n")
    (onedir / "aurora-desktop").chmod(0o755)
    (onedir / "_internal" / "lib.so").write_bytes(b"\0" * 4096)
    return onedir


@pytest.mark.linux_only
def test_the_tarball_sums_and_version_info_on_a_stand_in_payload(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "dist"
    standin_onedir(dist)
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
    common = ["--os", "linux", "--arch", "x86_64", "--dist", str(dist), "--notes", " Faster start. "]
    assert release.main([*common, "--steps", "tarball"]) == 0
    # A later run of only the last two steps still sums and describes what the first one made.
    assert release.main([*common, "--steps", "checksums,version-info"]) == 0
    v = release.__version__
    tarball = dist / f"aurora-desktop-{v}-linux-x86_64.tar.xz"
    listing = subprocess.run(["tar", "-tJf", tarball], check=True, capture_output=True, text=True).stdout.split()
    assert f"aurora-desktop-{v}/aurora-desktop" in listing and f"aurora-desktop-{v}/aurora-desktop.desktop" in listing

    sums = dist / "SHA256SUMS-linux-x86_64"
    assert sums.read_text() == f"{hashlib.sha256(tarball.read_bytes()).hexdigest()}  {tarball.name}\n"
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "-c", sums.name], cwd=dist, check=True, capture_output=True)

    info = json.loads((dist / "version_info-linux-x86_64.json").read_text())
    assert set(info) == {"version", "date", "notes", "files"}
    assert info["version"] == v and info["notes"] == "Faster start."
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info["date"])
    assert list(info["files"]) == ["linux"]
    (entry,) = info["files"]["linux"]
    assert entry == {
        "name": tarball.name,
        "kind": "tarball",
        "size": tarball.stat().st_size,
        "sha256": hashlib.sha256(tarball.read_bytes()).hexdigest(),
        "url": f"https://github.com/owner/repo/releases/download/v{v}/{tarball.name}",
    }


def test_merging_the_parts_joins_each_oses_files_and_refuses_mixed_versions(tmp_path: Path) -> None:
    files = {}
    for name in ("a-macos-arm64.dmg", "a-macos-x86_64.dmg", "a.deb"):
        files[name] = tmp_path / name
        files[name].write_bytes(name.encode())
    arm = release.make_version_info("1.2.0", "New look", {"macos": [("dmg", files["a-macos-arm64.dmg"])]}, "u")
    intel = release.make_version_info("1.2.0", "", {"macos": [("dmg", files["a-macos-x86_64.dmg"])]}, "u")
    linux = release.make_version_info("1.2.0", "", {"linux": [("deb", files["a.deb"])]}, "https://x/")
    parts = []
    for i, part in enumerate((arm, intel, linux)):
        parts.append(tmp_path / f"part{i}.json")
        parts[-1].write_text(json.dumps(part))
    out = tmp_path / "version_info.json"
    assert release.main(["merge-info", *map(str, parts), "-o", str(out)]) == 0
    merged = json.loads(out.read_text())
    assert merged["version"] == "1.2.0" and merged["notes"] == "New look"
    assert [e["name"] for e in merged["files"]["macos"]] == ["a-macos-arm64.dmg", "a-macos-x86_64.dmg"]
    assert merged["files"]["linux"][0]["url"] == "https://x/a.deb"
    assert release.main(["merge-info", *map(str, parts), "--notes", "Tag message\n", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["notes"] == "Tag message"
    with pytest.raises(ValueError, match="different versions"):
        release.merge_version_info([arm, {**linux, "version": "1.1.0"}])
    with pytest.raises(ValueError, match="unknown kind"):
        release.make_version_info("1.2.0", "", {"linux": [("snap", files["a.deb"])]}, "u")


@pytest.mark.linux_only
@pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="needs dpkg-deb (Debian)")
def test_the_deb_holds_the_app_launcher_entry_icons_and_metainfo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    onedir = standin_onedir(dist)
    stage = tmp_path / "root"
    release.stage_deb(onedir, stage, "1.2.3", "amd64")
    deb = tmp_path / "x.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", stage, deb], check=True, capture_output=True)
    listing = subprocess.run(["dpkg-deb", "-c", deb], check=True, capture_output=True, text=True).stdout
    paths = {line.split()[-1].removeprefix(".") for line in listing.splitlines()}
    assert {
        "/opt/aurora-desktop/aurora-desktop",
        "/usr/bin/aurora-desktop",
        "/usr/share/applications/aurora-desktop.desktop",
        f"/usr/share/metainfo/{release.COMPONENT_ID}.metainfo.xml",
    } <= paths
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/aurora-desktop.png" in paths
    fields = subprocess.run(
        ["dpkg-deb", "-f", deb, "Package", "Version", "Architecture", "Depends"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Package: aurora-desktop" in fields and "Version: 1.2.3" in fields and "Architecture: amd64" in fields
    assert "libxcb-cursor0" in fields and "python3-venv" not in fields  # the runtime list, without Python
    metainfo = (stage / "usr/share/metainfo" / f"{release.COMPONENT_ID}.metainfo.xml").read_text()
    assert '<release version="1.2.3"' in metainfo and "@" not in metainfo
    assert "/opt/aurora-desktop/aurora-desktop" in (stage / "usr/bin/aurora-desktop").read_text()


def test_without_a_download_address_version_info_stops_and_says_how_to_give_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    monkeypatch.setattr(release, "ROOT", tmp_path)  # not a git repository: no remote to read
    ctx = release.Context(os="linux", arch="x86_64", dist=tmp_path)
    with pytest.raises(SystemExit, match="--base-url"):
        release.default_base_url(ctx)
    ctx.env["GITHUB_REPOSITORY"] = "owner/repo"
    assert release.default_base_url(ctx) == f"https://github.com/owner/repo/releases/download/v{release.__version__}"


def test_the_frozen_app_is_given_the_releases_update_address_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aurora_desktop.updates import Address, address

    monkeypatch.setattr(release, "ROOT", tmp_path)  # not a git repository: no remote to read
    (tmp_path / "resources").mkdir()
    built = tmp_path / "resources" / "release.json"  # bundled by aurora.spec with the rest of resources/
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
    release.release_address(release.Context(os="linux", arch="x86_64", dist=tmp_path, out=lambda _line: None))
    latest = "https://github.com/owner/repo/releases/latest"
    assert address({}, built) == Address(f"{latest}/download/version_info.json", latest)  # what the app reads

    monkeypatch.delenv("GITHUB_REPOSITORY")
    base = "https://github.com/other/fork/releases/download/v1.0.0"
    release.release_address(release.Context(os="linux", arch="x86_64", dist=tmp_path, base_url=base))
    assert address({}, built).releases_page == "https://github.com/other/fork/releases/latest"

    lines: list[str] = []
    release.release_address(release.Context(os="linux", arch="x86_64", dist=tmp_path, out=lines.append))
    assert not built.exists() and "will not check for updates" in lines[0]  # no guess: a stale file removed
