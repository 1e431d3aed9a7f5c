"""The create panel's link fields and Esc, as a person types (issue 10, defects 4 and 8)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.fixtures.media_files import SAMPLE_AUDIO, SAMPLE_IMAGE
from tests.fixtures.sandbox import Sandbox


def test_a_link_is_taken_by_enter_or_by_leaving_the_field_once_and_in_plain_words(
    qtbot, open_window, shared_sandbox: Sandbox
) -> None:
    window = open_window(shared_sandbox)
    zone = window.create_panel.image_zone
    dead = "http://127.0.0.1:9/portrait.png"  # nothing listens there

    zone.link.setFocus()
    qtbot.keyClicks(zone.link, dead)
    qtbot.keyClick(zone.link, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(zone.warning.text()), timeout=15_000)
    assert zone.dialog is None  # Enter took the link; it did not also open the file chooser
    assert "could not be reached" in zone.warning.text() and "Error" not in zone.warning.text()

    audio_zone = window.create_panel.audio_zone
    url = shared_sandbox.host(SAMPLE_AUDIO)
    audio_zone.link.setFocus()
    qtbot.keyClicks(audio_zone.link, url)
    qtbot.keyClick(audio_zone.link, Qt.Key.Key_Tab)  # leaving the field takes the link too
    qtbot.waitUntil(lambda: window.create_panel.audio_source == url, timeout=5_000)
    qtbot.waitUntil(lambda: "seconds of WAV" in audio_zone.facts.text(), timeout=15_000)
    assert audio_zone.dialog is None


def test_esc_clears_only_outside_a_text_field_and_can_be_undone(qtbot, open_window, shared_sandbox: Sandbox) -> None:
    window = open_window(shared_sandbox)
    panel = window.create_panel
    panel.set_image(str(SAMPLE_IMAGE))
    panel.set_audio(str(SAMPLE_AUDIO))
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=15_000)

    panel.name_edit.setFocus()
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Escape)  # typing a name: Esc is not "clear everything"
    assert panel.image_source == str(SAMPLE_IMAGE) and panel.name_edit.text()

    panel.generate_button.setFocus()
    qtbot.keyClick(panel.generate_button, Qt.Key.Key_Escape)
    assert panel.image_source is None and panel.audio_source is None
    assert panel.undo_clear.isVisible()
    qtbot.mouseClick(panel.undo_clear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=15_000)
    assert panel.image_source == str(SAMPLE_IMAGE) and panel.audio_source == str(SAMPLE_AUDIO)
    assert not panel.undo_clear.isVisible()
