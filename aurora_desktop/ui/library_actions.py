"""What the library's menu does: one handler per ``LibraryAction``, registered in ``HANDLERS``.

The library view emits the action (``LibraryPanel.actionRequested``); ``LibraryActions.run``
looks its handler up. A new action is a new ``LibraryAction`` (jobs/vocabulary.py), its label
in ``LibraryPanel.ACTIONS`` and one ``@handles`` method here (tests/unit/test_library_actions.py
checks each action has exactly one). Removing a video, with its few seconds to undo, lives
here too, as do the copy saved elsewhere and "Show in folder".
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QPushButton

from aurora_desktop import paths, trash
from aurora_desktop.formatting import credits_text
from aurora_desktop.jobs.model import LocalJob, State, is_link
from aurora_desktop.jobs.report import job_report
from aurora_desktop.jobs.retry import RetryPlan, retry_plan
from aurora_desktop.jobs.saving import sidecar_paths
from aurora_desktop.jobs.vocabulary import LibraryAction
from aurora_desktop.ui.ask import Answer, Icon, Role, ask
from aurora_desktop.ui.frame import Frame
from aurora_desktop.ui.rename_dialog import RenameDialog
from aurora_desktop.ui.reveal import reveal

REMOVE_UNDO_MS = 8000  # how long "Undo" stays after a video is removed

Handler = Callable[["LibraryActions", LocalJob], None]
HANDLERS: dict[LibraryAction, Handler] = {}


def handles(action: LibraryAction) -> Callable[[Handler], Handler]:
    """Register the decorated method as the one handler of ``action``."""

    def register(handler: Handler) -> Handler:
        if action in HANDLERS:
            raise ValueError(f"{action} has two handlers: {HANDLERS[action].__name__} and {handler.__name__}")
        HANDLERS[action] = handler
        return handler

    return register


class LibraryActions(QObject):
    def __init__(self, frame: Frame) -> None:
        super().__init__(frame.widget())
        self.frame = frame
        window = frame.widget()
        self.undo_button = QPushButton(self.tr("Undo"), window)
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self.undo_removal)
        frame.statusBar().addPermanentWidget(self.undo_button)
        self._pending_removal: tuple[LocalJob, list[trash.Trashed]] | None = None
        self.removal_timer = QTimer(self)
        self.removal_timer.setSingleShot(True)
        self.removal_timer.setInterval(REMOVE_UNDO_MS)
        self.removal_timer.timeout.connect(self.commit_removal)
        frame.library.previewRequested.connect(self.preview)

    def preview(self, job: LocalJob | None) -> None:
        """The video selected in the library, in the player ready to play (double-click or Enter
        plays it). A card without a video, or none (a search hid it), leaves the player as it is:
        only the removal of the video shown empties it (PlayerWidget.release)."""
        if job is not None and job.state is State.SAVED and job.output_path and Path(job.output_path).exists():
            self.frame.player.load(Path(job.output_path), autoplay=False)

    def run(self, action: LibraryAction, job: LocalJob) -> None:
        HANDLERS[action](self, job)

    # ================================================================== the handlers

    @handles(LibraryAction.PLAY)
    def _play(self, job: LocalJob) -> None:
        self.frame.play(job)

    @handles(LibraryAction.FOLDER)
    def _folder(self, job: LocalJob) -> None:
        if job.output_path:
            self.show_in_folder(Path(job.output_path))

    @handles(LibraryAction.SAVE_AS)
    def _save_as(self, job: LocalJob) -> None:
        if job.output_path:
            self.save_copy(Path(job.output_path))

    @handles(LibraryAction.COPY_LINK)
    def _copy_link(self, job: LocalJob) -> None:
        if job.video_url:
            QGuiApplication.clipboard().setText(job.video_url)
            self.frame.notifier.status(
                self.tr("Link copied. It works for at least 7 days after the video was made."), 6000
            )

    @handles(LibraryAction.RETRY)
    def _retry(self, job: LocalJob) -> None:
        if (services := self.frame.services) is None:
            return
        plan = retry_plan(job, self.frame.create_panel.remaining)
        if plan.longer_model:
            self.retry_with_longer_model(job)
        elif plan.too_few_credits:
            self.ask_cheaper(job, plan)  # said first: nothing is sent that would be refused
        else:
            self.frame.tasks.spawn(services.engine.retry(job.id))

    def ask_cheaper(self, job: LocalJob, plan: RetryPlan) -> QMessageBox:
        """Too few credits to try again as it was: say so, and offer the model that fits, if one does."""
        cheaper = plan.cheaper
        answers = [Answer(self.tr("Close"), "", Role.RejectRole)]
        if cheaper is not None:
            answers = [
                Answer(self.tr("Switch to {model}").format(model=cheaper.model.label), cheaper.model.key),
                Answer(self.tr("Not now"), "", Role.RejectRole),
            ]

        def answered(model: str) -> None:
            if model:
                self.frame.tasks.spawn(self._retry_on(job, model))

        return ask(
            self.frame.widget(),
            self.tr("Not enough credits"),
            plan.shortfall(job),
            answers,
            answered,
            cancel="",
            icon=Icon.Warning,
        )

    @handles(LibraryAction.AGAIN)
    def _again(self, job: LocalJob) -> None:
        panel = self.frame.create_panel
        if job.script and job.voice_id:
            panel.fill_script(job.image.source, job.script, job.voice_id, job.model, job.name)
        else:
            panel.fill(job.image.source, job.audio.source, job.model, job.name, job.text_prompt, job.guidance)

    @handles(LibraryAction.LISTEN)
    def _listen(self, job: LocalJob) -> None:
        if job.speech_made:
            self.frame.voice_player.toggle(job.audio.source)

    @handles(LibraryAction.MAKE_VIDEO)
    def _make_video(self, job: LocalJob) -> None:
        self.frame.make_video(job.id)

    @handles(LibraryAction.REUSE_VOICE)
    def _reuse_voice(self, job: LocalJob) -> None:
        if not (job.speech_made and job.script):
            return
        from aurora_desktop.jobs.prepare import Script

        script = Script(job.script, job.voice_id or "", job.voice_name or "", speech_id=job.speech_id)
        name = self.tr("{name} (another take)").format(name=job.name)
        self.frame.create_panel.reuse_speech(job.audio.source, script, job.model, name)

    @handles(LibraryAction.DETAILS)
    def _details(self, job: LocalJob) -> None:
        if self.frame.services is not None:
            self.frame.tasks.spawn(self._copy_details(job))

    @handles(LibraryAction.RENAME)
    def _rename(self, job: LocalJob) -> None:
        if self.frame.services is not None:
            self.ask_name(job)

    @handles(LibraryAction.REMOVE)
    def _remove(self, job: LocalJob) -> None:
        if self.frame.services is None:
            return

        def chosen(answer: str) -> None:
            if answer:
                self.frame.tasks.spawn(self._stop_then_remove(job, to_trash=answer == "delete"))

        ask(
            self.frame.widget(),
            self.tr("Remove from library"),
            self.tr("Remove “{name}” from the library?").format(name=job.name),
            [
                Answer(self.tr("Remove, keep the file"), "keep"),
                Answer(self.tr("Remove and delete the file"), "delete", Role.DestructiveRole),
                Answer(QMessageBox.StandardButton.Cancel, ""),
            ],
            chosen,
            cancel="",
        )

    @handles(LibraryAction.OWN_STORAGE)
    def _own_storage(self, job: LocalJob) -> None:
        self.frame.open_settings(tab="storage")

    @handles(LibraryAction.PASTE_LINKS)
    def _paste_links(self, job: LocalJob) -> None:
        """The job's inputs back in the form, the files on this computer left out: the cursor
        waits in the first link field to fill, and a word says what to paste."""
        panel = self.frame.create_panel
        image, audio = (source if is_link(source) else "" for source in (job.image.source, job.audio.source))
        panel.fill(image, audio, job.model, job.name, job.text_prompt, job.guidance)
        (panel.audio_zone if image else panel.image_zone).link.setFocus()
        self.frame.notifier.status(
            self.tr(
                "Paste a link (https://…) to the portrait and to the voice, files that are already "
                "online, then press Generate video."
            ),
            20000,
        )

    @handles(LibraryAction.CANCEL)
    def _cancel(self, job: LocalJob) -> None:
        self.frame.tasks.spawn(self._stop(job))

    # ================================================================== what the handlers do

    async def _stop(self, job: LocalJob) -> LocalJob | None:
        """Cancel a job on its way whose video was never requested (`jobs.actions.may_cancel`);
        the engine refuses, in plain words, once the request may have left."""
        from aurora_desktop.jobs.engine import JobBusy  # here: the engine is not on the first paint's path

        if (services := self.frame.services) is None:
            return None
        try:
            return await services.engine.cancel(job.id)
        except JobBusy as exc:
            self.frame.errors.show(str(exc))
            return None

    async def _stop_then_remove(self, job: LocalJob, *, to_trash: bool) -> None:
        """A job still on its way is cancelled at once, so nothing is spent during the seconds
        its removal can be undone."""
        if not job.state.is_final:
            stopped = await self._stop(job)
            if stopped is None:
                return
            job = stopped
        await self.remove(job, to_trash=to_trash)

    def retry_with_longer_model(self, job: LocalJob) -> QInputDialog | None:
        """A voice too long for its model: choose one that takes it; the voice is reused, not paid again."""
        plan = retry_plan(job)
        if not plan.offers:
            self.frame.errors.show(job.error_message or "")
            return None
        dialog = QInputDialog(self.frame.widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(self.tr("Choose a longer model"))
        dialog.setLabelText(
            self.tr("The voice is {seconds:.0f} seconds long. Make the video with:").format(seconds=plan.seconds)
        )
        labels = [
            self.tr("{label} ({price} credits)").format(label=o.model.label, price=credits_text(o.credits))
            for o in plan.offers
        ]
        dialog.setComboBoxItems(labels)
        dialog.setOkButtonText(self.tr("Make the video"))

        def chosen(label: str) -> None:
            model = plan.offers[labels.index(label)].model
            self.frame.tasks.spawn(self._retry_on(job, model.key))

        dialog.textValueSelected.connect(chosen)
        dialog.open()  # never exec(): no nested loop
        return dialog

    async def _retry_on(self, job: LocalJob, model: str) -> None:
        if (services := self.frame.services) is None:
            return
        await services.engine.change_model(job.id, model)
        await services.engine.retry(job.id)

    def ask_name(self, job: LocalJob) -> RenameDialog:
        dialog = RenameDialog(job, self.frame.widget())
        dialog.chosen.connect(lambda name, file: self.frame.tasks.spawn(self._rename_to(job, name, file=file)))
        dialog.open()  # never exec(): no nested loop
        return dialog

    async def _rename_to(self, job: LocalJob, name: str, *, file: bool = False) -> None:
        if (services := self.frame.services) is None or not name.strip():
            return
        try:
            await services.engine.rename(job.id, name, file=file)
        except OSError as exc:  # the file on disk: nothing was changed (jobs/saving.rename_video)
            self.frame.errors.show(
                self.tr("The file of “{name}” could not be renamed ({reason}); nothing was changed.").format(
                    name=job.name, reason=exc.strerror or type(exc).__name__
                ),
                f"{type(exc).__name__}: {exc}",
            )

    async def report(self, job: LocalJob) -> str:
        """The job's details for support, its history read off the Qt thread."""
        services = self.frame.services
        events = await asyncio.to_thread(services.store.events, job.id) if services is not None else []
        return job_report(job, events)

    async def _copy_details(self, job: LocalJob) -> None:
        QGuiApplication.clipboard().setText(f"{job.error_message}\n\n{await self.report(job)}")
        self.frame.notifier.status(self.tr("The details of “{name}” were copied.").format(name=job.name), 6000)

    # ------------------------------------------------------------------ copies and folders

    def save_copy(self, video: Path) -> QFileDialog:
        """A copy where the user wants it: a video filter, ".mp4" added, starting where they saved
        last (else Videos, else Desktop), and a word when it is done."""
        locations = (
            QStandardPaths.StandardLocation.MoviesLocation,
            QStandardPaths.StandardLocation.DesktopLocation,
            QStandardPaths.StandardLocation.HomeLocation,
        )
        candidates = [self.frame.settings.last_save_dir, *map(QStandardPaths.writableLocation, locations)]
        start = next((Path(c) for c in candidates if c and Path(c).is_dir()), Path.home())
        dialog = QFileDialog(
            self.frame.widget(), self.tr("Save a copy as"), str(start / video.name), self.tr("Videos (*.mp4)")
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("mp4")
        dialog.fileSelected.connect(lambda target: self.frame.tasks.spawn(self._copy_video(video, Path(target))))
        dialog.open()  # never exec(): no nested loop while jobs run
        return dialog

    async def _copy_video(self, video: Path, target: Path) -> None:
        if target.suffix.lower() != ".mp4":
            target = target.with_name(target.name + ".mp4")
        try:
            await asyncio.to_thread(shutil.copyfile, video, target)
        except OSError as exc:
            self.frame.errors.show(
                self.tr("The copy could not be saved in {folder}: {reason}.").format(
                    folder=target.parent, reason=exc.strerror or type(exc).__name__
                ),
                f"{type(exc).__name__}: {exc}",
            )
            return
        settings = self.frame.settings
        settings.last_save_dir = str(target.parent)
        await asyncio.to_thread(settings.save)
        ask(
            self.frame.widget(),
            self.tr("Copy saved"),
            self.tr("A copy of the video was saved as {name}.").format(name=target.name),
            [Answer(QMessageBox.StandardButton.Ok, False), Answer(self.tr("Show in folder"), True, Role.ActionRole)],
            lambda show: self.show_in_folder(target) if show else None,
            cancel=False,
            icon=Icon.Information,
        )

    def show_in_folder(self, path: Path) -> None:
        self.frame.tasks.spawn(self._show_in_folder(path))

    async def _show_in_folder(self, path: Path) -> None:
        """The file manager, with the file selected; when none answers, the path, to copy."""
        if await reveal(path):
            return
        ask(
            self.frame.widget(),
            self.tr("Where it is"),
            self.tr("No file manager opened. It is here:\n{path}").format(path=path),
            [Answer(QMessageBox.StandardButton.Close, False), Answer(self.tr("Copy path"), True, Role.ActionRole)],
            lambda copy: QGuiApplication.clipboard().setText(str(path)) if copy else None,
            cancel=False,
            icon=Icon.Information,
        )

    # ------------------------------------------------------------------ removing, with a time to undo

    async def remove(self, job: LocalJob, *, to_trash: bool) -> None:
        """Out of the list at once (the player lets go of it); its files to the system's Trash,
        never deleted outright; "Undo" puts everything back for a few seconds."""
        self.commit_removal()  # one pending removal at a time
        trashed: list[trash.Trashed] = []
        if (selected := self.frame.library.selected_job()) is not None and selected.id == job.id:
            self.frame.library.unselect()  # the player's empty state, not the next video's
        if job.output_path:
            video = Path(job.output_path)
            self.frame.player.release(video)
            if to_trash:
                for path in (video, *sidecar_paths(video)):
                    moved = await asyncio.to_thread(trash.to_trash, path, paths.holding_dir())
                    if moved is not None:
                        trashed.append(moved)
                if not trashed and video.exists():
                    self.frame.errors.show(self.tr("The video could not be moved to the Trash; it was kept."))
                    return
        self.frame.model.remove(job.id)
        self._pending_removal = (job, trashed)
        self.removal_timer.start()
        self.undo_button.setVisible(True)
        self.frame.notifier.status(self.tr("Removed “{name}”.").format(name=job.name), REMOVE_UNDO_MS)

    def undo_removal(self) -> None:
        self.removal_timer.stop()
        self.undo_button.setVisible(False)
        if self._pending_removal is None:
            return
        job, trashed = self._pending_removal
        self._pending_removal = None
        for item in trashed:
            try:
                trash.put_back(item)  # from where the OS's Trash (or the holding folder) has it
            except OSError as exc:
                self.frame.errors.show(
                    self.tr("“{name}” could not be put back from the Trash; it is there as {path}.").format(
                        name=item.original.name, path=item.moved
                    ),
                    f"{type(exc).__name__}: {exc}",
                )
        self.frame.model.upsert(job)
        self.frame.notifier.status(self.tr("“{name}” is back.").format(name=job.name), 5000)

    def take_pending_removal(self) -> LocalJob | None:
        """The time to undo is over: files held (no Trash for them) go to the Trash now."""
        self.removal_timer.stop()
        self.undo_button.setVisible(False)
        pending, self._pending_removal = self._pending_removal, None
        if pending is None:
            return None
        job, trashed = pending
        for item in trashed:
            if (kept := trash.finish(item)) is not None:
                self.frame.errors.show(
                    self.tr("“{name}” could not be moved to the Trash; it was kept as {path}.").format(
                        name=item.original.name, path=kept
                    )
                )
        return job

    def commit_removal(self) -> None:
        """The time to undo is over: out of the library for good (its files are in the Trash)."""
        job = self.take_pending_removal()
        if job is not None and (services := self.frame.services) is not None:
            self.frame.tasks.spawn(services.engine.remove(job.id, delete_file=False))
