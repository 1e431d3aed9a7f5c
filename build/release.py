"""One release script for every OS: freeze, smoke-test, package, sum, describe.

    python build/release.py                          everything for this OS (see --help)
    python build/release.py --dry-run --os all       print every step of every OS, run nothing
    python build/release.py --steps deb              only the named steps (here: the .deb from dist/aurora-desktop)
    python build/release.py merge-info PART... -o version_info.json   join the per-OS parts (release.yml)

The steps are data (STEPS: a list of named steps per OS); a dry run and a real run walk the
same list through the same code, and a dry run only prints what each step would run. Signing
steps look for their secrets in the environment and say "skipped" (with why) when they are
missing. What each OS needs (NSIS, create-dmg/hdiutil, codesign, dpkg-deb) is in docs/release.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from aurora_desktop import APP_ID, APP_NAME, __version__  # noqa: E402  (the one place the version lives)

OSES = ("windows", "macos", "linux")
KINDS = ("installer", "portable", "dmg", "deb", "tarball")
# The AppStream component id (reverse DNS); the .desktop file keeps the name Qt reports (APP_ID).
COMPONENT_ID = "io.github.aurora_desktop.AuroraDesktop"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
# macOS signing and notarization: used only when all of a group are set (release.yml maps secrets here).
MAC_SIGN_ENV = ("MACOS_SIGN_IDENTITY",)
MAC_NOTARY_ENV = ("APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD")


def current_os() -> str:
    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")


def machine_arch() -> str:
    arch = platform.machine().lower()
    return {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(arch, arch)


@dataclass
class Context:
    """What one run knows: where things are, which OS it builds for, and whether it only prints."""

    os: str
    arch: str
    dist: Path
    dry_run: bool = False
    version: str = __version__
    notes: str = ""
    base_url: str = ""
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    out: Callable[[str], None] = print
    made: list[tuple[str, Path]] = field(default_factory=list)  # (kind, file) for the sums and version_info

    # ---- where things are -------------------------------------------------------------------
    @property
    def onedir(self) -> Path:
        return self.dist / APP_ID

    @property
    def app_bundle(self) -> Path:
        return self.dist / f"{APP_NAME}.app"

    @property
    def frozen(self) -> Path:
        """The executable the smoke test runs: on Windows the console twin (it prints)."""
        if self.os == "windows":
            return self.onedir / f"{APP_ID}-cli.exe"
        if self.os == "macos":
            return self.app_bundle / "Contents" / "MacOS" / APP_ID
        return self.onedir / APP_ID

    def artifact(self, kind: str) -> Path:
        v, a = self.version, self.arch
        return (
            self.dist
            / {
                "installer": f"{APP_ID}-{v}-windows-{a}-setup.exe",
                "portable": f"{APP_ID}-{v}-windows-{a}-portable.zip",
                "dmg": f"{APP_ID}-{v}-macos-{a}.dmg",
                "tarball": f"{APP_ID}-{v}-linux-{a}.tar.xz",
                "deb": f"{APP_ID}_{v}_{deb_arch(a)}.deb",
            }[kind]
        )

    # ---- doing (or, in a dry run, saying) -----------------------------------------------------
    def run(
        self,
        argv: Sequence[str | Path],
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        """Run argv (or only print it in a dry run); the printed line never shows `secrets`."""
        args = [str(a) for a in argv]
        extra = "".join(f"{k}={shlex.quote(v)} " for k, v in (env or {}).items())
        line = f"    $ {extra}{shlex.join(args)}" + (f"   (in {cwd})" if cwd else "")
        for secret in secrets:
            line = line.replace(secret, "***")
        self.out(line)
        if not self.dry_run:
            subprocess.run(args, check=True, env={**self.env, **(env or {})}, cwd=cwd)

    def do(self, what: str, action: Callable[[], object]) -> None:
        self.out(f"    - {what}")
        if not self.dry_run:
            action()

    def skip(self, why: str) -> None:
        self.out(f"    skipped: {why}")

    def has(self, names: Sequence[str]) -> bool:
        return all(self.env.get(n) for n in names)

    def produced(self, kind: str, path: Path) -> None:
        self.made.append((kind, path))


@dataclass(frozen=True)
class Step:
    name: str
    doc: str
    action: Callable[[Context], None]
    makes: str = ""  # the kind of file it makes (for the sums and version_info.json), if any


# ---------------------------------------------------------------------------------- the steps


def freeze(ctx: Context) -> None:
    release_address(ctx)
    ctx.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            ctx.dist,
            "--workpath",
            ROOT / "build" / "pyinstaller",
            ROOT / "aurora.spec",
        ]
    )


def smoke_test(ctx: Context) -> None:
    ctx.run([ctx.frozen, "--smoke-test"], env={"QT_QPA_PLATFORM": "offscreen"})


def tarball(ctx: Context) -> None:
    out = ctx.artifact("tarball")
    top = f"{APP_ID}-{ctx.version}"

    def make() -> None:
        stage = ctx.dist / "stage"
        shutil.rmtree(stage, ignore_errors=True)
        shutil.copytree(ctx.onedir, stage / top, symlinks=True)
        for extra in (ROOT / "build" / f"{APP_ID}.desktop", ROOT / "build" / "icons" / "aurora.png"):
            shutil.copy2(extra, stage / top)
        # xz -9: 84 MB instead of gzip's 118 MB for the same files; every Linux archive manager opens it
        subprocess.run(["tar", "-C", stage, "-cJf", out, top], check=True, env={**ctx.env, "XZ_OPT": "-9 -T0"})
        shutil.rmtree(stage)

    ctx.do(f"tar -cJf {out.name} ({top}/: the onedir build, the .desktop entry and the icon)", make)
    ctx.produced("tarball", out)


def deb(ctx: Context) -> None:
    out = ctx.artifact("deb")
    stage = ctx.dist / "deb-root"
    ctx.do(
        f"stage {stage.name}/: opt/{APP_ID}/ (the app), usr/bin/{APP_ID} (launcher), .desktop, hicolor icons "
        f"{'/'.join(map(str, ICON_SIZES))}, metainfo, DEBIAN/control",
        lambda: stage_deb(ctx.onedir, stage, ctx.version, deb_arch(ctx.arch)),
    )
    ctx.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", stage, out])
    ctx.do(f"remove {stage.name}/", lambda: shutil.rmtree(stage))
    ctx.produced("deb", out)


def nsis_installer(ctx: Context) -> None:
    out = ctx.artifact("installer")
    ctx.run(nsis_command(ctx.onedir, out, ctx.version))
    ctx.produced("installer", out)


def portable_zip(ctx: Context) -> None:
    out = ctx.artifact("portable")
    ctx.do(
        f"zip {ctx.onedir.name}/ into {out.name} (unzip anywhere, start {APP_ID}.exe)",
        lambda: make_zip(ctx.onedir, out, f"{APP_NAME} {ctx.version}"),
    )
    ctx.produced("portable", out)


def mac_sign_app(ctx: Context) -> None:
    entitlements = ROOT / "build" / "macos" / "entitlements.plist"
    if ctx.has(MAC_SIGN_ENV):
        identity = ctx.env["MACOS_SIGN_IDENTITY"]
        ctx.out("    signing with the Developer ID in MACOS_SIGN_IDENTITY (hardened runtime)")
    else:
        identity = "-"
        ctx.skip("no MACOS_SIGN_IDENTITY: ad-hoc signature (codesign -s -); users right-click -> Open once")
    ctx.run(
        [
            "codesign",
            "--force",
            "--deep",
            "--timestamp" if identity != "-" else "--timestamp=none",
            "--options",
            "runtime",
            "--entitlements",
            entitlements,
            "--sign",
            identity,
            ctx.app_bundle,
        ]
    )
    ctx.run(["codesign", "--verify", "--deep", "--strict", "--verbose=2", ctx.app_bundle])


def dmg(ctx: Context) -> None:
    out = ctx.artifact("dmg")
    stage = ctx.dist / "dmg"  # the volume's contents: the .app (and, for hdiutil, an Applications link)
    ctx.run(["rm", "-rf", stage])
    ctx.run(["mkdir", "-p", stage])
    ctx.run(["ditto", ctx.app_bundle, stage / ctx.app_bundle.name])  # ditto keeps the signature intact
    # create-dmg (brew) lays out the window with the Applications link; hdiutil is always there.
    if ctx.dry_run or shutil.which("create-dmg"):
        ctx.run(
            ["create-dmg", "--volname", APP_NAME, "--window-size", "540", "380", "--icon-size", "96",
             "--icon", ctx.app_bundle.name, "140", "180", "--app-drop-link", "400", "180",
             "--hide-extension", ctx.app_bundle.name, out, stage]
        )  # fmt: skip
        if ctx.dry_run:
            ctx.out(
                "    (without create-dmg: ln -s /Applications <stage>; hdiutil create -srcfolder <stage> -format UDZO)"
            )
    else:
        ctx.run(["ln", "-s", "/Applications", stage / "Applications"])
        ctx.run(["hdiutil", "create", "-volname", APP_NAME, "-srcfolder", stage, "-ov", "-format", "UDZO", out])
    if ctx.has(MAC_SIGN_ENV):
        ctx.run(["codesign", "--force", "--timestamp", "--sign", ctx.env["MACOS_SIGN_IDENTITY"], out])
    ctx.produced("dmg", out)


def mac_notarize(ctx: Context) -> None:
    if not (ctx.has(MAC_SIGN_ENV) and ctx.has(MAC_NOTARY_ENV)):
        ctx.skip("notarization needs MACOS_SIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD")
        return
    out = ctx.artifact("dmg")
    e = ctx.env
    ctx.run(
        [
            "xcrun",
            "notarytool",
            "submit",
            out,
            "--apple-id",
            e["APPLE_ID"],
            "--team-id",
            e["APPLE_TEAM_ID"],
            "--password",
            e["APPLE_APP_PASSWORD"],
            "--wait",
        ],
        secrets=[e["APPLE_APP_PASSWORD"]],
    )
    ctx.run(["xcrun", "stapler", "staple", out])


def checksums(ctx: Context) -> None:
    out = ctx.dist / f"SHA256SUMS-{ctx.os}-{ctx.arch}"
    ctx.do(
        f"write {out.name}: " + ", ".join(p.name for _, p in ctx.made),
        lambda: write_sums([p for _, p in ctx.made], out),
    )


def version_info(ctx: Context) -> None:
    out = ctx.dist / f"version_info-{ctx.os}-{ctx.arch}.json"

    def write() -> None:
        info = make_version_info(ctx.version, ctx.notes, {ctx.os: ctx.made}, ctx.base_url or default_base_url(ctx))
        out.write_text(json.dumps(info, indent=2) + "\n")

    ctx.do(f"write {out.name} (shape: docs/release.md)", write)


FREEZE = Step("freeze", "PyInstaller with aurora.spec", freeze)
SMOKE = Step("smoke-test", "run the frozen app's --smoke-test, headless", smoke_test)
SUMS = Step("checksums", "SHA-256 of every file made", checksums)
INFO = Step("version-info", "this OS's part of version_info.json", version_info)

STEPS: dict[str, list[Step]] = {
    "windows": [
        FREEZE,
        SMOKE,
        Step("installer", "per-user NSIS installer (build/windows/installer.nsi)", nsis_installer, "installer"),
        Step("portable-zip", "the onedir folder as a .zip", portable_zip, "portable"),
        SUMS,
        INFO,
    ],
    "macos": [
        FREEZE,
        Step("sign-app", "codesign the .app, hardened runtime + entitlements (ad-hoc without secrets)", mac_sign_app),
        SMOKE,  # after signing: proves the hardened runtime's entitlements are enough for Python and Qt
        Step("dmg", "the .app in a .dmg (create-dmg, else hdiutil)", dmg, "dmg"),
        Step("notarize", "notarytool submit --wait, then stapler (only with the Apple secrets)", mac_notarize),
        SUMS,
        INFO,
    ],
    "linux": [
        FREEZE,
        SMOKE,
        Step("tarball", "the onedir build as .tar.xz (as `make dist`)", tarball, "tarball"),
        Step("deb", "a .deb with dpkg-deb (/opt, /usr/bin, .desktop, icons, metainfo)", deb, "deb"),
        SUMS,
        INFO,
    ],
}


# ------------------------------------------------------------------------ the pieces they use


def release_address(ctx: Context) -> None:
    """resources/release.json, bundled by aurora.spec: where the frozen app looks for updates
    (aurora_desktop/updates.py). From the release's GitHub repository, never a guess; without
    one, no file (a stale one is removed) and the app's update check is off."""
    out = ROOT / "resources" / "release.json"
    repo = github_repository(ctx)
    if not repo:
        ctx.do(
            f"no GitHub repository known (GITHUB_REPOSITORY, --base-url, git remote): remove {out.name}, "
            "the app will not check for updates",
            lambda: out.unlink(missing_ok=True),
        )
        return
    latest = f"https://github.com/{repo}/releases/latest"
    info = {"update_url": f"{latest}/download/version_info.json", "releases_page": latest}
    ctx.do(f"write {out.name}: updates from {latest}", lambda: out.write_text(json.dumps(info, indent=2) + "\n"))


