"""Issue 23's honest numbers and words on the real window: the error dialog, the setup check,
the retry that knows the credits, the "another take?" guard, the script's one figure."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QMessageBox, QPushButton

from aurora_desktop.ui.errors import ErrorDialog


def _button(dialog: ErrorDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def test_show_details_shows_the_detail_and_toggles_its_label(qtbot, open_window) -> None:
    window = open_window(wait_ready=False)
    dialog = window.errors.show("The video could not be made.", "Creatify answered 502: upstream timed out")
    qtbot.waitExposed(dialog)
    # No blank area above the message: the message sits at the top of the dialog.
    assert dialog.message.geometry().top() <= dialog.layout().contentsMargins().top() + 2
    show = _button(dialog, "Show details")
    show.click()
    assert dialog.details.isVisible()
    assert show.text() == "Hide details"
    text = dialog.details.toPlainText()
    assert text.startswith("Creatify answered 502: upstream timed out")  # the real detail first
    assert "PySide6" in text  # and the versions
    # The details have room to be read: more than a line or two.
    qtbot.waitUntil(lambda: dialog.details.viewport().height() > 4 * dialog.fontMetrics().height())
    show.click()
    assert not dialog.details.isVisible() and show.text() == "Show details"
    assert dialog.message.geometry().top() <= dialog.layout().contentsMargins().top() + 2
    dialog.close()


def test_check_my_setup_in_the_demo_says_what_the_demo_and_my_account_need(qtbot, open_window) -> None:
    window = open_window(demo=True)
    window.open_settings()
    dialog = window.settings_dialog
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.report_box is not None and dialog.report_box.isVisible(), timeout=30_000)
    box = dialog.report_box
    said = f"{dialog.status.text()}\n{box.text()}\n{box.informativeText()}\n{box.detailedText()}"
    assert "problem" not in said.lower(), said  # no alarm: the demo needs no keys and no sharing
    assert box.icon() == QMessageBox.Icon.Information
    assert "demo" in box.text().lower()
    assert "My account" in box.informativeText()  # ...and what My account will need, later
    assert "Creatify keys" in box.informativeText()
    assert not re.search(r"\((\w+ )?Keyring\)|\(\w+Error\)", said), said  # no class names
    box.close()
    dialog.reject()
