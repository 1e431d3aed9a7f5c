"""The voices for scripts: the picker's list (cached, refreshed from Creatify), and the script
panel's remembered choices (favourites, "hear the voice first") and spoken pace."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from aurora_desktop import paths
from aurora_desktop.api.errors import ApiError
from aurora_desktop.jobs.model import utcnow
from aurora_desktop.settings import Settings
from aurora_desktop.ui.create_panel import CreatePanel
from aurora_desktop.ui.job_model import JobListModel
from aurora_desktop.ui.tasks import TaskRunner
from aurora_desktop.voices import VoiceCache, choices, learned_pace

if TYPE_CHECKING:
    from aurora_desktop.services import Services
    from aurora_desktop.ui.script_panel import ScriptPanel

VOICES_FRESH_FOR = 24 * 3600  # seconds a cached list of voices is used without asking again


class VoicesController(QObject):
    def __init__(
        self,
        panel: CreatePanel,
        model: JobListModel,
        tasks: TaskRunner,
        settings: Callable[[], Settings],
        services: Callable[[], Services | None],
    ) -> None:
        super().__init__(panel)
        self._panel, self._model, self._tasks = panel, model, tasks
        self._settings, self._services = settings, services
        self._voices_from = ""  # the service whose voices the picker shows
        panel.scriptPanelMade.connect(self.script_panel_made)

    def services_opened(self) -> None:
        """New services: the pace and the limit they know; their voices if the script tab shows."""
        self.update_pace()
        self._voices_from = ""
        if self._panel.script_mode:
            self.load(force=False)

    def load(self, *, force: bool) -> None:
        self._tasks.spawn(self._load_voices(force), key="voices")

    async def _load_voices(self, force: bool) -> None:
        """The picker's voices: the cached list at once, then Creatify's when the cache is old
        or on Refresh. A failed refresh says why and keeps the list it had."""
        services, panel = self._services(), self._panel.script_panel
        if services is None:
            return
        base = services.client.base_url
        if self._voices_from == base and not force:
            return
        cache = VoiceCache(paths.cache_dir(), base)
        cached = await asyncio.to_thread(cache.load)
        if cached is not None:
            panel.set_voices(*cached)
            if not force and (utcnow() - cached[1]).total_seconds() < VOICES_FRESH_FOR:
                self._voices_from = base
                return
        try:
            fresh = choices(await services.client.voices())
        except ApiError as exc:
            panel.set_voices([], error=self.tr("The voices could not be fetched: {why}").format(why=exc.user_message))
            return
        await asyncio.to_thread(cache.save, fresh)
        panel.set_voices(fresh, utcnow())
        self._voices_from = base

    def script_panel_made(self, script: ScriptPanel) -> None:
        """The script tab's panel exists now (it is made when first needed): fill it in."""
        settings = self._settings()
        script.set_favourites(settings.voice_favourites)
        script.choose_voice(settings.last_voice)
        script.hear_first.setChecked(settings.hear_voice_first)
        script.hear_first.toggled.connect(self._remember_hear_first)
        script.favouritesChanged.connect(self._remember_favourites)
        script.voicesWanted.connect(lambda force: self.load(force=force))
        script.list.currentItemChanged.connect(lambda *_: self.update_pace())
        self.update_pace()

    def update_pace(self) -> None:
        """The script's spoken length is estimated at this user's own pace for the voice."""
        panel = self._panel.made_script_panel
        if panel is None:
            return  # worked out when the panel is made
        voice = panel.voice
        panel.set_pace(learned_pace(self._model.jobs(), voice.id if voice else None))
        if (services := self._services()) is not None:  # the longest script this account may send, as learnt
            panel.set_script_max(services.engine.script_limit.value)

    def _remember_favourites(self, ids: list[str]) -> None:
        settings = self._settings()
        settings.voice_favourites = list(ids)
        settings.save()

    def _remember_hear_first(self, checked: bool) -> None:
        settings = self._settings()
        settings.hear_voice_first = checked
        settings.save()
