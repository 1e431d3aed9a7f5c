"""One non-blocking way to ask the user something (qutebrowser's ``message.confirm_async`` is the model).

``ask()`` shows a window-modal QMessageBox with ``open()`` (never ``exec()``: no nested event loop
while jobs run), calls back with the answer the user chose, and deletes the box when it closes.
The box is a child of ``parent``, which keeps it alive while it is shown: no attribute holds it.
Closing it, or Escape, answers ``cancel``. A box built elsewhere (e.g. ``ui/sharing.consent_box``)
is asked with ``ask_with()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

T = TypeVar("T")

Role = QMessageBox.ButtonRole
Icon = QMessageBox.Icon


@dataclass(frozen=True)
class Answer(Generic[T]):
    """One button: its label (or a standard button such as Cancel), its role, the answer it gives."""

    label: str | QMessageBox.StandardButton
    value: T
    role: QMessageBox.ButtonRole = QMessageBox.ButtonRole.AcceptRole


def ask(
    parent: QWidget,
    title: str,
    text: str,
    answers: Sequence[Answer[T]],
    on_answer: Callable[[T], None],
    *,
    cancel: T,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
    detail: str = "",
    object_name: str = "",
) -> QMessageBox:
    """Show the question and return at once; ``on_answer`` gets the chosen answer, exactly once."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    if object_name:
        box.setObjectName(object_name)
    if detail:
        box.setDetailedText(detail)
    values: dict[QAbstractButton, T] = {}
    for answer in answers:
        if isinstance(answer.label, QMessageBox.StandardButton):
            button: QAbstractButton = box.addButton(answer.label)
        else:
            button = box.addButton(answer.label, answer.role)
        values[button] = answer.value
    return ask_with(box, values, on_answer, cancel=cancel)


def ask_with(
    box: QMessageBox, values: Mapping[QAbstractButton, T], on_answer: Callable[[T], None], *, cancel: T
) -> QMessageBox:
    """Open a box made by the caller: a button in ``values`` answers its value, anything else ``cancel``."""
    answered = False

    def finished(_result: int) -> None:
        nonlocal answered
        if answered:
            return
        answered = True
        button = box.clickedButton()
        on_answer(values.get(button, cancel) if button is not None else cancel)

    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(finished)
    box.open()  # window-modal, returns at once
    return box
