"""Making a video, as every front end does it: quote first, then place.

`quote()` checks the inputs, the model's limits, the hosting of local files,
the price and the remaining credits, and says what stands in the way as
Blockers (a plain sentence each). `place()` records the job, but only for a
quote with no blockers. The window, the CLI and the smoke test all go through
here, so every rule and every sentence about it lives once.

The pure rules (`blockers_for()` and the Blocker itself) live in blockers.py: the window
calls them on every change to show why Generate is not available yet, before anything is
fetched, and needs none of what quoting and placing load.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from aurora_desktop.api import ApiError, AuroraClient, AuthError, InsufficientCreditsError
from aurora_desktop.api.catalog import ModelSpec
from aurora_desktop.api.models import GUIDANCE_MAX, GUIDANCE_MIN
from aurora_desktop.api.speech import SCRIPT_MAX, SCRIPT_MAX_LONGER, WORDS_PER_MINUTE
from aurora_desktop.formatting import ROUNDED_UP, credits_text, rounded_up, whole_seconds
from aurora_desktop.hosting import Hoster
from aurora_desktop.jobs.blockers import Blocker, BlockerCode, blockers_for
from aurora_desktop.jobs.limits import ScriptLimit
from aurora_desktop.jobs.model import LocalJob, is_link
from aurora_desktop.jobs.prepare import PreparedInputs, Script, prepare, prepare_script
from aurora_desktop.media.inspect import InputError

if TYPE_CHECKING:
    from aurora_desktop.jobs.engine import Engine

log = logging.getLogger(__name__)


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
    remaining: Decimal | None  # None: not known (not asked, or could not be asked)
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
                f"This video will cost about {credits_text(self.price)} credits: "
                f"{credits_text(prepared.speech_cost())} for the voice "
                f"(about {whole_seconds(prepared.audio.duration)} s of speech) and "
                f"{credits_text(prepared.video_cost(self.model))} for the video on {self.model.label}"
            )
        else:
            seconds = prepared.audio.duration
            billed = f"; billed as {whole_seconds(seconds)} s: {ROUNDED_UP}" if rounded_up(seconds) else ""
            text = (
                f"This video will cost {credits_text(self.price)} credits ({seconds:.1f} s of audio on "
                f"{self.model.label}{billed})"
            )
        return text + (f"; you have {credits_text(self.remaining)}." if self.remaining is not None else ".")


def option_blockers(options: Options) -> list[Blocker]:
    g = options.guidance
    if g is not None and not GUIDANCE_MIN <= g <= GUIDANCE_MAX:
        return [Blocker(BlockerCode.INPUT, f"Prompt guidance must be between {GUIDANCE_MIN:g} and {GUIDANCE_MAX:g}.")]
    return []


async def remaining_credits(client: AuroraClient) -> tuple[Decimal | None, list[Blocker]]:
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
    script_max: int = SCRIPT_MAX,
) -> Quote:
    """What the inputs and options alone say: facts, price, and any blocker (no account needed).
    The voice is a clip (a path or a link) or a Script to be spoken first, of at most
    `script_max` characters (this account's limit: `script_limit()`)."""
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
                script_max=script_max,
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
    remaining: Decimal | None = None,
    max_credits: Decimal | float | None = None,
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
    remaining: Decimal | None = None,
    max_credits: Decimal | float | None = None,
    words_per_minute: float = WORDS_PER_MINUTE,
    limit: ScriptLimit | None = None,
) -> Quote:
    """Everything known before spending, in one call: check_inputs, then with_account.
    With `limit` (and a client) a script is checked against what this account may send."""
    script_max = SCRIPT_MAX
    if isinstance(audio, Script) and limit is not None:
        script_max = await script_limit(limit, len(audio.text), client)
    checked = await check_inputs(
        image, audio, model, options, work_dir=work_dir, words_per_minute=words_per_minute, script_max=script_max
    )
    return await with_account(checked, client=client, hoster=hoster, remaining=remaining, max_credits=max_credits)


async def script_limit(limit: ScriptLimit, length: int, client: AuroraClient | None = None) -> int:
    """The longest script this account may send. A script longer than what is known so far is
    worth one free look at the account's speech jobs (`GET /api/text_to_speech/`): a longer
    script among them shows the service takes it. The look is bounded (newest first, closed at
    the first script this long, or at the client's item and byte bounds). A failed look changes
    nothing."""
    if length > limit.value and length <= SCRIPT_MAX_LONGER and client is not None:
        try:
            made = await client.newest_speech(lambda s: len(s.script or "") < length)
        except ApiError as exc:
            log.info("the account's speech jobs could not be listed: %s", exc.detail)
        else:
            await asyncio.to_thread(limit.accepted, (len(s.script or "") for s in made))
    return await asyncio.to_thread(lambda: limit.value)


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
