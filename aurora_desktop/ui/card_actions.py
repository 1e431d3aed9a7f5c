"""The buttons on a library card: play, show in folder, save a copy, what its error's rule offers
("Use my own storage", …) and "…" (the card's menu, the same as a right-click).

Newcomers do not look for right-click menus: the buttons sit on the card under the pointer and
on the selected card (two of these bars), as real buttons, so Tab reaches them and a screen reader
names them ("Play “Shop intro”"). The list paints the cards (library_view.JobDelegate); a bar is a
small widget laid over the card it serves, moved when the list scrolls, changes or resizes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QPersistentModelIndex, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QMenu, QToolButton, QWidget

from aurora_desktop.jobs.model import LocalJob
from aurora_desktop.jobs.vocabulary import LibraryAction
from aurora_desktop.ui import icons, theme
from aurora_desktop.ui.i18n import QT_TRANSLATE_NOOP
from aurora_desktop.ui.job_model import JobRole

# The icon buttons a card may show, in this order, when the job allows the action.
ICON_ACTIONS = (
    (LibraryAction.PLAY, "play", QT_TRANSLATE_NOOP("CardActions", "Play “{name}”")),
    (LibraryAction.FOLDER, "folder", QT_TRANSLATE_NOOP("CardActions", "Show “{name}” in its folder")),
    (LibraryAction.SAVE_AS, "save", QT_TRANSLATE_NOOP("CardActions", "Save a copy of “{name}”")),
)
MORE = QT_TRANSLATE_NOOP("CardActions", "More for “{name}”")
TOP = 29  # below the status chip, over the end of the detail line: the message line below stays clear
BUTTON = 22


class CardActions(QWidget):
    """One bar of buttons, laid over one card of `view`. `actions(job)` and `remedies(job)` say
    what the card offers (LibraryPanel.actions_for / remedies_for); `run(action, job)` does it;
    `menu(job)` is the card's menu for "…"."""

    def __init__(
        self,
        view: QAbstractItemView,
        actions: Callable[[LocalJob], list[tuple[LibraryAction, str]]],
        remedies: Callable[[LocalJob], list[tuple[LibraryAction, str]]],
        run: Callable[[LibraryAction, LocalJob], None],
        menu: Callable[[LocalJob], QMenu],
    ) -> None:
        super().__init__(view.viewport())
        self.view = view
        self._actions, self._remedies, self._run, self._menu = actions, remedies, run, menu
        self.index = QPersistentModelIndex()
        self._colour = ""
        self._refreshing = False
        self.setObjectName("card-actions")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the card's colour under the buttons
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(4, 0, 0, 0)
        self._row.setSpacing(2)
        self.buttons: dict[LibraryAction, QToolButton] = {}
        self.more = self._button(None, "more")
        self.hide()

    def _button(self, action: LibraryAction | None, icon: str | None) -> QToolButton:
        button = QToolButton(self)
        button.setAutoRaise(icon is not None)  # a remedy's words keep a frame: plainly a button
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        if icon is not None:
            button.setIcon(icons.icon(icon))
            button.setFixedSize(BUTTON, BUTTON)
        else:
            button.setFixedHeight(BUTTON)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        if action is None:
            button.clicked.connect(self._open_menu)
        else:
            button.clicked.connect(lambda _=False, a=action: self._do(a))
            self.buttons[action] = button
        self._row.addWidget(button)
        return button

    def job(self) -> LocalJob | None:
        return self.index.data(JobRole) if self.index.isValid() else None

    def _do(self, action: LibraryAction) -> None:
        if (job := self.job()) is not None:
            self._run(action, job)

    def _open_menu(self) -> None:
        if (job := self.job()) is not None:
            self._menu(job).popup(self.more.mapToGlobal(QPoint(0, self.more.height())))

    def show_on(self, index: QModelIndex | QPersistentModelIndex | None) -> None:
        """Over this card (None or an invalid index: nowhere)."""
        self.index = QPersistentModelIndex(index) if index is not None and index.isValid() else QPersistentModelIndex()
        self.refresh()

    def refresh(self) -> None:
        """What the card offers now, where the card is now."""
        job = self.job()
        if job is None:
            self.hide()
            return
        translate = QCoreApplication.translate
        allowed = {key for key, _ in self._actions(job)}
        for action, icon, text in ICON_ACTIONS:
            button = self.buttons.get(action) or self._button(action, icon)
            button.setIcon(icons.icon(icon))  # in the theme's colours now (cached per colour: cheap)
            self._name(button, translate("CardActions", text).format(name=job.name))
            button.setVisible(action in allowed)
        for action, label in self._remedies(job):
            button = self.buttons.get(action) or self._button(action, None)
            button.setText(label)
            self._name(button, f"{label}: “{job.name}”")
        remedies = {key for key, _ in self._remedies(job)}
        for action, button in self.buttons.items():
            if action not in {a for a, _, _ in ICON_ACTIONS}:
                button.setVisible(action in remedies)
        self._row.removeWidget(self.more)
        self._row.addWidget(self.more)  # "…" last
        self.more.setIcon(icons.icon("more"))
        self._name(self.more, translate("CardActions", MORE).format(name=job.name))
        self._place()

    def changeEvent(self, event: QEvent) -> None:
        """A live theme switch: the icons and the card's colour follow at once."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._refreshing:
            self._refreshing = True
            try:
                self.refresh()
            finally:
                self._refreshing = False

    @staticmethod
    def _name(button: QToolButton, text: str) -> None:
        button.setAccessibleName(text)
        button.setToolTip(text)

    def _place(self) -> None:
        index = self.view.model().index(self.index.row(), 0)
        card = self.view.visualRect(index)
        if not card.isValid() or not card.intersects(self.view.viewport().rect()):
            self.hide()
            return
        selected = self.view.selectionModel().isSelected(index)
        look = theme.current()
        colour = look.accent_soft if selected else look.surface
        if colour != self._colour:  # a style sheet re-polishes: only when the colour changes
            self._colour = colour
            self.setStyleSheet(f"#card-actions {{ background: {colour}; }}")
        self.adjustSize()
        width = min(self.sizeHint().width(), card.width() - 90)  # never over the thumbnail
        self.setGeometry(card.right() - 12 - width, card.top() + TOP, width, BUTTON)
        self.show()
        self.raise_()
