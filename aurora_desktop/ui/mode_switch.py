"""Demo or my account: a visible switch at the top of the window, usable at any time.

Two buttons side by side, one of them down. Wrong or revoked keys never trap
anyone: "Demo" always works, and "My account" without working keys shows
where to enter them.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget


class ModeSwitch(QWidget):
    demoChosen = Signal()
    accountChosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mode-switch")
        self.setAccessibleName(self.tr("Demo or my account"))
        self.demo = QToolButton(self)
        self.demo.setText(self.tr("Demo"))
        self.demo.setToolTip(self.tr("Make videos with a stand-in on this computer; nothing is spent."))
        self.account = QToolButton(self)
        self.account.setText(self.tr("My account"))
        self.account.setToolTip(self.tr("Make real videos with your Creatify account; credits are spent."))
        group = QButtonGroup(self)
        group.setExclusive(True)
        for button in (self.demo, self.account):
            button.setCheckable(True)
            button.setAutoRaise(False)
            group.addButton(button)
        self.demo.clicked.connect(self.demoChosen.emit)
        self.account.clicked.connect(self.accountChosen.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(0)
        layout.addWidget(QLabel(self.tr("Mode:") + " ", self))
        layout.addWidget(self.demo)
        layout.addWidget(self.account)

    def show_mode(self, *, demo: bool) -> None:
        (self.demo if demo else self.account).setChecked(True)
