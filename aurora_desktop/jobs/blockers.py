"""What stands in the way of a video, from facts already known: the pure rules of quoting.

The window asks these on every change (a file dropped, a model chosen) to say why Generate
is not available yet. They load nothing heavy (no HTTP client, no Pillow), so the window's
first paint does not wait for what quoting and placing need (orders.py).
"""

from __future__ import annotations

import enum
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from aurora_desktop.api.catalog import ModelSpec, audio_too_long, cost_credits, too_long_message
from aurora_desktop.api.models import NAME_MAX
from aurora_desktop.formatting import credits_text
from aurora_desktop.hosting.base import NO_STORAGE_MESSAGE, Hoster, NoHosting
from aurora_desktop.jobs.model import REMOTE_NAME_SUFFIX_LENGTH
from aurora_desktop.jobs.vocabulary import Blame
from aurora_desktop.paths import folder_problem

# The longest name a user can give: Creatify's limit less the client token the app adds.
NAME_LIMIT = NAME_MAX - REMOTE_NAME_SUFFIX_LENGTH


class BlockerCode(enum.StrEnum):
    INPUT = "input"  # a file or an option is unusable
    OUTPUT = "output"  # the folder for the video cannot take it
    TOO_LONG = "too_long"  # the audio is longer than the model takes
    NO_STORAGE = "no_storage"  # local files and nowhere to host them
    NO_CREDITS = "no_credits"  # the account has fewer credits than the video costs
    OVER_BUDGET = "over_budget"  # more than the caller allowed (--max-credits)
    ACCOUNT = "account"  # the keys were refused while checking credits
    UNREACHABLE = "unreachable"  # Creatify could not be asked


_BLAME = {
    BlockerCode.INPUT: Blame.INPUT,
    BlockerCode.OUTPUT: Blame.INPUT,
    BlockerCode.TOO_LONG: Blame.INPUT,
    BlockerCode.NO_STORAGE: Blame.SETUP,
    BlockerCode.NO_CREDITS: Blame.ACCOUNT,
    BlockerCode.OVER_BUDGET: Blame.INPUT,
    BlockerCode.ACCOUNT: Blame.ACCOUNT,
    BlockerCode.UNREACHABLE: Blame.SERVICE,
}


@dataclass(frozen=True, slots=True)
class Blocker:
    code: BlockerCode
    message: str
    detail: str = ""

    @property
    def blame(self) -> Blame:
        return _BLAME[self.code]


def blockers_for(
    model: ModelSpec,
    *,
    audio_seconds: float,
    remaining: Decimal | None,
    local_files: bool = False,
    hoster: Hoster | None = None,
    max_credits: Decimal | float | None = None,
    speech: Decimal = Decimal(0),
) -> list[Blocker]:
    """What stands in the way of a video of `audio_seconds` on `model` (and a `speech` costing
    that much first, for a script), from facts already known."""
    if audio_too_long(model, audio_seconds):
        message = too_long_message(audio_seconds, model)
        if speech:
            message = f"This script takes about {audio_seconds:.0f} seconds to say. " + message.replace(
                "Shorten the clip", "Shorten the script"
            )
        return [Blocker(BlockerCode.TOO_LONG, message)]
    if local_files and isinstance(hoster, NoHosting):
        return [Blocker(BlockerCode.NO_STORAGE, NO_STORAGE_MESSAGE)]
    price = cost_credits(model, audio_seconds) + speech
    if remaining is not None and remaining < price:
        return [
            Blocker(
                BlockerCode.NO_CREDITS,
                f"Not enough credits: this video costs {credits_text(price)} and you have {credits_text(remaining)}.",
            )
        ]
    if max_credits is not None and price > max_credits:
        return [
            Blocker(
                BlockerCode.OVER_BUDGET,
                f"This video costs {credits_text(price)} credits, more than --max-credits {credits_text(max_credits)}.",
            )
        ]
    return []


def output_folder_blockers(folder: Path, needed_bytes: int = 0) -> list[Blocker]:
    """The folder the video will be saved in must be a folder this app can write, with room for
    the video: checked before anything is spent (blocking I/O: call it off the Qt thread)."""
    name = str(folder)
    problem = folder_problem(folder)  # Windows: CON, "clips.", too long (a made folder would misbehave)
    if problem:
        return [Blocker(BlockerCode.OUTPUT, f"The video cannot be saved in {name}: {problem}. Choose another folder.")]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(name)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".aurora-write-test-"):
            pass  # the one sure test: permissions, read-only disks and /proc all answer here
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        reason = (
            "it is not a folder"
            if isinstance(exc, (NotADirectoryError, FileExistsError))
            else (exc.strerror or type(exc).__name__)
        )
        return [Blocker(BlockerCode.OUTPUT, f"The video cannot be saved in {name}: {reason}. Choose another folder.")]
    if needed_bytes and free < needed_bytes:
        return [
            Blocker(
                BlockerCode.OUTPUT,
                f"There is not enough free space in {name} for the video ({needed_bytes / 1e6:,.0f} MB may be "
                f"needed, {free / 1e6:,.0f} MB free). Free some space or choose another folder.",
            )
        ]
    return []
