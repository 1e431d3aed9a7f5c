"""First run: connect an account, or try the demo."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from aurora_desktop import APP_NAME


class WelcomeView(QWidget):
    connectRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(f"<h1>{self.tr('Welcome to {app}').format(app=APP_NAME)}</h1>", self)
        intro = QLabel(
            self.tr(
                "Turn a photo and a voice into a talking video. Drop in a portrait and a voice clip, "
                "see the price, and press Generate."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        columns = QHBoxLayout()
        columns.addLayout(
            self._path(
                self.tr("Connect my Creatify account"),
                self.connectRequested,
                self.tr(
                    "You need your API ID and API key from the API Dashboard of your Creatify "
                    "account (<a href='https://app.creatify.ai'>app.creatify.ai</a>)."
                ),
            )
        )
        columns.addLayout(
            self._path(
                self.tr("Try the demo"),
                self.demoRequested,
                self.tr(
                    "A local stand-in makes simple videos from a sample portrait and voice. "
                    "Nothing is uploaded and nothing is spent."
                ),
            )
        )
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(intro)
        layout.addSpacing(24)
        layout.addLayout(columns)
        layout.addStretch(2)
        layout.setContentsMargins(80, 40, 80, 40)

    def _path(self, label: str, chosen: SignalInstance, explanation: str) -> QVBoxLayout:
        """One way in: a big button and what it means, top-aligned in its column."""
        button = QPushButton(label, self)
        button.setMinimumHeight(48)
        button.clicked.connect(chosen.emit)
        text = QLabel(explanation, self)
        text.setWordWrap(True)
        text.setOpenExternalLinks(True)
        column = QVBoxLayout()
        column.addWidget(button)
        column.addWidget(text)
        column.addStretch(1)
        return column
