"""The app's SVG icons (resources/icons), coloured for the current theme and crisp on high-DPI.

The SVGs draw with `currentColor`; here it becomes one of the theme's colours
(by name: "text", "muted", "accent_text", ...). An icon is drawn when it is
painted, in the theme's colour of that moment and at the screen's pixel ratio,
so a live switch between light and dark recolours every icon at its next paint
(the switch repaints the whole window) without any widget setting it again.
Disabled icons take the theme's "muted" colour, as disabled text does.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel

from aurora_desktop import paths
from aurora_desktop.ui import theme


@cache
def _svg(name: str) -> str:
    return paths.resource("icons", f"{name}.svg").read_text(encoding="utf-8")


@cache
def _renderer(name: str, colour: str) -> QSvgRenderer:
    return QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour).encode()))


@cache
def _render(name: str, colour: str, width: int, height: int, ratio: float) -> QPixmap:
    """Rendered once per colour, size and ratio: slots that swap icons (the player's button, on
    every state change, even from inside QMediaPlayer.stop()) never parse or draw an SVG."""
    pixmap = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _renderer(name, colour).render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _colour(role: str) -> str:
    value = getattr(theme.current(), role)
    return value if isinstance(value, str) else value[0]


def pixmap(name: str, size: int = 24, role: str = "text", ratio: float = 2.0) -> QPixmap:
    """A picture in today's colours. A label that shows one and should follow the theme: `show`."""
    return _render(name, _colour(role), size, size, ratio)


class _ThemedIcon(QIconEngine):
    """Draws the SVG in the theme's colour of the moment of painting."""

    def __init__(self, name: str, role: str) -> None:
        super().__init__()
        self._name = name
        self._role = role

    def _pixmap(self, size: QSize, mode: QIcon.Mode, ratio: float) -> QPixmap:
        role = "muted" if mode is QIcon.Mode.Disabled else self._role
        return _render(self._name, _colour(role), size.width(), size.height(), ratio)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self._pixmap(size, mode, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        # Qt hands over the size in device-independent pixels and the screen's ratio apart.
        return self._pixmap(size, mode, max(1.0, scale))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        painter.drawPixmap(rect, self._pixmap(rect.size(), mode, ratio))

    def availableSizes(self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off) -> list[QSize]:
        return [QSize(size, size) for size in (16, 24, 32)]

    def clone(self) -> QIconEngine:
        twin = _ThemedIcon(self._name, self._role)
        _CLONES.append(twin)  # C++ owns the clone; this keeps its Python half alive with it
        return twin

    def key(self) -> str:
        return "aurora-themed-svg"


_CLONES: list[_ThemedIcon] = []


@cache
def icon(name: str, role: str = "text") -> QIcon:
    """One QIcon per name and role, recoloured by every theme switch at its next paint."""
    return QIcon(_ThemedIcon(name, role))


class _Follow(QObject):
    def __init__(self, label: QLabel, name: str, size: int, role: str) -> None:
        super().__init__(label)
        self._args = (name, size, role)
        label.installEventFilter(self)
        self.draw(label)

    def draw(self, label: QLabel) -> None:
        name, size, role = self._args
        label.setPixmap(pixmap(name, size, role, max(2.0, label.devicePixelRatioF())))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and isinstance(watched, QLabel):
            self.draw(watched)
        return False


def show(label: QLabel, name: str, size: int = 24, role: str = "text") -> None:
    """Show an icon as the label's picture, redrawn in the new colours when the theme changes."""
    existing = label.findChild(_Follow)
    if existing is not None:
        existing.deleteLater()
    _Follow(label, name, size, role)