def github_repository(ctx: Context) -> str:
    """owner/repo of the release: GITHUB_REPOSITORY (set in Actions), else a GitHub --base-url's,
    else the git remote origin's if it is on GitHub; "" when none of them says."""
    repo = ctx.env.get("GITHUB_REPOSITORY", "")
    if repo:
        return repo
    match = re.match(r"https://github\.com/([^/\s]+/[^/\s]+)/releases/", ctx.base_url)
    if match:
        return match.group(1)
    try:
        remote = subprocess.run(["git", "remote", "get-url", "origin"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return ""
    match = re.search(r"github\.com[:/]([^/\s]+/[^/\s]+?)(?:\.git)?$", remote.stdout.strip())
    return match.group(1) if match else ""


def deb_arch(arch: str) -> str:
    return {"x86_64": "amd64", "arm64": "arm64", "aarch64": "arm64"}.get(arch, arch)


def default_base_url(ctx: Context) -> str:
    """The release's download address: GITHUB_REPOSITORY (set in Actions), else the git remote's."""
    repo = github_repository(ctx)
    if not repo:
        raise SystemExit("version_info.json needs the download address: --base-url URL or GITHUB_REPOSITORY=owner/repo")
    return f"https://github.com/{repo}/releases/download/v{ctx.version}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_sums(files: Sequence[Path], out: Path) -> None:
    """The format `sha256sum -c` reads: '<hex>  <name>' per line, sorted by name."""
    lines = sorted(f"{sha256_of(f)}  {f.name}\n" for f in files)
    out.write_text("".join(lines))


def make_version_info(
    version: str, notes: str, files: dict[str, list[tuple[str, Path]]], base_url: str, date: dt.date | None = None
) -> dict[str, Any]:
    """version_info.json as docs/release.md describes it (the update checker reads exactly this)."""
    info: dict[str, Any] = {
        "version": version,
        "date": (date or dt.datetime.now(dt.UTC).date()).isoformat(),
        "notes": notes.strip(),
        "files": {},
    }
    for os_key, made in files.items():
        if os_key not in OSES:
            raise ValueError(f"unknown OS key {os_key!r}")
        entries = []
        for kind, path in made:
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r}")
            entries.append(
                {
                    "name": path.name,
                    "kind": kind,
                    "size": path.stat().st_size,
                    "sha256": sha256_of(path),
                    "url": f"{base_url.rstrip('/')}/{path.name}",
                }
            )
        info["files"][os_key] = entries
    return info


def merge_version_info(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One version_info.json from the per-OS parts: same version required, file lists joined per OS."""
    if not parts:
        raise ValueError("no parts to merge")
    versions = {p["version"] for p in parts}
    if len(versions) != 1:
        raise ValueError(f"parts of different versions: {sorted(versions)}")
    merged: dict[str, Any] = {
        "version": parts[0]["version"],
        "date": max(p["date"] for p in parts),
        "notes": next((p["notes"] for p in parts if p["notes"]), ""),
        "files": {},
    }
    for part in parts:
        for os_key, entries in part["files"].items():
            merged["files"].setdefault(os_key, []).extend(entries)
    return merged


def make_zip(folder: Path, out: Path, top: str) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{top}/{path.relative_to(folder).as_posix()}")


def nsis_command(payload: Path, out: Path, version: str) -> list[str]:
    """makensis on build/windows/installer.nsi: Windows' own makensis.exe, or Debian's makensis."""
    makensis = "makensis.exe" if current_os() == "windows" and shutil.which("makensis.exe") else "makensis"
    nums = [*re.findall(r"\d+", version)[:3], "0", "0", "0"][:3]
    return [
        makensis,
        "-V2",
        "-WX",
        f"-DVERSION={version}",
        f"-DVERSION_WIN={'.'.join(nums)}.0",
        f"-DPAYLOAD={payload}",
        f"-DOUTFILE={out}",
        f"-DICON={ROOT / 'build' / 'icons' / 'aurora.ico'}",
        str(ROOT / "build" / "windows" / "installer.nsi"),
    ]


def runtime_depends() -> list[str]:
    """The .deb's Depends: the runtime libraries build/install-system-deps.sh installs (one list)."""
    text = (ROOT / "build" / "install-system-deps.sh").read_text()
    match = re.search(r'^RUNTIME="([^"]*)"', text, re.MULTILINE)
    if not match:
        raise RuntimeError("RUNTIME list not found in build/install-system-deps.sh")
    return [p for p in match.group(1).split() if p != "python3-venv"]  # the frozen app brings its Python


def write_icons(root: Path) -> None:
    from PIL import Image

    with Image.open(ROOT / "build" / "icons" / "aurora.png") as src:
        icon = src.convert("RGBA")
        for size in ICON_SIZES:
            folder = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
            folder.mkdir(parents=True, exist_ok=True)
            icon.resize((size, size), Image.Resampling.LANCZOS).save(folder / f"{APP_ID}.png")


def stage_deb(onedir: Path, stage: Path, version: str, arch: str) -> None:
    """The file tree dpkg-deb packs (build/linux/ holds the templates)."""
    if not (onedir / APP_ID).is_file():
        raise SystemExit(f"no frozen app at {onedir}: run `make package` first")
    linux = ROOT / "build" / "linux"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(onedir, stage / "opt" / APP_ID, symlinks=True)
    launcher = stage / "usr" / "bin" / APP_ID
    launcher.parent.mkdir(parents=True)
    shutil.copy2(linux / "launcher.sh", launcher)
    launcher.chmod(0o755)
    share = stage / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(ROOT / "build" / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop")
    (share / "metainfo").mkdir(parents=True)
    metainfo = (linux / f"{COMPONENT_ID}.metainfo.xml").read_text()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    (share / "metainfo" / f"{COMPONENT_ID}.metainfo.xml").write_text(
        metainfo.replace("@VERSION@", version).replace("@DATE@", today)
    )
    write_icons(stage)
    size_kib = sum(p.lstat().st_size for p in stage.rglob("*") if p.is_file()) // 1024 + 1
    control = (linux / "control.in").read_text()
    for key, value in {
        "@VERSION@": version,
        "@ARCH@": arch,
        "@SIZE@": str(size_kib),
        "@DEPENDS@": ", ".join(runtime_depends()),
    }.items():
        control = control.replace(key, value)
    (stage / "DEBIAN").mkdir()
    (stage / "DEBIAN" / "control").write_text(control)
    for d in [stage, *(p for p in stage.rglob("*") if p.is_dir() and not p.is_symlink())]:
        d.chmod(0o755)


# ------------------------------------------------------------------------------- command line


def walk(ctx: Context, only: Sequence[str] = ()) -> None:
    steps = STEPS[ctx.os]
    unknown = set(only) - {s.name for s in steps}
    if unknown:
        raise SystemExit(f"no such step for {ctx.os}: {', '.join(sorted(unknown))}")
    ctx.out(f"{ctx.os} ({ctx.arch}), {APP_NAME} {ctx.version}" + (": dry run, nothing is run" if ctx.dry_run else ""))
    for number, step in enumerate(steps, 1):
        if only and step.name not in only:
            # A file an earlier run made still counts for the sums and version_info.json.
            if step.makes and ctx.artifact(step.makes).is_file():
                ctx.produced(step.makes, ctx.artifact(step.makes))
            continue
        ctx.out(f"{number}. {step.name}: {step.doc}")
        step.action(ctx)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["merge-info"]:
        p = argparse.ArgumentParser(prog="release.py merge-info", description="join per-OS version_info parts")
        p.add_argument("parts", nargs="+", type=Path)
        p.add_argument("-o", "--output", type=Path, required=True)
        p.add_argument("--notes", default="", help="the release's short notes (else the parts' own)")
        a = p.parse_args(argv[1:])
        merged = merge_version_info([json.loads(part.read_text()) for part in a.parts])
        if a.notes.strip():
            merged["notes"] = a.notes.strip()
        a.output.write_text(json.dumps(merged, indent=2) + "\n")
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--os",
        choices=(*OSES, "all"),
        default=current_os(),
        help="which OS's steps (another OS than this one, or all: only with --dry-run)",
    )
    p.add_argument("--arch", default=machine_arch(), help="architecture in the file names (default: this machine's)")
    p.add_argument("--dry-run", action="store_true", help="print each step and what it would run; run nothing")
    p.add_argument("--steps", default="", help="comma-separated step names to run (default: all of them)")
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the build and the packages go")
    p.add_argument("--notes", default="", help="the release's short notes for version_info.json")
    p.add_argument("--base-url", default="", help="download address of the release's files")
    a = p.parse_args(argv)
    oses = list(OSES) if a.os == "all" else [a.os]
    if not a.dry_run and oses != [current_os()]:
        p.error(f"this machine builds for {current_os()} only; use --dry-run to list another OS's steps")
    only = [s for s in a.steps.split(",") if s]
    for os_key in oses:
        ctx = Context(
            os=os_key, arch=a.arch, dist=a.dist.resolve(), dry_run=a.dry_run, notes=a.notes, base_url=a.base_url
        )
        walk(ctx, only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
