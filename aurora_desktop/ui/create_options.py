"""The create panel's smaller parts: the model, the advanced prompt options, "Undo clear"."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from aurora_desktop.api.catalog import CATALOG, DEFAULT_MODEL, ModelSpec, get_model
from aurora_desktop.api.models import GUIDANCE_MAX, GUIDANCE_MIN
from aurora_desktop.formatting import credits_text, plain_length


class ModelBox(QComboBox):
    """Every model of the catalog, each said with its output, price and longest clip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The choices are long sentences: the closed box shows what fits (the list shows all),
        # so it never sets the window's minimum width.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self.view().setMinimumWidth(460)
        self.setAccessibleName(self.tr("Model"))
        for spec in CATALOG:
            note = "" if spec.documented else self.tr(" (newer model)")
            price = (
                self.tr("1 credit per second")
                if spec.credits_per_second == 1
                else self.tr("{price} credits per second").format(price=credits_text(spec.credits_per_second))
            )
            self.addItem(
                self.tr("{label} — {output}, {price}, clips up to {limit}{note}").format(
                    label=spec.label,
                    output=spec.output,
                    price=price,
                    limit=plain_length(spec.max_audio_seconds),
                    note=note,
                ),
                spec.key,
            )

    @property
    def spec(self) -> ModelSpec:
        """The chosen model (QComboBox.model() is the list's item model)."""
        return get_model(self.currentData() or DEFAULT_MODEL)

    def set_model(self, key: str) -> None:
        index = self.findData(get_model(key).key)
        if index >= 0:
            self.setCurrentIndex(index)


class AdvancedOptions(QWidget):
    """The text prompt and how strictly it is followed, shown under a disclosure arrow (`toggle`).

    A disclosure arrow rather than a checkable group box: closed, it takes one line and draws
    no empty frame; open, prompt and guidance are sent. The arrow is a widget of `parent`, for
    the panel to place above these options."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.prompt = QPlainTextEdit(self)
        self.prompt.setAccessibleName(self.tr("Text prompt"))
        self.prompt.setPlaceholderText(
            self.tr("Optional: style, camera, lighting or motion (e.g. “warm light, slight smile”)")
        )
        self.prompt.setMaximumHeight(70)
        self.guidance = QDoubleSpinBox(self)
        self.guidance.setAccessibleName(self.tr("Prompt guidance"))
        self.guidance.setRange(GUIDANCE_MIN, GUIDANCE_MAX)
        self.guidance.setSingleStep(0.5)
        self.guidance.setValue(1.0)
        self.toggle = QToolButton(parent)
        self.toggle.setText(self.tr("Advanced"))
        self.toggle.setAccessibleName(self.tr("Show advanced options"))
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Prompt"), self.prompt)
        self.guidance.setToolTip(
            self.tr(
                "How strictly the video follows your prompt: {low:g} loosely, {high:g} strictly. "
                "1 is Creatify's usual setting."
            ).format(low=GUIDANCE_MIN, high=GUIDANCE_MAX)
        )
        form.addRow(self.tr("Follow the prompt"), self.guidance)
        hint = QLabel(self.tr("{low:g} = loosely … {high:g} = strictly").format(low=GUIDANCE_MIN, high=GUIDANCE_MAX))
        hint.setObjectName("muted")
        form.addRow("", hint)
        self.setVisible(False)
        self.toggle.toggled.connect(self._shown)

    def _shown(self, shown: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.setVisible(shown)

    def values(self) -> tuple[str | None, float | None]:
        """What is sent: the prompt and the guidance, both None while the options are closed
        (an empty prompt is None too)."""
        if not self.toggle.isChecked():
            return None, None
        return self.prompt.toPlainText().strip() or None, self.guidance.value()

    def fill(self, prompt: str | None, guidance: float | None) -> None:
        """The options of an earlier video: opened when it had any."""
        self.prompt.setPlainText(prompt or "")
        if prompt or guidance is not None:
            self.toggle.setChecked(True)
        if guidance is not None:
            self.guidance.setValue(guidance)


# What Esc cleared: image, audio, model key, name, prompt, guidance (CreatePanel.fill's arguments).
Cleared = tuple[str, str, str, str, str | None, float | None]


class UndoClear(QPushButton):
    """ "Undo clear": shown for a few seconds after Esc cleared the form; a click gives back what was cleared."""

    undone = Signal(object)  # the Cleared given to offer()

    def __init__(self, parent: QWidget | None = None, seconds: float = 10) -> None:
        super().__init__(parent)
        self.setText(self.tr("Undo clear"))
        self.setVisible(False)
        self.clicked.connect(self._undo)
        self._cleared: Cleared | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(seconds * 1000))
        self._timer.timeout.connect(lambda: self.setVisible(False))

    def offer(self, cleared: Cleared) -> None:
        self._cleared = cleared
        self.setVisible(True)
        self._timer.start()

    def _undo(self) -> None:
        self._timer.stop()
        self.setVisible(False)
        if self._cleared is not None:
            cleared, self._cleared = self._cleared, None
            self.undone.emit(cleared)
