"""Making a video, as every front end does it: quote first, then place.

`quote()` checks the inputs, the model's limits, the hosting of local files,
the price and the remaining credits, and says what stands in the way as
Blockers (a plain sentence each). `place()` records the job, but only for a
quote with no blockers. The window, the CLI and the smoke test all go through
here, so every rule and every sentence about it lives once.

`blockers_for()` is the pure part: the window calls it on every change to show
why Generate is not available yet, before anything is fetched.
"""

from __future__ import annotations

import enum
import shutil
import tempfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from aurora_desktop.api import ApiError, AuroraClient, AuthError, InsufficientCreditsError
from aurora_desktop.api.catalog import ModelSpec, audio_too_long, cost_credits
from aurora_desktop.api.models import GUIDANCE_MAX, GUIDANCE_MIN, NAME_MAX
from aurora_desktop.api.speech import WORDS_PER_MINUTE
from aurora_desktop.hosting import Hoster, NoHosting
from aurora_desktop.hosting.base import NO_STORAGE_MESSAGE
from aurora_desktop.jobs.model import REMOTE_NAME_SUFFIX_LENGTH, LocalJob, is_link
from aurora_desktop.jobs.prepare import PreparedInputs, Script, prepare, prepare_script
from aurora_desktop.jobs.vocabulary import Blame
from aurora_desktop.media.inspect import InputError, too_long_message

if TYPE_CHECKING:
    from aurora_desktop.jobs.engine import Engine

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


@dataclass(frozen=True, slots=True)
class Options:
    name: str
    text_prompt: str | None = None
    guidance: float | None = None
    photo_background: str = "#ffffff"  # what fills a transparent photo's background (media/photo.py)


@dataclass(frozen=True, slots=True)
class Quote:
    model: ModelSpec
    options: Options
    prepared: PreparedInputs | None  # None when the inputs could not be read
    price: Decimal | None
    remaining: float | None  # None: not known (not asked, or could not be asked)
    blockers: tuple[Blocker, ...]

    @property
    def ok(self) -> bool:
        return not self.blockers and self.prepared is not None

    @property
    def notes(self) -> list[str]:
        """Things the user should know ("converted to WAV")."""
        return self.prepared.notes if self.prepared else []

    def price_sentence(self) -> str:
        if self.price is None or self.prepared is None:
            return ""
        prepared = self.prepared
        if prepared.script and prepared.script.needs_speech:
            text = (
                f"This video will cost about {self.price:g} credits: {prepared.speech_cost():g} for the voice "
                f"(about {prepared.audio.duration:.0f} s of speech) and {prepared.video_cost(self.model):g} for the "
                f"video on {self.model.label}"
            )
        else:
            text = (
                f"This video will cost {self.price:g} credits ({prepared.audio.duration:.1f} s of audio on "
                f"{self.model.label})"
            )
        return text + (f"; you have {self.remaining:g}." if self.remaining is not None else ".")


def option_blockers(options: Options) -> list[Blocker]:
    g = options.guidance
    if g is not None and not GUIDANCE_MIN <= g <= GUIDANCE_MAX:
        return [Blocker(BlockerCode.INPUT, f"Prompt guidance must be between {GUIDANCE_MIN:g} and {GUIDANCE_MAX:g}.")]
    return []


def blockers_for(
    model: ModelSpec,
    *,
    audio_seconds: float,
    remaining: float | None,
    local_files: bool = False,
    hoster: Hoster | None = None,
    max_credits: float | None = None,
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
                BlockerCode.NO_CREDITS, f"Not enough credits: this video costs {price:g} and you have {remaining:g}."
            )
        ]
    if max_credits is not None and price > max_credits:
        return [
            Blocker(
                BlockerCode.OVER_BUDGET, f"This video costs {price:g} credits, more than --max-credits {max_credits:g}."
            )
        ]
    return []


def output_folder_blockers(folder: Path, needed_bytes: int = 0) -> list[Blocker]:
    """The folder the video will be saved in must be a folder this app can write, with room for
    the video: checked before anything is spent (blocking I/O: call it off the Qt thread)."""
    name = str(folder)
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


