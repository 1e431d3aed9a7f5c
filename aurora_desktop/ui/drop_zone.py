"""One input of the create panel: a zone to drop a file on, click to browse, or paste a link in.

Also what a dropped file or link is (`kind_of`, `source_of`) and the thumbnail readers the
panel uses for the portrait.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QImage,
    QImageReader,
    QKeyEvent,
    QMouseEvent,
    QPixmap,
)
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from aurora_desktop.jobs.model import InputKind, is_link
from aurora_desktop.jobs.share_links import direct_link, image_link_copy
from aurora_desktop.ui import icons, theme

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".heic", ".heif", ".gif", ".bmp", ".tif", ".tiff"}
# Every format the app takes or converts (WhatsApp's .opus, iPhone's .m4a, a video's sound):
# the file chooser lists exactly these, so nothing that works is hidden.
AUDIO_SUFFIXES = {".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".mp4", ".mov", ".webm", ".wma"}
IMAGE_FILTER = f"Photos ({' '.join('*' + s for s in sorted(IMAGE_SUFFIXES))});;All files (*)"
AUDIO_FILTER = f"Voice and music ({' '.join('*' + s for s in sorted(AUDIO_SUFFIXES))});;All files (*)"


def kind_of(url: QUrl) -> InputKind | None:
    """Which input a dropped local file or link is, by its suffix."""
    path = url.toLocalFile() if url.isLocalFile() else url.path()
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return InputKind.IMAGE
    if suffix in AUDIO_SUFFIXES:
        return InputKind.AUDIO
    return None


def source_of(url: QUrl) -> str:
    return url.toLocalFile() if url.isLocalFile() else url.toString()


def read_thumbnail(path: str, size: QSize, box: int = 220) -> QImage:
    """Decode at thumbnail size (safe on a worker thread: QImage, not QPixmap)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    reader.setScaledSize(size.scaled(box, box, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def read_converted_thumbnail(path: str, background: str, box: int = 220) -> QImage:
    """The thumbnail of a photo that is converted before sending, made by the same conversion
    (media/photo.py), so the preview is exactly what is sent."""
    from aurora_desktop.media import photo

    picture = photo.preview(Path(path).read_bytes(), box, background)
    data = picture.tobytes()
    return QImage(data, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888).copy()


async def portrait_thumbnail(source: str, size: QSize, *, converted: bool, background: str, work_dir: Path) -> QImage:
    """The portrait's thumbnail, decoded off the Qt thread (the caller makes the pixmap): a link's
    from the copy fetched when it was checked, a photo converted before sending as it will be sent."""
    if is_link(source):
        return await asyncio.to_thread(read_thumbnail, str(image_link_copy(source, work_dir)), size)
    if converted:
        return await asyncio.to_thread(read_converted_thumbnail, source, background)
    return await asyncio.to_thread(read_thumbnail, source, size)


class DropZone(QFrame):
    """One input: drop, click to browse, or paste a link."""

    chosen = Signal(str)  # a local path or a link

    def __init__(self, kind: InputKind, title: str, file_filter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.file_filter = file_filter
        self.setAcceptDrops(True)
        self.setObjectName("dropzone")  # the sheet draws it: a dashed outline, lit under a drag
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(title)
        self.title = QLabel(title, self)
        self.title.setObjectName("dropzone-title")
        self.icon = QLabel(self)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        icons.show(self.icon, "photo" if kind is InputKind.IMAGE else "voice", 40, "muted")
        self.hint = QLabel(self.tr("Drop a file here, click to choose one, or paste a link below."), self)
        self.hint.setObjectName("dropzone-hint")
        self.hint.setWordWrap(True)
        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.facts = QLabel(self)
        self.facts.setWordWrap(True)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setProperty("problem", True)
        self.warning.setAccessibleName(self.tr("{title} problem").format(title=title))
        self.link = QLineEdit(self)
        self.link.setPlaceholderText(self.tr("…or paste a link (https://…)"))
        self.link.setAccessibleName(self.tr("{title} link").format(title=title))
        # Enter, Tab or a click elsewhere takes the link, once (editingFinished fires on any of them).
        self.link.editingFinished.connect(self._take_link)
        browse = QPushButton(self.tr("Choose file…"), self)
        browse.setAccessibleName(self.tr("Choose {kind} file").format(kind=kind))
        browse.clicked.connect(self.browse)
        self.extra = QVBoxLayout()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)  # the title stays at the top, the link row at the bottom,
        layout.addStretch(1)  # and what the zone shows sits in the middle
        layout.addWidget(self.icon)
        layout.addWidget(self.hint)
        layout.addWidget(self.preview)
        layout.addLayout(self.extra)
        layout.addWidget(self.facts)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.link, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self._dialog: QFileDialog | None = None
        self._taken_link = ""
        self.note = ""  # about the link that will be sent, shown above the facts

    @property
    def dialog(self) -> QFileDialog | None:
        """The file chooser last opened by Choose file… (None before)."""
        return self._dialog

    @property
    def taken_link(self) -> str:
        """The link last taken from the link field ("" when none)."""
        return self._taken_link

    def sendable(self, source: str) -> str:
        """What will be sent for `source`: a share link (Dropbox, Drive, OneDrive, Box) becomes the
        link that gives the file, and the zone shows which link will be sent (as already taken:
        leaving the field does not choose it again)."""
        self.note = ""
        link = direct_link(source) if is_link(source) else None
        if link is None or not link.changed:
            return source
        shown = link.direct if len(link.direct) <= 56 else f"{link.direct[:38]}…{link.direct[-14:]}"
        self.note = self.tr("{service} link: the app sends the file itself, {link}").format(
            service=link.service, link=shown
        )
        self.link.setText(link.direct)
        self._taken_link = link.direct
        return link.direct

    def clear_link(self) -> None:
        """Empty the link field; the same link pasted again is taken afresh."""
        self.link.clear()
        self._taken_link = ""

    def browse(self) -> None:
        # open() + a signal, never exec(): a nested modal loop inside qasync deadlocks.
        self._dialog = QFileDialog(self, self.tr("Choose a file"), "", self.file_filter)
        self._dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self._dialog.fileSelected.connect(self.chosen.emit)
        self._dialog.open()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.browse()

    def _take_link(self) -> None:
        text = self.link.text().strip()
        if text and text != self._taken_link:
            self._taken_link = text
            url = QUrl(text)
            if url.isLocalFile():
                # A file:// link copied from a file manager (percent-encoded) is that file: chosen
                # as if browsed, and the field, which holds links, is emptied.
                self.link.clear()
                self._taken_link = ""
                self.chosen.emit(url.toLocalFile())
                return
            self.chosen.emit(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Only keys pressed on the zone itself browse; Enter in the link field is the field's.
        if self.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.browse()
        else:
            super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()
            theme.set_state(self, "dragover", True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        theme.set_state(self, "dragover", False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        theme.set_state(self, "dragover", False)
        mime = event.mimeData()
        if mime.hasUrls():
            self.chosen.emit(source_of(mime.urls()[0]))
        elif mime.hasText():
            self.chosen.emit(mime.text().strip())
        event.acceptProposedAction()

    def show_state(self, facts: str = "", warning: str = "", pixmap: QPixmap | None = None) -> None:
        self.facts.setText("\n".join(t for t in (self.note, facts) if t) if facts or warning else "")
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.preview.setPixmap(pixmap or QPixmap())
        self.preview.setVisible(pixmap is not None)
        self.hint.setVisible(not facts and not warning)
        self.icon.setVisible(not facts and not warning and pixmap is None)

    def show_thumbnail(self, pixmap: QPixmap) -> None:
        self.preview.setPixmap(pixmap)
        self.preview.setVisible(True)
