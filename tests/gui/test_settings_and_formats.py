"""Issue 10, defects 12 and 15: test wording in Settings, checks as you type, every audio format listed."""

from __future__ import annotations

import math
import struct
from pathlib import Path

from PySide6.QtCore import Qt

from tests.conftest import SAMPLE_IMAGE, tone_wav


def _opus_voice_note(path: Path, seconds: float = 2.0) -> Path:
    """A WhatsApp-style voice note: Opus in an Ogg file, made here with PyAV."""
    import av

    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        for i in range(int(seconds * 50)):
            frame = av.AudioFrame(format="s16", layout="mono", samples=960)
            frame.planes[0].update(
                b"".join(
                    struct.pack("<h", int(6000 * math.sin(2 * math.pi * 220 * (i * 960 + n) / 48000)))
                    for n in range(960)
                )
            )
            frame.sample_rate, frame.pts = 48000, i * 960
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def test_whatsapp_opus_voice_notes_are_listed_and_work(qtbot, open_window, tmp_path: Path) -> None:
    """Defect 15: .opus worked when typed in but the file chooser hid it."""
    window = open_window(demo=True)
    panel = window.create_panel
    panel.audio_zone.browse()
    dialog = panel.audio_zone._dialog
    assert dialog is not None
    listed = dialog.nameFilters()[0]
    for suffix in ("*.opus", "*.m4a", "*.ogg", "*.mp3", "*.wav", "*.flac", "*.webm"):
        assert suffix in listed, suffix
    note = _opus_voice_note(tmp_path / "PTT-20261129-WA0003.opus")
    dialog.fileSelected.emit(str(note))  # as if chosen in the dialog
    dialog.reject()
    qtbot.waitUntil(lambda: "converted to WAV" in panel.audio_zone.facts.text(), timeout=15_000)
    assert "2.0 seconds" in panel.audio_zone.facts.text()
    panel.set_image(str(SAMPLE_IMAGE))
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=15_000)


def test_settings_tests_speak_of_a_test_and_check_as_you_type(qtbot, open_window) -> None:
    """Defect 12: a failed connection test said the work "will continue"; a bucket name with
    spaces was not flagged."""
    window = open_window(demo=True)
    window.options.api_base = "http://127.0.0.1:9"  # nothing listens here
    window.open_settings()
    dialog = window.settings_dialog
    dialog.api_id.setText("some-id:some-key")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "test again" in dialog.test_result.text(), timeout=20_000)
    result = dialog.test_result.text()
    assert "will continue" not in result and "will try again" not in result

    dialog.tabs.setCurrentIndex(1)
    dialog.sharing_storage.setChecked(True)
    setup = dialog.storage_setup
    setup.provider.setCurrentIndex(setup.provider.findData("aws"))
    setup.inputs["bucket"].setText("my holiday bucket")  # typed, not yet saved or tested
    assert "Remove the spaces" in setup.problems["bucket"].text()
    assert setup.problems["bucket"].isVisibleTo(dialog)
    setup.inputs["bucket"].setText("my-holiday-bucket")
    assert not setup.problems["bucket"].isVisibleTo(dialog)
    dialog.reject()


def test_a_silent_clip_is_said_before_spending_and_can_be_used_anyway(qtbot, open_window, tmp_path: Path) -> None:
    """Defect 10: silent audio was accepted and charged without a word."""
    window = open_window(demo=True)
    panel = window.create_panel
    panel.set_image(str(SAMPLE_IMAGE))
    panel.set_audio(str(tone_wav(tmp_path / "muted.wav", [(5.0, 0)])))
    qtbot.waitUntil(lambda: "This clip is silent" in panel.reason.text(), timeout=15_000)
    assert not panel.generate_button.isEnabled() and panel.reason.property("problem") is True
    assert panel.use_anyway.isVisible()
    qtbot.mouseClick(panel.use_anyway, Qt.MouseButton.LeftButton)
    assert panel.generate_button.isEnabled() and not panel.use_anyway.isVisible()

    panel.set_audio(str(tone_wav(tmp_path / "mostly-quiet.wav", [(1.0, 6000), (4.0, 0), (1.0, 6000)])))
    qtbot.waitUntil(lambda: "silent for 4 of its 6 seconds" in panel.reason.text(), timeout=15_000)
    assert not panel.generate_button.isEnabled()  # a new clip is judged afresh

    panel.set_audio(str(tone_wav(tmp_path / "voice-with-pauses.wav", [(2.0, 6000), (1.0, 0), (3.0, 6000)])))
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=15_000)  # ordinary pauses are fine
    assert not panel.use_anyway.isVisible()


def test_a_sideways_phone_photo_is_previewed_and_described_as_it_will_be_sent(
    qtbot, open_window, tmp_path: Path
) -> None:
    """Defect 14: an EXIF-rotated photo was previewed upright but described (and sent) sideways;
    HEIC was hidden by the file filter."""
    from tests.e2e.test_photo_conversion import RED, exif_photo, near

    window = open_window(demo=True)
    panel = window.create_panel
    panel.image_zone.browse()
    assert "*.heic" in panel.image_zone._dialog.nameFilters()[0]
    panel.image_zone._dialog.reject()
    panel.set_image(str(exif_photo(tmp_path / "IMG_1234.jpg", 6)))  # stored 400×600, meant 600×400
    qtbot.waitUntil(lambda: "Before sending" in panel.image_zone.facts.text(), timeout=15_000)
    facts = panel.image_zone.facts.text()
    assert "600 × 400 px" in facts and "3:2" in facts and "turned upright" in facts
    qtbot.waitUntil(lambda: not panel.image_zone.preview.pixmap().isNull(), timeout=15_000)
    thumb = panel.image_zone.preview.pixmap().toImage()
    assert thumb.width() > thumb.height()  # landscape, as sent
    corner = thumb.pixelColor(5, 5)
    assert near((corner.red(), corner.green(), corner.blue()), RED)
