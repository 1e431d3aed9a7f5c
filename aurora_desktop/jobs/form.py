"""The create form's rules without the widgets: why Generate is not available, the price and its text.

The create panel (ui/create_panel.py) copies what its fields hold into a `Form` on every change
and shows what the form answers: the sentence beside Generate (red for a problem, plain for a
next step), whether the button is on, and the price line. The rules live here so they can be
tested without Qt; the sentences about money come from blockers.py, shared with the command line.

Like blockers.py, this loads nothing heavy (no HTTP client, no Pillow, no jobs/prepare.py): the
window asks it before its first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from aurora_desktop.api.catalog import ModelSpec, cost_credits
from aurora_desktop.api.speech import SCRIPT_MAX, speech_credits
from aurora_desktop.formatting import ROUNDED_UP, credits_text, rounded_up, whole_seconds
from aurora_desktop.jobs.blockers import BlockerCode, blockers_for
from aurora_desktop.jobs.limits import script_too_long
from aurora_desktop.jobs.model import is_link

if TYPE_CHECKING:
    from aurora_desktop.jobs.prepare import Script

# The sentences the form shows as next steps (not problems): what to do before Generate.
STARTING = "Starting the video…"
ADD_PORTRAIT = "Add a portrait to begin."
ADD_VOICE = "Add a voice clip."
CHOOSE_SHARING = "Choose how Creatify gets your files (above)."
CHECKING = "Checking your files…"
TYPE_SCRIPT = "Type what the person should say."
CHOOSE_VOICE = "Choose a voice for the script."


@dataclass
class CreateSpec:
    """What Generate asks the window to make: the form's inputs as they will be sent."""

    image: str
    audio: str  # a clip (path or link); "" for a script
    model: str
    name: str
    text_prompt: str | None
    guidance: float | None
    script: Script | None = None  # a script to be spoken first, or the script of a reused speech (`audio` its link)


@dataclass(frozen=True, slots=True)
class Hold:
    """What Generate waits for. `problem`: shown as a problem (red) rather than a next step;
    `code`: the blocker's code when it is one of blockers.py's. An empty message: nothing."""

    message: str = ""
    problem: bool = False
    code: BlockerCode | None = None

    @property
    def blocks(self) -> bool:
        """Generate is off while there is anything to say."""
        return bool(self.message)


READY = Hold()


@dataclass(frozen=True, slots=True)
class ScriptFacts:
    """The "Type a script" tab: the words, their estimated spoken length, whether a voice is chosen."""

    text: str
    seconds: float  # estimated at the learnt pace (api/speech.py: estimate_seconds)
    voice_chosen: bool
    limit: int = SCRIPT_MAX  # this account's script limit (jobs/limits.py)


def script_hold(text: str, voice_chosen: bool, limit: int = SCRIPT_MAX) -> Hold:
    """Why this script cannot be spoken yet (READY when it can)."""
    if not text.strip():
        return Hold(TYPE_SCRIPT)
    if len(text) > limit:
        return Hold(script_too_long(len(text), limit), True, BlockerCode.INPUT)
    if not voice_chosen:
        return Hold(CHOOSE_VOICE)
    return READY


