"""Generate: from the create panel's request to a job placed in the engine.

The very same video twice in a row is asked about first (a second take is charged again).
The price and the credits were shown by the panel; here the order is quoted (jobs/orders.py)
and placed, and a blocker found only now is said in a dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from aurora_desktop import paths
from aurora_desktop.api.catalog import get_model
from aurora_desktop.api.speech import WORDS_PER_MINUTE
from aurora_desktop.jobs.form import CreateSpec
from aurora_desktop.ui.ask import Answer, ask
from aurora_desktop.ui.frame import Frame

# Creatify's usual prompt guidance: an open "Advanced" with it untouched asks for the same video.
USUAL_GUIDANCE = 1.0


def what_is_sent(spec: CreateSpec) -> tuple[object, ...]:
    """The video a request asks Creatify for: the portrait, the voice (clip or script and its
    voice), the model, the prompt and how strictly it is followed. Not the name (a label in the
    library), nor whether "Advanced" is open: the same of these is the same video, charged again."""
    guidance = USUAL_GUIDANCE if spec.guidance is None else spec.guidance
    return (spec.image, spec.audio, spec.script, spec.model, spec.text_prompt or None, guidance)


class Generate(QObject):
    def __init__(self, frame: Frame) -> None:
        super().__init__(frame.widget())
        self.frame = frame
        self._last_placed: CreateSpec | None = None  # the last video requested, to ask before the same again

    def requested(self, spec: CreateSpec) -> None:
        """The panel is busy from the click until the job is recorded. The very same video
        again is asked about: a second take is possible, but never by accident."""
        frame = self.frame
        last = self._last_placed
        if last is None or what_is_sent(spec) != what_is_sent(last):
            frame.tasks.spawn(self._submit(spec), key="generate")
            return

        def chosen(again: bool) -> None:
            if again:
                frame.tasks.spawn(self._submit(spec), key="generate")
            else:
                frame.create_panel.set_busy(False)

        ask(
            frame.widget(),
            self.tr("Make another take?"),
            self.tr(
                "You just made this video with the same portrait, voice and settings. "
                "Another take is a new video, and it is charged again."
            ),
            [Answer(self.tr("Make another take"), True), Answer(QMessageBox.StandardButton.Cancel, False)],
            chosen,
            cancel=False,
        )

    async def _submit(self, spec: CreateSpec) -> None:
        from aurora_desktop.jobs import orders

        frame = self.frame
        services = frame.services
        frame.create_panel.set_busy(True)
        try:
            if services is None:
                return
            spoken = spec.script if spec.script is not None and not spec.audio else None
            made = frame.create_panel.made_script_panel  # a script job was typed there
            spoken_pace = made.pace if made is not None else WORDS_PER_MINUTE
            if spoken is not None and spoken.voice_id != frame.settings.last_voice:
                frame.settings.last_voice = spoken.voice_id
                frame.settings.save()
            # The panel already showed the price and the credits it knows; nothing is asked again.
            quote = await orders.quote(
                spec.image,
                spoken or spec.audio,
                get_model(spec.model),
                orders.Options(
                    name=spec.name,
                    text_prompt=spec.text_prompt,
                    guidance=spec.guidance,
                    photo_background=frame.settings.photo_background,
                ),
                work_dir=paths.cache_dir(),
                hoster=services.hoster,
                remaining=frame.create_panel.remaining,
                words_per_minute=spoken_pace,
                limit=services.engine.script_limit,
            )
            if spec.script is not None and spec.audio:  # another take with a speech already made
                quote = orders.reusing(quote, spec.script)
            if not quote.ok:
                first = quote.blockers[0]
                frame.errors.show(first.message, first.detail)
                return
            for note in quote.notes:
                frame.notifier.status(note, 8000)
            job = await orders.place(services.engine, quote)
            self._last_placed = spec
            frame.library.select_job(job.id)
        finally:
            frame.create_panel.set_busy(False)
