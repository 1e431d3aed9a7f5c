"""Finding the window's questions the way a user sees them: shown, by what they say.

The window keeps no attribute for a question it asks (ui/ask.py parents the box to the window
and deletes it when closed), so the tests look among the window's children.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

D = TypeVar("D", bound=QDialog)


def shown_box(parent: QWidget, containing: str = "") -> QMessageBox | None:
    """The visible message box whose text contains ``containing``, if one is shown."""
    shown = [b for b in parent.findChildren(QMessageBox) if b.isVisible() and containing in b.text()]
    return shown[-1] if shown else None


def shown_dialog(parent: QWidget, kind: type[D]) -> D | None:
    """The visible dialog of this kind, if one is shown."""
    shown = [d for d in parent.findChildren(kind) if d.isVisible()]
    return shown[-1] if shown else None
