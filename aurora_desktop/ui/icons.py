"""The app's SVG icons (resources/icons), coloured for the current theme and crisp on high-DPI.

The SVGs draw with `currentColor`; here it becomes one of the theme's colours
(by name: "text", "muted", "accent_text", ...), and each icon is rendered at
1x and 2x so Qt picks the sharp one for the screen.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from aurora_desktop import paths
from aurora_desktop.ui import theme


@cache
def _svg(name: str) -> str:
    return paths.resource("icons", f"{name}.svg").read_text(encoding="utf-8")


def _renderer(name: str, colour: str) -> QSvgRenderer:
    return QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour).encode()))


def _render(renderer: QSvgRenderer, size: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _colour(role: str) -> str:
    value = getattr(theme.current(), role)
    return value if isinstance(value, str) else value[0]


def pixmap(name: str, size: int = 24, role: str = "text", ratio: float = 2.0) -> QPixmap:
    return _render(_renderer(name, _colour(role)), size, ratio)


def icon(name: str, role: str = "text") -> QIcon:
    """Rendered once per colour: slots that swap icons (the player's button, on every state
    change, even from inside QMediaPlayer.stop()) then only hand over a finished QIcon."""
    return _icon(name, _colour(role))


@cache
def _icon(name: str, colour: str) -> QIcon:
    result = QIcon()
    renderer = _renderer(name, colour)  # parsed once for its six pictures
    for size in (16, 24, 32):
        for ratio in (1.0, 2.0):
            result.addPixmap(_render(renderer, size, ratio))
    return result
