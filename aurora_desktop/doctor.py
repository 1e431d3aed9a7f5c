"""`aurora-desktop doctor`: is this installation set up to make real videos? (Qt-free)

One line per part (versions, password store, keys, Creatify, sharing of local
files, folders and disk): OK, or the problem and what to do about it. The
same report is behind "Check my setup" in Settings and goes into "Copy
details". It never contains a key: only whether keys are there.
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import sys
from dataclasses import asdict, dataclass, replace

from aurora_desktop import __version__, endpoint, paths
from aurora_desktop.api import ApiError, AuthError, Credentials
from aurora_desktop.api.client import credits_with
from aurora_desktop.api.errors import as_test_result
from aurora_desktop.errors import UserError
from aurora_desktop.formatting import credits_text
from aurora_desktop.hosting import NoHosting
from aurora_desktop.secrets import SecretStore, SecretsUnavailable
from aurora_desktop.settings import FILE_NAME as SETTINGS_FILE
from aurora_desktop.settings import Settings, Sharing

LOW_DISK_BYTES = 1024**3  # below this, a few long videos fill the disk


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    text: str  # what was found, in plain words
    fix: str = ""  # what to do, when not ok
    later: bool = False  # in the demo: not needed now, only once the user switches to My account

    @property
    def problem(self) -> bool:
        """Something to fix for what the user is doing now (the demo, or My account)."""
        return not self.ok and not self.later


# What only My account needs: the demo runs on this computer without keys, Creatify or sharing.
ACCOUNT_PARTS = ("Password store", "Creatify keys", "Creatify", "Sharing local files")
# In the demo, what My account will need, in a creator's words (the checks' own fixes are for
# someone setting up now, some of them on the command line).
ACCOUNT_NEEDS = {
    "Password store": "A place for your keys: this computer has no password store, so they can be kept "
    "for one session at a time.",
    "Creatify keys": "Your API ID and API key, from Creatify → Settings → API, pasted in My account.",
    "Creatify": "Creatify answering with those keys (checked once they are in).",
    "Sharing local files": "A way for Creatify to get your files: Quick links, your own storage, or links "
    "you paste (Settings → Sharing).",
}
DEMO = Check("Demo", True, "Runs on this computer: it needs no keys, no sharing of files and no internet.")


def _versions() -> Check:
    try:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        qt = f"Qt {qVersion()} (PySide6 {pyside})"
    except ImportError:  # pragma: no cover - the app cannot run without it
        qt = "Qt missing"
    frozen = ", installed app" if getattr(sys, "frozen", False) else ""
    return Check(
        "Version",
        True,
        f"Aurora Desktop {__version__}, Python {platform.python_version()}, {qt}, "
        f"{platform.system()} {platform.release()}{frozen}",
    )


async def _password_store(secrets: SecretStore) -> Check:
    info = await secrets.info()
    if info.problem:
        return Check(
            "Password store",
            False,
            info.problem,
            "Keys can be kept for one session only (Settings → Account), or set AURORA_API_ID and "
            "AURORA_API_KEY for the command line.",
        )
    return Check("Password store", True, info.backend)


async def _keys(secrets: SecretStore) -> tuple[Check, Credentials | None]:
    try:
        credentials, source = await endpoint.keys(secrets)
    except SecretsUnavailable as exc:
        return Check(
            "Creatify keys",
            False,
            exc.user_message,
            "Enter your keys in the window (they can be kept for this session only), set AURORA_API_ID "
            "and AURORA_API_KEY, or use the demo.",
        ), None
    if credentials is None:
        return (
            Check(
                "Creatify keys",
                False,
                "No API keys are set up.",
                "Enter your API ID and API key (Creatify → Settings → API) in the window, or use the demo.",
            ),
            None,
        )
    where = "from the environment" if source is endpoint.Source.ENVIRONMENT else "saved"
    return Check("Creatify keys", True, f"Present ({where})."), credentials


async def _service(credentials: Credentials | None, base: str) -> Check:
    if credentials is None:
        return Check("Creatify", False, "Not checked: no keys.", "Set up your keys first.")
    try:
        credits = await credits_with(credentials, base)
    except AuthError as exc:
        return Check("Creatify", False, exc.user_message, "Copy the keys again from Creatify → Settings → API.")
    except ApiError as exc:
        return Check("Creatify", False, as_test_result(exc), "Check the internet connection, then run this again.")
    return Check("Creatify", True, f"Reachable at {base}; {credits_text(credits)} credits left.")


async def _sharing(
    settings: Settings, secrets: SecretStore, hosting: str, base: str, credentials: Credentials | None
) -> Check:
    from aurora_desktop.services import make_hoster

    choice = settings.sharing_choice
    try:
        hoster = await make_hoster(hosting, settings, secrets, base, credentials or Credentials("", ""))
    except UserError as exc:
        return Check("Sharing local files", False, exc.user_message, "Fix it in Settings → Sharing.")
    if isinstance(hoster, NoHosting):
        if choice is Sharing.LINKS:
            return Check("Sharing local files", True, "Off: you paste links to your files.")
        return Check(
            "Sharing local files",
            False,
            "Not set up: local files cannot reach Creatify yet.",
            "Choose Quick links or your own storage in Settings → Sharing, or paste links.",
        )
    label = {"quick": "Quick links", "s3": "Your storage", "sandbox": "The demo service"}.get(hoster.name, hoster.name)
    try:
        result = await hoster.test()
    except UserError as exc:
        return Check("Sharing local files", False, f"{label}: {exc.user_message}", "Fix it in Settings → Sharing.")
    return Check("Sharing local files", True, f"{label}: {result}")


def _settings_file(problem: str) -> Check:
    if problem:
        return Check(
            "Settings",
            False,
            f"The settings file ({paths.config_dir() / SETTINGS_FILE}) cannot be used: {problem}.",
            "Fix the file, or delete it to start again from the defaults.",
        )
    return Check("Settings", True, "Readable.")


def _library() -> Check:
    from aurora_desktop.jobs.store_health import check_library  # SQLite: loaded when the check runs
    from aurora_desktop.services import DB_NAME

    path = paths.data_dir() / DB_NAME
    problem = check_library(path)
    if problem:
        return Check(
            "Job library",
            False,
            problem,
            "Open Aurora Desktop (the window): it can keep the damaged list aside and start a new one.",
        )
    return Check("Job library", True, f"{path}: sound." if path.exists() else "Not made yet (no videos).")


def _folders(settings: Settings) -> list[Check]:
    checks = [
        Check(
            "Profile",
            True,
            f"settings in {paths.config_dir()}, library in {paths.data_dir()}, logs in {paths.log_dir()}",
        )
    ]
    try:
        videos = settings.library_dir()
    except OSError as exc:
        return [
            *checks,
            Check(
                "Videos folder",
                False,
                f"{settings.output_dir} cannot be used ({exc.strerror}).",
                "Choose another folder in Settings → Videos.",
            ),
        ]
    writable = os.access(videos, os.W_OK)
    free = shutil.disk_usage(videos).free
    text = f"{videos}: {free / 1024**3:.1f} GB free"
    if not writable:
        return [
            *checks,
            Check(
                "Videos folder", False, f"{videos} cannot be written to.", "Choose another folder in Settings → Videos."
            ),
        ]
    if free < LOW_DISK_BYTES:
        return [
            *checks,
            Check("Videos folder", False, text + " (low).", "Free some space on this disk, or choose another folder."),
        ]
    return [*checks, Check("Videos folder", True, text)]


async def run_checks(
    *,
    settings: Settings | None = None,
    secrets: SecretStore | None = None,
    api_base: str | None = None,
    hosting: str = "auto",
    demo: bool = False,
) -> list[Check]:
    """Every part, one line each. `demo`: the window is in the demo; what only My account needs
    and is not there yet is marked `later`, not a problem."""
    on_disk, settings_problem = await asyncio.to_thread(Settings.read)  # the file, even when given settings
    settings = settings or on_disk
    owns = secrets is None
    secrets = secrets or SecretStore()
    base, _ = endpoint.address(api_base, settings)
    try:
        checks = [_versions(), await _password_store(secrets)]
        keys, credentials = await _keys(secrets)
        checks += [keys, await _service(credentials, base)]
        checks.append(await _sharing(settings, secrets, hosting, base, credentials))
        checks += await asyncio.to_thread(_folders, settings)
        checks += [_settings_file(settings_problem), await asyncio.to_thread(_library)]
    finally:
        if owns:
            secrets.close()
    if demo:
        checks = [
            DEMO,
            *(
                replace(c, later=True, fix=ACCOUNT_NEEDS.get(c.name, c.fix))
                if c.name in ACCOUNT_PARTS and not c.ok
                else c
                for c in checks
            ),
        ]
    return checks


_LAST_REPORT: list[str] = []


def remember(report: str) -> None:
    """Keep the last report of this session for "Copy details" (it holds no key)."""
    _LAST_REPORT[:] = [report]


def last_report() -> str:
    return _LAST_REPORT[0] if _LAST_REPORT else ""


def as_text(checks: list[Check]) -> str:
    lines = []
    for check in checks:
        mark = "OK     " if check.ok else "LATER  " if check.later else "PROBLEM"
        lines.append(f"{mark}  {check.name}: {check.text}")
        if not check.ok and check.fix:
            lines.append(f"         → {check.fix}")
    return "\n".join(lines)


def as_json(checks: list[Check]) -> list[dict[str, object]]:
    return [asdict(c) for c in checks]
