"""Issue 10, "The look": light and dark themes that follow the system unless chosen, one primary
action, drop zones that light up under a drag, crisp themed icons, colour-blind safe status chips."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from aurora_desktop.settings import Settings
from aurora_desktop.ui import icons, theme
from tests.fixtures.media_files import SAMPLE_IMAGE


def _lightness(colour) -> int:
    return colour.lightness()


def test_a_theme_chosen_in_settings_applies_at_once_and_is_kept(qtbot, open_window) -> None:
    window = open_window(demo=True)
    app = QApplication.instance()
    assert window.theme.choice == "system"  # the default follows the system
    window.open_settings(tab="videos")
    dialog = window.settings_dialog
    dialog.appearance.setCurrentIndex(dialog.appearance.findData("dark"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: theme.current().name == "dark", timeout=5_000)
    assert _lightness(app.palette().color(QPalette.ColorRole.Window)) < 60
    assert theme.DARK.window in app.styleSheet() and Settings.load().theme == "dark"
    # Saved without a password store, and without opting into any way of uploading files.
    assert Settings.load().sharing == "" and not Settings.load().quick_links_consent
    window.theme.set_choice("light")
    assert _lightness(app.palette().color(QPalette.ColorRole.Window)) > 200
    window.theme.set_choice("system")  # back to the default for the tests after this one


def test_following_the_system_switches_with_it(qtbot, open_window, monkeypatch) -> None:
    """The offscreen platform has no colour scheme of its own: the system's answer is stood in
    for, and its change signal delivered as the platform would."""
    window = open_window(demo=True)
    scheme = {"dark": True}
    monkeypatch.setattr(theme, "system_prefers_dark", lambda: scheme["dark"])
    try:
        window.theme._system_changed(Qt.ColorScheme.Dark)
        assert theme.current().name == "dark"
        scheme["dark"] = False
        window.theme._system_changed(Qt.ColorScheme.Light)
        assert theme.current().name == "light"
        window.theme.set_choice("dark")
        window.theme._system_changed(Qt.ColorScheme.Light)
        assert theme.current().name == "dark"  # a chosen theme stays chosen
    finally:
        window.theme.set_choice("system")


def test_one_primary_action_and_drop_zones_that_answer_a_drag(qtbot, open_window) -> None:
    window = open_window(demo=True)
    panel = window.create_panel
    assert panel.generate_button.objectName() == "primary"
    assert not panel.generate_button.icon().isNull()
    zone = panel.image_zone
    assert zone.objectName() == "dropzone" and zone.icon.isVisible()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE_IMAGE))])
    enter = QDragEnterEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(zone, enter)
    assert zone.property("dragover") is True
    QApplication.sendEvent(zone, QDragLeaveEvent())
    assert zone.property("dragover") is False


def test_icons_are_crisp_on_high_dpi_and_take_the_theme_colour(qapp) -> None:
    pixmap = icons.pixmap("play", 24, "accent")
    assert pixmap.devicePixelRatio() == 2.0 and pixmap.width() == 48
    image = pixmap.toImage()
    centre = image.pixelColor(24, 24)
    assert centre.alpha() == 255 and centre.name() == theme.current().accent.lower()
    sizes = {(s.width(), s.height()) for s in icons.icon("folder").availableSizes()}
    assert {(16, 16), (24, 24), (32, 32)} <= sizes


def test_status_chips_are_colour_blind_safe_and_worded() -> None:
    # Okabe-Ito: told apart by the common colour blindnesses; each chip also carries a word.
    okabe_ito = {"#009E73", "#0072B2", "#E69F00", "#D55E00"}
    for look in (theme.LIGHT, theme.DARK):
        chips = {look.ready[0], look.working[0], look.attention[0], look.failed[0]}
        assert chips == okabe_ito


def test_plain_words_where_a_creator_reads(qtbot, open_window) -> None:
    window = open_window(demo=True)
    panel = window.create_panel
    labels = [panel.model_box.itemText(i) for i in range(panel.model_box.count())]
    assert any("clips up to 1 minute" in t for t in labels) and any("clips up to 14 seconds" in t for t in labels)
    assert not any("59.7" in t or "14.375" in t for t in labels)
    assert "loosely" in panel.guidance.toolTip() and "strictly" in panel.guidance.toolTip()
    window.open_settings(tab="videos")
    dialog = window.settings_dialog
    dialog.template.setText("{name} ({model})")
    assert dialog.template_example.text() == "For example: Spring sale (aurora_v1).mp4"
    dialog.template.setText("{title}")
    assert "Unknown field(s)" in dialog.template_example.text() and dialog.template_example.property("problem") is True
    dialog.reject()
