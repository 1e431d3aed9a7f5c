"""The two fields for Creatify's API ID and key, as the welcome page and Settings both show them.

Creators copy the two values from Creatify's API page, often together: "ID:key"
(or the two header lines of Creatify's examples) pasted into the first field
fills both. Only a paste does that: a paste is one change that inserts several
characters at once; typing is one character at a time, so "ID:key" typed by
hand stays as typed until Connect (`complete`), and the cursor never leaves a
field the user is typing in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from aurora_desktop.secrets import parse_pasted_keys


def inserted(before: str, after: str) -> str:
    """What one change put into a field: `after` without the start and end it shares with `before`."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return after[start : len(after) - end]


class _PasteWatch(QObject):
    """Tells a paste (several characters in one change) from typing (one at a time)."""

    pasted = Signal()

    def __init__(self, field: QLineEdit) -> None:
        super().__init__(field)
        self._before = field.text()
        field.textChanged.connect(self._changed)

    def _changed(self, text: str) -> None:
        before, self._before = self._before, text
        if len(inserted(before, text)) > 1:
            self.pasted.emit()


def on_paste(field: QLineEdit, then: Callable[[], None]) -> None:
    """Call `then` after each paste into `field` (not after a keystroke)."""
    watch = field.findChild(_PasteWatch)
    if watch is None:
        watch = _PasteWatch(field)
    watch.pasted.connect(then)


def complete(api_id: QLineEdit, api_key: QLineEdit) -> None:
    """Connect with "ID:key" typed by hand in the first field and the second empty: split it now."""
    pair = parse_pasted_keys(api_id.text()) if not api_key.text().strip() else None
    if pair is not None:
        api_id.setText(pair[0])
        api_key.setText(pair[1])


def key_fields(parent: QWidget) -> tuple[QLineEdit, QLineEdit]:
    tr = QCoreApplication.translate
    api_id = QLineEdit(parent)
    api_id.setAccessibleName(tr("Keys", "API ID"))
    api_id.setPlaceholderText(tr("Keys", "API ID (or paste ID:key)"))
    api_key = QLineEdit(parent)
    api_key.setAccessibleName(tr("Keys", "API key"))
    api_key.setEchoMode(QLineEdit.EchoMode.Password)
    api_key.setPlaceholderText(tr("Keys", "API key"))

    def split_pasted() -> None:
        pair = parse_pasted_keys(api_id.text())
        if pair is not None:
            api_id.setText(pair[0])  # one value now: pasted-and-split does not split again
            api_key.setText(pair[1])

    on_paste(api_id, split_pasted)
    return api_id, api_key
