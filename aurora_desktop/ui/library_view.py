"""The library panel: search, status filter, and a list of jobs painted by a delegate."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QImageReader,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from aurora_desktop.formatting import clock_text, megabytes, time_left
from aurora_desktop.jobs.actions import may_cancel, may_remove
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.vocabulary import LibraryAction, Phase, Remedy, rule_for
from aurora_desktop.ui import theme
from aurora_desktop.ui.card_actions import CardActions
from aurora_desktop.ui.job_model import (
    STATUS_FILTERS,
    ElapsedRole,
    EtaRole,
    JobFilterModel,
    JobListModel,
    JobRole,
    PhaseRole,
    detail_text,
    status_text,
    thumbnail_source,
)

# The window's action for each remedy an error's rule offers (jobs/vocabulary.ERROR_RULES).
REMEDY_ACTIONS = {
    Remedy.OWN_STORAGE: LibraryAction.OWN_STORAGE,
    Remedy.PASTE_LINKS: LibraryAction.PASTE_LINKS,
    Remedy.TRY_AGAIN: LibraryAction.RETRY,
}

THUMB = 56
ROW_HEIGHT = 76
CHIP_KIND = {  # which of the theme's (colour-blind safe) status colours a state's chip wears
    State.SAVED: "ready",
    State.FAILED: "failed",
    State.REJECTED: "failed",
    State.NEEDS_ATTENTION: "attention",
    State.VOICE_READY: "attention",  # waits for the user, like a problem, but none
    State.CANCELLED: "idle",
}


def phase_text(phase: tuple[str, float, float] | None, job: LocalJob | None = None) -> tuple[str, float | None]:
    """("Uploading inputs 1.2 MB of 3.4 MB", 0.35) or ("", None). While Creatify has the job
    waiting or queued, the line says what the chip says, not "Generating 0%"."""
    if not phase:
        return "", None
    name, done, total = phase
    translate = QCoreApplication.translate
    if name == Phase.GENERATING:
        if job is not None and job.remote_status in ("pending", "in_queue"):
            return status_text(job), None
        return translate("Library", "Generating {percent}%").format(percent=int(done * 100)), done
    if name == Phase.SPEAKING:
        return translate("Library", "Making the voice"), None
    if name == Phase.HOSTING:
        label = translate("Library", "Uploading inputs")
    else:
        label = translate("Library", "Downloading")
    if total:
        text = translate("Library", "{label} {done} of {total}").format(
            label=label, done=megabytes(done), total=megabytes(total)
        )
        return text, done / total
    return f"{label} {megabytes(done)}", None


class JobDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbs: dict[str, QPixmap] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(320, ROW_HEIGHT)

    def _thumb(self, job: LocalJob) -> QPixmap | None:
        """Decoded once per portrait (many videos share one photo), at thumbnail size. Keyed by
        the source as given, so a repaint (one a second) touches no file."""
        key = job.image.source
        if key not in self._thumbs:
            pixmap = QPixmap()
            if (path := thumbnail_source(job)) is not None:
                reader = QImageReader(str(path))
                reader.setAutoTransform(True)
                size = reader.size()
                if size.isValid():  # decode only what the thumbnail needs
                    reader.setScaledSize(size.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio))
                pixmap = QPixmap.fromImage(reader.read())
            self._thumbs[key] = pixmap
        pixmap = self._thumbs[key]
        return None if pixmap.isNull() else pixmap

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        job: LocalJob = index.data(JobRole)
        painter.save()
        look = theme.current()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = QColor(look.text)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Each video is a card: rounded, on the window's colour; the selected one in the accent.
        card = QRectF(option.rect.adjusted(4, 3, -4, -3))
        painter.setPen(QPen(QColor(look.accent if selected else look.border), 1.5 if selected else 1.0))
        painter.setBrush(QColor(look.accent_soft if selected else look.surface))
        painter.drawRoundedRect(card, 10, 10)
        r = option.rect.adjusted(12, 10, -12, -10)

        thumb_rect = QRect(r.left(), r.top(), THUMB, THUMB)
        pixmap = self._thumb(job)
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(thumb_rect), 6, 6)
        painter.save()
        painter.setClipPath(clip)
        painter.fillRect(thumb_rect, QColor(look.surface_alt))
        if pixmap is not None:
            target = pixmap.rect()
            target.moveCenter(thumb_rect.center())
            painter.drawPixmap(target, pixmap)
        painter.restore()

        x = thumb_rect.right() + 12
        chip = status_text(job)
        font = painter.font()
        chip_w = painter.fontMetrics().horizontalAdvance(chip) + 16
        chip_rect = QRect(r.right() - chip_w, r.top(), chip_w, 20)
        chip_fill, chip_text = getattr(look, CHIP_KIND.get(job.state, "working"))
        painter.setBrush(QColor(chip_fill))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(chip_rect, 10, 10)
        painter.setPen(QColor(chip_text))
        painter.drawText(chip_rect, Qt.AlignmentFlag.AlignCenter, chip)

        painter.setPen(text_colour)
        bold = font
        bold.setBold(True)
        painter.setFont(bold)
        name_rect = QRect(x, r.top(), chip_rect.left() - x - 8, 20)
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(job.name, Qt.TextElideMode.ElideRight, name_rect.width()),
        )
        bold.setBold(False)
        painter.setFont(bold)
        detail_rect = QRect(x, r.top() + 22, r.right() - x, 18)
        detail = painter.fontMetrics().elidedText(detail_text(job), Qt.TextElideMode.ElideRight, detail_rect.width())
        painter.setPen(QColor(look.muted))
        painter.drawText(detail_rect, Qt.AlignmentFlag.AlignLeft, detail)

        text, fraction = phase_text(index.data(PhaseRole), job)
        if job.settled and job.error_message:  # final, or watched with news for the user
            text, fraction = job.error_message, None
        elapsed = index.data(ElapsedRole)
        if elapsed is not None:  # active: how long it has been going (repainted each second)
            clock = self.tr("{time} elapsed").format(time=clock_text(elapsed))
            left = time_left(index.data(EtaRole))  # at Creatify: from its progress and this user's history
            clock = f"{clock} · {self.tr(left)}" if left else clock
            text = f"{text} · {clock}" if text else clock
        if text:
            line = QRect(x, r.top() + 42, r.right() - x, 16)
            if fraction is not None:
                bar = QRect(line.left(), line.top() + 4, min(160, line.width() // 3), 8)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(look.surface_alt))
                painter.drawRoundedRect(bar, 4, 4)
                painter.setBrush(QColor(look.accent))
                painter.drawRoundedRect(
                    QRect(bar.left(), bar.top(), int(bar.width() * min(1.0, fraction)), bar.height()), 4, 4
                )
                line.setLeft(bar.right() + 8)
            painter.setPen(text_colour)
            painter.drawText(
                line,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, line.width()),
            )
        painter.restore()


class JobListView(QListView):
    """The list, with a word of guidance instead of a blank box when it shows nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawText(
                self.viewport().rect().adjusted(24, 24, -24, -24),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )


