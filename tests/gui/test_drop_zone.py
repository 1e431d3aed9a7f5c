"""The drop zone alone (ui/drop_zone.py): a pasted share link becomes the link that gives the
file, shown as already taken; the panel clears it through the zone's own methods."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from aurora_desktop.jobs.model import InputKind
from aurora_desktop.ui.drop_zone import IMAGE_FILTER, DropZone, kind_of, source_of

SHARED = "https://www.dropbox.com/scl/fi/x9y8z7/portrait.png?rlkey=abc&dl=0"
DIRECT = "https://www.dropbox.com/scl/fi/x9y8z7/portrait.png?rlkey=abc&dl=1"


def test_a_share_link_is_shown_as_sent_and_taken_once(qtbot) -> None:
    zone = DropZone(InputKind.IMAGE, "Portrait", IMAGE_FILTER)
    qtbot.addWidget(zone)
    chosen: list[str] = []
    zone.chosen.connect(chosen.append)

    assert zone.sendable(SHARED) == DIRECT
    assert zone.link.text() == DIRECT and zone.taken_link == DIRECT
    assert zone.note.startswith("Dropbox link: the app sends the file itself")
    zone.link.editingFinished.emit()  # leaving the field: the link shown is already taken
    assert chosen == []

    zone.clear_link()
    assert zone.link.text() == "" and zone.taken_link == ""
    zone.link.setText(DIRECT)
    zone.link.editingFinished.emit()  # the same link pasted again after a clear is taken afresh
    assert chosen == [DIRECT]

    assert zone.sendable("/home/me/portrait.png") == "/home/me/portrait.png" and zone.note == ""


def test_what_a_dropped_file_or_link_is() -> None:
    assert kind_of(QUrl.fromLocalFile("/tmp/Me.HEIC")) is InputKind.IMAGE
    assert kind_of(QUrl("https://example.com/voice.opus?x=1")) is InputKind.AUDIO
    assert kind_of(QUrl.fromLocalFile("/tmp/notes.txt")) is None
    assert source_of(QUrl.fromLocalFile("/tmp/a b.png")) == "/tmp/a b.png"
    assert source_of(QUrl("https://example.com/a.png")) == "https://example.com/a.png"
