"""Every Qt Multimedia object the app makes (players, audio outputs, video sinks, the audio
decoder, the recorder and its inputs) goes through media/qt_threads.made().

One made any other way can freeze the app for good when FFmpeg's threads tear it
down (docs/architecture.md, "Playback"); this guard keeps a new one from slipping in.
"""

from __future__ import annotations

import ast
from pathlib import Path

import aurora_desktop

PACKAGE = Path(aurora_desktop.__file__).parent
MEDIA_CLASSES = {
    "QMediaPlayer",
    "QAudioOutput",
    "QVideoSink",
    "QAudioDecoder",
    "QMediaRecorder",
    "QMediaCaptureSession",
    "QVideoFrameInput",
    "QAudioBufferInput",
}


def _unwrapped_constructions(tree: ast.AST) -> list[int]:
    """Lines where one of MEDIA_CLASSES is made outside made(...)."""
    inside_made: set[int] = set()
    for node in ast.walk(tree):
        name = getattr(node.func, "attr", getattr(node.func, "id", "")) if isinstance(node, ast.Call) else ""
        if name == "made":  # made(...), however imported
            inside_made.update(id(arg) for arg in node.args)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in MEDIA_CLASSES
        and id(node) not in inside_made
    ]


def test_the_guard_sees_a_bare_player() -> None:
    assert _unwrapped_constructions(ast.parse("p = QMediaPlayer(self)\na = media.made(QAudioOutput())")) == [1]
    assert _unwrapped_constructions(ast.parse("d = made(QAudioDecoder())\nr = QMediaRecorder()")) == [2]


def test_every_media_object_is_made_through_made() -> None:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = _unwrapped_constructions(ast.parse(path.read_text("utf-8")))
        if lines:
            found[str(path.relative_to(PACKAGE))] = lines
    assert found == {}
