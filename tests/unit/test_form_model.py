"""The create form's rules without Qt (issue 21, "form"): every reason Generate can be off,
in the order the panel asks them, and the price line beside it."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal

import pytest

from aurora_desktop.api.catalog import get_model, too_long_message
from aurora_desktop.api.speech import SCRIPT_MAX_LONGER
from aurora_desktop.jobs import form as form_module
from aurora_desktop.jobs.blockers import BlockerCode
from aurora_desktop.jobs.form import READY, Form, Hold, ScriptFacts, script_hold
from aurora_desktop.jobs.limits import script_too_long

V1 = get_model("aurora_v1")  # 1 credit a second, clips up to 5 minutes
V2_720 = get_model("aurora_v2_720p")  # 0.7 credits a second, clips up to 59.7 s
PHOTO, CLIP = "/home/me/portrait.png", "/home/me/voice.mp3"
PHOTO_LINK, CLIP_LINK = "https://example.com/portrait.png", "https://example.com/voice.mp3"
SILENT = "This clip is silent: there is no voice for the face to follow."
WORDS_150 = " ".join(["word"] * 150)  # 60 s at the default pace
WORDS_300 = " ".join(["word"] * 300)  # 120 s

# A clip form with everything in order, and a script form likewise.
CLIP_READY = Form(
    model=V1,
    image_source=PHOTO,
    image_checked=True,
    audio_source=CLIP,
    audio_seconds=7.6,
    remaining=Decimal(1000),
)
SCRIPT_READY = Form(
    model=V1,
    image_source=PHOTO,
    image_checked=True,
    script=ScriptFacts(WORDS_150, 60.0, voice_chosen=True),
    remaining=Decimal(1000),
)
TOO_LONG_SCRIPT = "x" * 4001

# (name, form, what it answers). Every sentence the panel can show beside Generate.
CASES: list[tuple[str, Form, Hold]] = [
    ("ready with a clip", CLIP_READY, READY),
    ("ready with a script", SCRIPT_READY, READY),
    ("a video is being started", replace(CLIP_READY, busy=True), Hold(form_module.STARTING)),
    ("starting beats a bad photo", replace(CLIP_READY, busy=True, image_error="bad"), Hold(form_module.STARTING)),
    (
        "an unusable photo",
        replace(CLIP_READY, image_checked=False, image_error="This file is not a picture."),
        Hold("This file is not a picture.", True, BlockerCode.INPUT),
    ),
    (
        "an unusable photo, script tab",
        replace(SCRIPT_READY, image_checked=False, image_error="This file is not a picture."),
        Hold("This file is not a picture.", True, BlockerCode.INPUT),
    ),
    (
        "an unusable clip",
        replace(CLIP_READY, audio_seconds=None, audio_error="This file has no sound."),
        Hold("This file has no sound.", True, BlockerCode.INPUT),
    ),
    (
        "a bad clip does not matter on the script tab",
        replace(SCRIPT_READY, audio_source=CLIP, audio_error="This file has no sound."),
        READY,
    ),
    ("nothing yet", Form(model=V1), Hold(form_module.ADD_PORTRAIT)),
    (
        "a clip but no photo",
        replace(CLIP_READY, image_source=None, image_checked=False),
        Hold(form_module.ADD_PORTRAIT),
    ),
    ("a photo but no clip", replace(CLIP_READY, audio_source=None, audio_seconds=None), Hold(form_module.ADD_VOICE)),
    ("local files, no sharing chosen", replace(CLIP_READY, sharing_ready=False), Hold(form_module.CHOOSE_SHARING)),
    (
        "a local photo and a link, no sharing chosen",
        replace(CLIP_READY, audio_source=CLIP_LINK, sharing_ready=False),
        Hold(form_module.CHOOSE_SHARING),
    ),
    (
        "links need no sharing",
        replace(CLIP_READY, image_source=PHOTO_LINK, audio_source=CLIP_LINK, sharing_ready=False),
        READY,
    ),
    ("the photo is being read", replace(CLIP_READY, image_checked=False), Hold(form_module.CHECKING)),
    ("the clip is being read", replace(CLIP_READY, audio_seconds=None), Hold(form_module.CHECKING)),
    ("a silent clip", replace(CLIP_READY, silence_warning=SILENT), Hold(SILENT, True)),
    ("a silent clip used anyway", replace(CLIP_READY, silence_warning=SILENT, silence_accepted=True), READY),
    (
        "a clip longer than the model takes",
        replace(CLIP_READY, model=V2_720, audio_seconds=75.0),
        Hold(too_long_message(75.0, V2_720), True, BlockerCode.TOO_LONG),
    ),
    (
        "not enough credits for the clip",
        replace(CLIP_READY, remaining=Decimal(5)),
        Hold("Not enough credits: this video costs 8 and you have 5.", True, BlockerCode.NO_CREDITS),
    ),
    (
        "fractional credits just short",
        replace(CLIP_READY, model=V2_720, audio_seconds=10.2, remaining=Decimal("7.6")),
        Hold("Not enough credits: this video costs 7.7 and you have 7.6.", True, BlockerCode.NO_CREDITS),
    ),
    (
        "fractional credits just enough",
        replace(CLIP_READY, model=V2_720, audio_seconds=10.2, remaining=Decimal("7.7")),
        READY,
    ),
    ("credits unknown: not a blocker", replace(CLIP_READY, remaining=None), READY),
    # The "Type a script" tab.
    ("script: no photo", replace(SCRIPT_READY, image_source=None, image_checked=False), Hold(form_module.ADD_PORTRAIT)),
    (
        "script: nothing typed",
        replace(SCRIPT_READY, script=ScriptFacts("  \n", 0.0, voice_chosen=True)),
        Hold(form_module.TYPE_SCRIPT),
    ),
    (
        "script: longer than the account may send",
        replace(SCRIPT_READY, script=ScriptFacts(TOO_LONG_SCRIPT, 5.0, voice_chosen=True)),
        Hold(script_too_long(4001, 4000), True, BlockerCode.INPUT),
    ),
    (
        "script: the same length where longer scripts were accepted",
        replace(SCRIPT_READY, script=ScriptFacts(TOO_LONG_SCRIPT, 5.0, voice_chosen=True, limit=SCRIPT_MAX_LONGER)),
        READY,
    ),
    (
        "script: no voice chosen",
        replace(SCRIPT_READY, script=ScriptFacts(WORDS_150, 60.0, voice_chosen=False)),
        Hold(form_module.CHOOSE_VOICE),
    ),
    ("script: a local photo, no sharing", replace(SCRIPT_READY, sharing_ready=False), Hold(form_module.CHOOSE_SHARING)),
    (
        "script: a photo link needs no sharing, and the clip's file does not count",
        replace(SCRIPT_READY, image_source=PHOTO_LINK, audio_source=CLIP, sharing_ready=False),
        READY,
    ),
    ("script: the photo is being read", replace(SCRIPT_READY, image_checked=False), Hold(form_module.CHECKING)),
    (
        "script: a silent clip left on the other tab does not matter",
        replace(SCRIPT_READY, audio_source=CLIP, audio_seconds=3.0, silence_warning=SILENT),
        READY,
    ),
    (
        "script: longer to say than the model takes",
        replace(SCRIPT_READY, model=V2_720, script=ScriptFacts(WORDS_300, 120.0, voice_chosen=True)),
        Hold(
            "This script takes about 120 seconds to say. "
            + too_long_message(120.0, V2_720).replace("Shorten the clip", "Shorten the script"),
            True,
            BlockerCode.TOO_LONG,
        ),
    ),
    (
        "script: the voice makes it too dear",  # 60 for the video + 2 for the speech
        replace(SCRIPT_READY, remaining=Decimal(61)),
        Hold("Not enough credits: this video costs 62 and you have 61.", True, BlockerCode.NO_CREDITS),
    ),
    ("script: just enough with the voice", replace(SCRIPT_READY, remaining=Decimal(62)), READY),
]


@pytest.mark.parametrize(("form", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_reason_generate_is_off(form: Form, expected: Hold) -> None:
    hold = form.hold()
    assert hold == expected
    assert hold.blocks == bool(expected.message)


# Codes the form never gives, each with the reason. The rest must each have a case above.
NOT_FROM_THE_FORM = {
    BlockerCode.OUTPUT: "the video's folder is checked when the order is placed (blockers.output_folder_blockers)",
    BlockerCode.NO_STORAGE: "the form asks for a way to share local files instead (CHOOSE_SHARING, no code)",
    BlockerCode.OVER_BUDGET: "--max-credits is the command line's",
    BlockerCode.ACCOUNT: "refused keys are told by the window's banner, not beside Generate",
    BlockerCode.UNREACHABLE: "likewise: the credits stay unknown and Generate stays available",
}


def _sweep() -> set[BlockerCode]:
    """The codes a grid of forms gives: every combination of a few values of each field."""
    seen: set[BlockerCode] = set()
    scripts = [
        None,
        ScriptFacts("", 0.0, True),
        ScriptFacts(TOO_LONG_SCRIPT, 5.0, True),
        ScriptFacts(WORDS_150, 60.0, False),
        ScriptFacts(WORDS_300, 120.0, True),
        SCRIPT_READY.script,
    ]
    for model, image, image_error, audio, audio_error, silence, script, remaining, sharing, busy in itertools.product(
        (V1, V2_720),
        (None, PHOTO, PHOTO_LINK),
        ("", "bad photo"),
        (None, 7.6, 75.0),
        ("", "bad clip"),
        ("", SILENT),
        scripts,
        (None, Decimal(0), Decimal(5), Decimal(1000)),
        (True, False),
        (False, True),
    ):
        form = Form(
            model=model,
            image_source=image,
            image_checked=bool(image) and not image_error,
            image_error=image_error,
            audio_source=CLIP if audio is not None or audio_error else None,
            audio_seconds=audio,
            audio_error=audio_error,
            silence_warning=silence,
            script=script,
            remaining=remaining,
            sharing_ready=sharing,
            busy=busy,
        )
        code = form.hold().code
        if code is not None:
            seen.add(code)
    return seen


def test_every_blocker_code_the_form_can_give_has_a_case() -> None:
    covered = {expected.code for _, _, expected in CASES if expected.code is not None}
    # A new code must be given a case above or a reason in NOT_FROM_THE_FORM.
    assert covered | set(NOT_FROM_THE_FORM) == set(BlockerCode)
    assert not covered & set(NOT_FROM_THE_FORM)
    # And the codes a broad sweep of forms meets are all covered (none said unreachable shows up).
    assert _sweep() == covered


def test_the_script_rules_alone() -> None:
    assert script_hold("", True) == Hold(form_module.TYPE_SCRIPT)
    assert script_hold("Hello", False) == Hold(form_module.CHOOSE_VOICE)
    assert script_hold("Hello", True) == READY
    assert script_hold("x" * 10, True, limit=9) == Hold(script_too_long(10, 9), True, BlockerCode.INPUT)


# (name, form, the price line)
PRICES = [
    ("credits unknown, nothing chosen", Form(model=V1), "Remaining credits: checking…"),
    (
        "credits unknown, a clip",
        replace(CLIP_READY, remaining=None),
        "<b>This video will cost 8 credits</b> (8 s × 1/s; Creatify bills whole seconds, rounded up). "
        "Remaining credits: checking…",
    ),
    (
        "demo",
        replace(CLIP_READY, demo=True, remaining=Decimal(500)),
        "<b>This video will cost 8 credits</b> (8 s × 1/s; Creatify bills whole seconds, rounded up). "
        "Demo credits left: 500 (pretend credits; nothing is spent).",
    ),
    ("demo, balance not known yet", Form(model=V1, demo=True), ""),
    (
        "demo, nothing chosen",
        Form(model=V1, demo=True, remaining=Decimal(500)),
        "Demo credits left: 500 (pretend credits; nothing is spent).",
    ),
    (
        "enough credits",
        CLIP_READY,
        "<b>This video will cost 8 credits</b> (8 s × 1/s; Creatify bills whole seconds, rounded up). "
        "Remaining credits: 1000.",
    ),
    (
        "not enough credits: the price still shows",
        replace(CLIP_READY, remaining=Decimal(5)),
        "<b>This video will cost 8 credits</b> (8 s × 1/s; Creatify bills whole seconds, rounded up). "
        "Remaining credits: 5.",
    ),
    (
        "fractional credits",
        replace(CLIP_READY, model=V2_720, audio_seconds=10.2, remaining=Decimal("12.5")),
        "<b>This video will cost 7.7 credits</b> (11 s × 0.7/s; Creatify bills whole seconds, rounded up). "
        "Remaining credits: 12.5.",
    ),
    (
        "a clip too long for the model: no price",
        replace(CLIP_READY, model=V2_720, audio_seconds=75.0),
        "Remaining credits: 1000.",
    ),
    (
        "a script: the speech and the video",
        replace(SCRIPT_READY, remaining=Decimal(100)),
        "<b>This video will cost about 62 credits</b>: 2 for the voice (about 60 s of speech) and 60 for the "
        "video. Remaining credits: 100.",
    ),
    (
        "a script on a fractional model",
        replace(SCRIPT_READY, model=V2_720, script=ScriptFacts("Hello there", 10.2, True), remaining=Decimal("3.5")),
        "<b>This video will cost about 8.7 credits</b>: 1 for the voice (about 11 s of speech) and 7.7 for the "
        "video. Remaining credits: 3.5.",
    ),
    ("a script not typed yet", replace(SCRIPT_READY, script=ScriptFacts("", 0.0, True)), "Remaining credits: 1000."),
    (
        "a script too long to say: no price",
        replace(SCRIPT_READY, model=V2_720, script=ScriptFacts(WORDS_300, 120.0, True)),
        "Remaining credits: 1000.",
    ),
]


@pytest.mark.parametrize(("form", "text"), [p[1:] for p in PRICES], ids=[p[0] for p in PRICES])
def test_the_price_line(form: Form, text: str) -> None:
    assert form.price_text() == text


def test_costs_are_exact() -> None:
    assert replace(CLIP_READY, model=V2_720, audio_seconds=10.2).cost() == Decimal("7.7")
    assert SCRIPT_READY.cost() == Decimal(62) and SCRIPT_READY.speech_cost() == Decimal(2)
    assert CLIP_READY.speech_cost() == 0 and Form(model=V1).cost() is None


def test_what_the_panel_shows_besides_the_sentence() -> None:
    assert replace(CLIP_READY, sharing_ready=False).needs_sharing
    assert not replace(CLIP_READY, image_source=PHOTO_LINK, audio_source=CLIP_LINK, sharing_ready=False).needs_sharing
    silent = replace(CLIP_READY, silence_warning=SILENT)
    assert silent.offers_use_anyway
    assert not replace(silent, silence_accepted=True).offers_use_anyway
    assert not replace(silent, busy=True).offers_use_anyway
    assert not replace(SCRIPT_READY, audio_source=CLIP, audio_seconds=3.0, silence_warning=SILENT).offers_use_anyway


QT_FREE = """
import json, sys
for name in ("PySide6", "shiboken6"):
    sys.modules[name] = None  # any import of Qt now fails
from decimal import Decimal
from aurora_desktop.api.catalog import get_model
from aurora_desktop.jobs.form import Form
text = Form(model=get_model("aurora_v1"), image_source="a.png", image_checked=True, audio_source="b.mp3",
            audio_seconds=3.0, remaining=Decimal(9)).price_text()
heavy = ("aurora_desktop.jobs.prepare", "httpx", "PIL", "PySide6")
print(json.dumps({"text": text, "loaded": [m for m in heavy if sys.modules.get(m) is not None]}))
"""


def test_the_form_model_needs_no_qt_and_nothing_heavy() -> None:
    proc = subprocess.run([sys.executable, "-c", QT_FREE], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    answer = json.loads(proc.stdout)
    assert answer == {"text": "<b>This video will cost 3 credits</b> (3 s × 1/s). Remaining credits: 9.", "loaded": []}