async def remaining_credits(client: AuroraClient) -> tuple[float | None, list[Blocker]]:
    try:
        return await client.remaining_credits(), []
    except (AuthError, InsufficientCreditsError) as exc:
        return None, [Blocker(BlockerCode.ACCOUNT, exc.user_message, exc.detail)]
    except ApiError as exc:  # network, server, garbage: Creatify could not be asked
        return None, [Blocker(BlockerCode.UNREACHABLE, exc.user_message, exc.detail)]


async def check_inputs(
    image: str,
    audio: str | Script,
    model: ModelSpec,
    options: Options,
    *,
    work_dir: Path,
    words_per_minute: float = WORDS_PER_MINUTE,
) -> Quote:
    """What the inputs and options alone say: facts, price, and any blocker (no account needed).
    The voice is a clip (a path or a link) or a Script to be spoken first."""
    early = option_blockers(options)
    if early:
        return Quote(model, options, None, None, None, tuple(early))
    try:
        if isinstance(audio, Script):
            prepared = await prepare_script(
                image,
                audio,
                work_dir=work_dir,
                photo_background=options.photo_background,
                words_per_minute=words_per_minute,
            )
        else:
            prepared = await prepare(image, audio, work_dir=work_dir, photo_background=options.photo_background)
    except InputError as exc:
        return Quote(model, options, None, None, None, (Blocker(BlockerCode.INPUT, exc.message),))
    blockers = blockers_for(model, audio_seconds=prepared.audio.duration, remaining=None, speech=prepared.speech_cost())
    return Quote(model, options, prepared, prepared.cost(model), None, tuple(blockers))


async def with_account(
    quote: Quote,
    *,
    client: AuroraClient | None = None,
    hoster: Hoster | None = None,
    remaining: float | None = None,
    max_credits: float | None = None,
) -> Quote:
    """The quote checked against the account: local files need hosting, the credits must do.
    With a client the remaining credits are asked for; else `remaining` is taken as known."""
    prepared = quote.prepared
    if not quote.ok or prepared is None:
        return quote
    seconds, speech = prepared.audio.duration, prepared.speech_cost()
    # A script's audio has no source: its speech is a Creatify link.
    local = any(s and not is_link(s) for s in (prepared.image_source, prepared.audio_source))
    blockers = blockers_for(
        quote.model, audio_seconds=seconds, remaining=None, local_files=local, hoster=hoster, speech=speech
    )
    if not blockers and client is not None:
        remaining, blockers = await remaining_credits(client)
    if not blockers:
        blockers = blockers_for(
            quote.model, audio_seconds=seconds, remaining=remaining, max_credits=max_credits, speech=speech
        )
    return replace(quote, remaining=remaining, blockers=tuple(blockers))


async def quote(
    image: str,
    audio: str | Script,
    model: ModelSpec,
    options: Options,
    *,
    work_dir: Path,
    client: AuroraClient | None = None,
    hoster: Hoster | None = None,
    remaining: float | None = None,
    max_credits: float | None = None,
    words_per_minute: float = WORDS_PER_MINUTE,
) -> Quote:
    """Everything known before spending, in one call: check_inputs, then with_account."""
    checked = await check_inputs(image, audio, model, options, work_dir=work_dir, words_per_minute=words_per_minute)
    return await with_account(checked, client=client, hoster=hoster, remaining=remaining, max_credits=max_credits)


def reusing(quote: Quote, script: Script) -> Quote:
    """A quote whose clip is a speech already made (another take): the job carries its script
    (for the transcript) and its speech id; the speech is not made or paid again."""
    if quote.prepared is None:
        return quote
    prepared = replace(quote.prepared, script=script)
    return replace(quote, prepared=prepared, price=prepared.cost(quote.model))


class QuoteBlocked(ValueError):
    def __init__(self, quote: Quote) -> None:
        super().__init__("; ".join(b.message for b in quote.blockers) or "the inputs were not checked")
        self.quote = quote


async def place(engine: Engine, quote: Quote) -> LocalJob:
    """Record the job of a quote without blockers, and start it."""
    if not quote.ok or quote.prepared is None:
        raise QuoteBlocked(quote)
    return await engine.add(
        quote.prepared,
        name=quote.options.name,
        model=quote.model.key,
        text_prompt=quote.options.text_prompt,
        guidance=quote.options.guidance,
    )