@dataclass(frozen=True, slots=True)
class Form:
    """What the create form holds at one moment. Facts are None until the file was read."""

    model: ModelSpec
    image_source: str | None = None  # a local path or a link
    image_checked: bool = False  # the photo was read and can be used
    image_error: str = ""  # why the photo cannot be used
    audio_source: str | None = None
    audio_seconds: float | None = None  # the clip's length, once read
    audio_error: str = ""
    silence_warning: str = ""  # the clip is (mostly) silent
    silence_accepted: bool = False  # ...and the user chose to use it anyway
    script: ScriptFacts | None = None  # the voice is a typed script (None: a clip)
    remaining: Decimal | None = None  # the account's credits; None while unknown
    credits_unchecked: bool = False  # ...and Creatify could not be asked (offline)
    sharing_ready: bool = True  # local files can reach Creatify
    demo: bool = False  # the balance is the demo's, not money
    busy: bool = False  # a video is being started

    @property
    def script_mode(self) -> bool:
        return self.script is not None

    @property
    def has_local_files(self) -> bool:
        sources = (self.image_source,) if self.script_mode else (self.image_source, self.audio_source)
        return any(source and not is_link(source) for source in sources)

    @property
    def needs_sharing(self) -> bool:
        """Local files and no way yet for Creatify to get them: the panel offers the choice."""
        return self.has_local_files and not self.sharing_ready

    @property
    def offers_use_anyway(self) -> bool:
        """A silent clip is a problem the user may overrule."""
        return bool(self.silence_warning) and not self.silence_accepted and not self.busy and not self.script_mode

    def voice_seconds(self) -> float | None:
        """How long the voice is: the clip's length, or the script's estimated spoken length."""
        if self.script is not None:
            return self.script.seconds if self.script.text.strip() else None
        return self.audio_seconds

    def speech_cost(self) -> Decimal:
        """What the script's speech costs (nothing for a clip)."""
        return speech_credits(self.script.seconds) if self.script is not None else Decimal(0)

    def cost(self) -> Decimal | None:
        """Everything the video will spend: the speech (for a script) and the video."""
        seconds = self.voice_seconds()
        return None if seconds is None else cost_credits(self.model, seconds) + self.speech_cost()

    def hold(self) -> Hold:
        """Why Generate is not available (READY when it is)."""
        if self.busy:
            return Hold(STARTING)
        if self.image_error:
            return Hold(self.image_error, True, BlockerCode.INPUT)
        if self.script is not None:
            return self._script_hold(self.script)
        if self.audio_error:
            return Hold(self.audio_error, True, BlockerCode.INPUT)
        if not self.image_source:
            return Hold(ADD_PORTRAIT)
        if not self.audio_source:
            return Hold(ADD_VOICE)
        if self.needs_sharing:
            return Hold(CHOOSE_SHARING)
        if not self.image_checked or self.audio_seconds is None:
            return Hold(CHECKING)
        if self.silence_warning and not self.silence_accepted:
            return Hold(self.silence_warning, True)
        return self._money_hold(self.audio_seconds)

    def _script_hold(self, script: ScriptFacts) -> Hold:
        if not self.image_source:
            return Hold(ADD_PORTRAIT)
        hold = script_hold(script.text, script.voice_chosen, script.limit)
        if hold.blocks:
            return hold
        if self.needs_sharing:
            return Hold(CHOOSE_SHARING)
        if not self.image_checked:
            return Hold(CHECKING)
        return self._money_hold(script.seconds, self.speech_cost())

    def _money_hold(self, seconds: float, speech: Decimal = Decimal(0)) -> Hold:
        blockers = blockers_for(self.model, audio_seconds=seconds, remaining=self.remaining, speech=speech)
        return Hold(blockers[0].message, True, blockers[0].code) if blockers else READY

    def credits_left_text(self) -> str:
        if self.demo:
            if self.remaining is None:
                return ""
            return f"Demo credits left: {credits_text(self.remaining)} (pretend credits; nothing is spent)."
        if self.remaining is None and self.credits_unchecked:
            return (
                "Remaining credits: could not check (Creatify cannot be reached); "
                "checked again when the connection is back."
            )
        if self.remaining is None:
            return "Remaining credits: checking…"
        return f"Remaining credits: {credits_text(self.remaining)}."

    def price_text(self, hold: Hold | None = None) -> str:
        """The line beside Generate (rich text): the price when it is known, and the credits left.
        `hold`: this form's hold() when the caller has it already."""
        hold = self.hold() if hold is None else hold
        left = self.credits_left_text()
        # No price for a video that cannot be made with this clip and model.
        cost = None if hold.code is BlockerCode.TOO_LONG else self.cost()
        seconds = self.voice_seconds()
        if cost is None or seconds is None:
            return left
        if self.script is not None:
            speech = self.speech_cost()
            return (
                f"<b>This video will cost about {credits_text(cost)} credits</b>: {credits_text(speech)} for the "
                f"voice (about {whole_seconds(seconds)} s of speech) and {credits_text(cost - speech)} "
                f"for the video. {left}"
            )
        why = f"; {ROUNDED_UP}" if rounded_up(seconds) else ""  # said once, where it makes a difference
        return (
            f"<b>This video will cost {credits_text(cost)} credits</b> ({whole_seconds(seconds)} s × "
            f"{credits_text(self.model.credits_per_second)}/s{why}). {left}"
        )
