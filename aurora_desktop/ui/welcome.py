"""First run: connect an account, or try the demo."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from aurora_desktop import APP_NAME


class WelcomeView(QWidget):
    connectRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(f"<h1>{self.tr('Welcome to {app}').format(app=APP_NAME)}</h1>", self)
        intro = QLabel(self.tr("Turn a photo and a voice into a talking video. Drop in a portrait and a voice clip, "
                               "see the price, and press Generate."), self)
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        connect = QPushButton(self.tr("Connect my Creatify account"), self)
        connect.setMinimumHeight(48)
        connect.clicked.connect(self.connectRequested.emit)
        connect_help = QLabel(self.tr("You need your API ID and API key from the API Dashboard of your Creatify "
                                      "account (<a href='https://app.creatify.ai'>app.creatify.ai</a>)."), self)
        connect_help.setWordWrap(True)
        connect_help.setOpenExternalLinks(True)
        demo = QPushButton(self.tr("Try the demo"), self)
        demo.setMinimumHeight(48)
        demo.clicked.connect(self.demoRequested.emit)
        demo_help = QLabel(self.tr("A local stand-in makes simple videos from a sample portrait and voice. "
                                   "Nothing is uploaded and nothing is spent."), self)
        demo_help.setWordWrap(True)
        columns = QHBoxLayout()
        for button, text in ((connect, connect_help), (demo, demo_help)):
            col = QVBoxLayout()
            col.addWidget(button)
            col.addWidget(text)
            col.addStretch(1)
            columns.addLayout(col)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(intro)
        layout.addSpacing(24)
        layout.addLayout(columns)
        layout.addStretch(2)
        layout.setContentsMargins(80, 40, 80, 40)