class LibraryPanel(QWidget):
    """Search + filter + list. Emits what the user asks for; the window does it."""

    playRequested = Signal(object)  # LocalJob
    previewRequested = Signal(object)  # LocalJob | None: the video selected, shown ready to play
    actionRequested = Signal(object, object)  # LibraryAction, LocalJob: ui/library_actions.py does it

    # QT_TRANSLATE_NOOP marks the labels for lupdate; self.tr() translates them when the menu is built.
    ACTIONS = (
        (LibraryAction.PLAY, QT_TRANSLATE_NOOP("LibraryPanel", "Play")),
        (LibraryAction.LISTEN, QT_TRANSLATE_NOOP("LibraryPanel", "Listen to the voice")),
        (LibraryAction.MAKE_VIDEO, QT_TRANSLATE_NOOP("LibraryPanel", "Make the video with this voice")),
        (LibraryAction.OWN_STORAGE, QT_TRANSLATE_NOOP("LibraryPanel", "Use my own storage")),
        (LibraryAction.PASTE_LINKS, QT_TRANSLATE_NOOP("LibraryPanel", "Paste links instead")),
        (LibraryAction.REUSE_VOICE, QT_TRANSLATE_NOOP("LibraryPanel", "Use this voice for another take")),
        (LibraryAction.FOLDER, QT_TRANSLATE_NOOP("LibraryPanel", "Show in folder")),
        (LibraryAction.SAVE_AS, QT_TRANSLATE_NOOP("LibraryPanel", "Save a copy as…")),
        (LibraryAction.COPY_LINK, QT_TRANSLATE_NOOP("LibraryPanel", "Copy the video link")),
        (LibraryAction.RETRY, QT_TRANSLATE_NOOP("LibraryPanel", "Try again")),
        (LibraryAction.AGAIN, QT_TRANSLATE_NOOP("LibraryPanel", "Make again with these inputs")),
        (LibraryAction.CANCEL, QT_TRANSLATE_NOOP("LibraryPanel", "Cancel (nothing was spent)")),
        (LibraryAction.RENAME, QT_TRANSLATE_NOOP("LibraryPanel", "Rename…\tF2")),
        (LibraryAction.DETAILS, QT_TRANSLATE_NOOP("LibraryPanel", "Copy details for support")),
        (LibraryAction.REMOVE, QT_TRANSLATE_NOOP("LibraryPanel", "Remove from library…")),
    )

    def __init__(self, model: JobListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = JobFilterModel(self)
        self.proxy.setSourceModel(model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search by name"))
        self.search.setAccessibleName(self.tr("Search videos by name"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.status = QComboBox(self)
        self.status.setAccessibleName(self.tr("Show videos by status"))
        for label in STATUS_FILTERS:
            self.status.addItem(self.tr(label), label)
        self.status.currentIndexChanged.connect(lambda _: self.proxy.set_status_filter(self.status.currentData()))
        self.search.textChanged.connect(lambda _: self._update_empty_text())
        self.status.currentIndexChanged.connect(lambda _: self._update_empty_text())

        self.view = JobListView(self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(JobDelegate(self.view))
        self.view.setAccessibleName(self.tr("Your videos"))
        self.view.setUniformItemSizes(True)  # fast with thousands of jobs
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        rename = QShortcut(QKeySequence(Qt.Key.Key_F2), self.view, self._rename_selected)
        rename.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.activated.connect(lambda index: self.playRequested.emit(index.data(JobRole)))
        self.view.selectionModel().currentChanged.connect(
            lambda index, _: self.previewRequested.emit(index.data(JobRole) if index.isValid() else None)
        )

        # The card's buttons: one bar on the selected card, one on the card under the pointer.
        self.selected_bar, self.hover_bar = (
            CardActions(self.view, self.actions_for, self.remedies_for, self.actionRequested.emit, self.menu_for)
            for _ in range(2)
        )
        self.view.setMouseTracking(True)
        self.view.viewport().installEventFilter(self)
        self.view.selectionModel().currentChanged.connect(lambda index, _: self._place_bars(index))
        self.view.verticalScrollBar().valueChanged.connect(lambda _: self._refresh_bars())
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
            self.proxy.dataChanged,
        ):
            signal.connect(lambda *_: self._refresh_bars())

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self._update_empty_text()

        # Elapsed times and progress repaint while something runs.
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.view.viewport().update)
        self._tick.start()

    def _place_bars(self, current: QModelIndex) -> None:
        self.selected_bar.show_on(current)
        if self.hover_bar.index == QPersistentModelIndex(current):
            self.hover_bar.show_on(None)

    def _refresh_bars(self) -> None:
        # A removed or filtered-out card leaves its bar invalid: it hides (CardActions.refresh).
        self.selected_bar.refresh()
        self.hover_bar.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The list's viewport: the pointer brings the bar to the card under it; leaving takes it away."""
        if watched is self.view.viewport():
            kind = event.type()
            if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
                index = self.view.indexAt(event.position().toPoint())
                hovered = index.isValid() and index != self.view.currentIndex()
                if QPersistentModelIndex(index) != self.hover_bar.index:
                    self.hover_bar.show_on(index if hovered else None)
            elif kind == QEvent.Type.Leave:
                self.hover_bar.show_on(None)
            elif kind == QEvent.Type.Resize:
                self._refresh_bars()
        return super().eventFilter(watched, event)

    def _update_empty_text(self) -> None:
        filtered = bool(self.search.text()) or self.status.currentIndex() > 0
        self.view.empty_text = (
            self.tr("No video matches this search or filter.")
            if filtered
            else self.tr("Your videos will appear here. Add a portrait and a voice, then press Generate video.")
        )
        self.view.viewport().update()

    def selected_job(self) -> LocalJob | None:
        index = self.view.currentIndex()
        return index.data(JobRole) if index.isValid() else None

    def unselect(self) -> None:
        """No video selected (the player shows its empty state)."""
        self.view.selectionModel().clear()

    def select_job(self, job_id: str) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(JobRole).id == job_id:
                self.view.setCurrentIndex(index)
                return

    def actions_for(self, job: LocalJob) -> list[tuple[LibraryAction, str]]:
        allowed = {LibraryAction.AGAIN, LibraryAction.RENAME}
        if job.state is State.SAVED and job.output_path and Path(job.output_path).exists():
            allowed |= {LibraryAction.PLAY, LibraryAction.FOLDER, LibraryAction.SAVE_AS}
        if job.video_url:
            allowed.add(LibraryAction.COPY_LINK)
        if job.state in (State.FAILED, State.REJECTED, State.NEEDS_ATTENTION, State.CANCELLED):
            allowed.add(LibraryAction.RETRY)
        if job.speech_made:
            allowed |= {LibraryAction.LISTEN, LibraryAction.REUSE_VOICE}
        if job.state is State.VOICE_READY:
            allowed.add(LibraryAction.MAKE_VIDEO)
        if may_cancel(job):
            allowed.add(LibraryAction.CANCEL)
        if may_remove(job):
            allowed.add(LibraryAction.REMOVE)
        if job.error_message:
            allowed.add(LibraryAction.DETAILS)
        # What the error's rule offers comes first, in the rule's order (never read off the message).
        rule = rule_for(job.error_code) if job.state.is_final else None  # stopped: not while it runs again
        remedies = [REMEDY_ACTIONS[remedy] for remedy in rule.remedies] if rule else []
        labels = dict(self.ACTIONS)
        rest = [key for key, _ in self.ACTIONS if key in allowed and key not in remedies]
        return [(key, self.tr(str(labels[key]))) for key in (*remedies, *rest)]

    def remedies_for(self, job: LocalJob) -> list[tuple[LibraryAction, str]]:
        """The actions its error's rule offers (shown on its card as buttons)."""
        if not job.state.is_final:
            return []
        remedies = {REMEDY_ACTIONS[remedy] for remedy in rule_for(job.error_code).remedies}
        return [(key, label) for key, label in self.actions_for(job) if key in remedies]

    def _rename_selected(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.actionRequested.emit(LibraryAction.RENAME, job)

    def _menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.menu_for(index.data(JobRole)).popup(self.view.viewport().mapToGlobal(pos))

    def menu_for(self, job: LocalJob) -> QMenu:
        """The job's menu (right-click, or its card's "…" button): every action it allows now."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for key, label in self.actions_for(job):
            action = QAction(label, menu)
            action.triggered.connect(lambda _=False, k=key, j=job: self.actionRequested.emit(k, j))
            menu.addAction(action)
        return menu
