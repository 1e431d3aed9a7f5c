"""Light and dark, following the system unless the user chose one (Settings → Videos).

The look lives in resources/theme/app.qss; this module holds the two sets of
colours, fills the sheet with them, sets a matching palette on the Fusion style
(so every widget the sheet does not name still fits), and, while "follow the
system" is chosen, switches when the system's colour scheme does.

Status colours come from the Okabe-Ito palette, which stays distinguishable
for the common kinds of colour blindness; every status also has a word.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from string import Template

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from aurora_desktop import paths

CHOICES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    window: str
    surface: str  # panels, cards, fields
    surface_alt: str  # pressed, disabled, grooves
    text: str
    muted: str
    border: str
    accent: str
    accent_hover: str
    accent_text: str
    accent_soft: str  # a drop zone under a drag, the sharing choice
    focus: str
    focus_ring: str  # around the primary button
    danger: str
    danger_bg: str
    warn_bg: str
    warn_text: str
    # Library status chips (background, text)
    ready: tuple[str, str] = ("#009E73", "#ffffff")
    working: tuple[str, str] = ("#0072B2", "#ffffff")
    attention: tuple[str, str] = ("#E69F00", "#1a1a1a")
    failed: tuple[str, str] = ("#D55E00", "#ffffff")
    idle: tuple[str, str] = ("#6b7280", "#ffffff")


LIGHT = Theme(
    name="light",
    window="#f4f5f8",
    surface="#ffffff",
    surface_alt="#e8eaf0",
    text="#1d2330",
    muted="#5d6778",
    border="#cfd5df",
    accent="#5a4bd6",
    accent_hover="#4a3bc2",
    accent_text="#ffffff",
    accent_soft="#eeebfd",
    focus="#5a4bd6",
    focus_ring="#1d2330",
    danger="#b42318",
    danger_bg="#fdecea",
    warn_bg="#fff4d6",
    warn_text="#5c4400",
)
DARK = Theme(
    name="dark",
    window="#15171c",
    surface="#1e2128",
    surface_alt="#2a2e38",
    text="#e7e9ee",
    muted="#9ba3b1",
    border="#3a3f4b",
    accent="#6f60ee",
    accent_hover="#8173f2",
    accent_text="#ffffff",
    accent_soft="#2a2650",
    focus="#a89ffa",
    focus_ring="#ffffff",
    danger="#ff8e84",
    danger_bg="#3d1f1d",
    warn_bg="#3a3120",
    warn_text="#ffdc8f",
)
THEMES = {"light": LIGHT, "dark": DARK}
_current: list[Theme] = [LIGHT]


def current() -> Theme:
    return _current[0]


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> Theme:
    if choice in THEMES:
        return THEMES[choice]
    return DARK if system_prefers_dark() else LIGHT


def _drawn(icon: str, colour: str) -> str:
    """The path of an icon (resources/icons) in one colour, for the sheet's `image: url(...)`:
    Qt reads only files there, so the coloured copy is written once to the cache folder."""
    target = paths.cache_dir() / "theme" / f"{icon}-{colour.lstrip('#')}.svg"
    source = paths.resource("icons", f"{icon}.svg")
    if not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_text(source.read_text(encoding="utf-8").replace("currentColor", colour), encoding="utf-8")
            partial.replace(target)
        except OSError:
            return source.as_posix()  # a cache that cannot be written: the arrow in black, still there
    return target.as_posix()


def stylesheet(theme: Theme) -> str:
    template = Template(paths.resource("theme", "app.qss").read_text(encoding="utf-8"))
    values = {k: v for k, v in asdict(theme).items() if isinstance(v, str)}
    for direction in ("up", "down"):  # the arrows of combo and spin boxes, drawn by the sheet
        values[f"arrow_{direction}"] = _drawn(f"chevron-{direction}", theme.muted)
        values[f"arrow_{direction}_hover"] = _drawn(f"chevron-{direction}", theme.text)
        values[f"arrow_{direction}_off"] = _drawn(f"chevron-{direction}", theme.border)
    values["check"] = _drawn("check", theme.accent_text)  # on a ticked box's accent
    # Message boxes' signs, in the theme's colours instead of Qt's stock pictures.
    values["box_question"] = _drawn("box-question", theme.accent)
    values["box_information"] = _drawn("box-information", theme.accent)
    values["box_warning"] = _drawn("box-warning", theme.attention[0])
    values["box_critical"] = _drawn("box-critical", theme.failed[0])
    return template.substitute(values)


def palette(theme: Theme) -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.surface,
        QPalette.ColorRole.AlternateBase: theme.surface_alt,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.surface,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: theme.accent_text,
        QPalette.ColorRole.ToolTipBase: theme.surface,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Link: theme.accent if theme.name == "light" else theme.focus,
        QPalette.ColorRole.Mid: theme.surface_alt,
        QPalette.ColorRole.Light: theme.surface,
        QPalette.ColorRole.Dark: theme.border,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    return pal


def apply(app: QApplication, choice: str = "system") -> Theme:
    """Fusion + the theme's palette + the sheet. Returns the theme now in use."""
    theme = resolve(choice)
    _current[0] = theme
    app.setStyle("Fusion")  # the same shapes on every OS; the sheet and palette do the rest
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme))
    return theme


def set_state(widget: QWidget, name: str, value: object) -> None:
    """Set a property the sheet styles by ([problem="true"]) and have the sheet look again."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def contrast(first: str | QColor, second: str | QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21; body text needs at least 4.5)."""

    def luminance(colour: str | QColor) -> float:
        rgb = QColor(colour)
        parts = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (rgb.redF(), rgb.greenF(), rgb.blueF())
        ]
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]

    darker, lighter = sorted((luminance(first), luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


class _Relink(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and isinstance(watched, QLabel):
            text = watched.text()
            watched.setText("")  # the same text is not read again
            watched.setText(text)
        return False


def keep_links_readable(label: QLabel) -> None:
    """Qt colours a rich-text link once, when the label reads its text: after a live switch a
    light theme's link would stay on a dark page (2.6:1). The label reads it again on a switch."""
    if label.findChild(_Relink) is None:
        label.installEventFilter(_Relink(label))


class ThemeFollower(QObject):
    """Keeps the app's theme in step with the user's choice and, for "system", with the OS."""

    def __init__(self, app: QApplication, choice: str = "system") -> None:
        super().__init__(app)
        self.app = app
        self.choice = choice
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        apply(app, choice)

    def set_choice(self, choice: str) -> None:
        self.choice = choice if choice in CHOICES else "system"
        apply(self.app, self.choice)

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            apply(self.app, "system")
