"""The job store for the engine: each call run on one dedicated thread, so the loop never waits on disk."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.jobs.vocabulary import History

T = TypeVar("T")


class AsyncStore:
    """The store's calls, each run on one dedicated thread."""

    def __init__(self, store: JobStore) -> None:
        self.sync = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job-store")

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    async def insert(self, job: LocalJob) -> LocalJob:
        return await self._run(self.sync.insert, job)

    async def update(
        self, job_id: str, event: History | None = None, data: dict[str, Any] | None = None, **changes: Any
    ) -> LocalJob:
        return await self._run(self.sync.update, job_id, event, data, **changes)

    async def set_state(
        self,
        job_id: str,
        expected: State,
        state: State,
        event: History,
        data: dict[str, Any] | None = None,
        **changes: Any,
    ) -> LocalJob:
        return await self._run(self.sync.set_state, job_id, expected, state, event, data, **changes)

    async def claim_submit_attempt(self, job_id: str, attempts: int) -> LocalJob:
        return await self._run(self.sync.claim_submit_attempt, job_id, attempts)

    async def claim_speech_attempt(self, job_id: str, attempts: int) -> LocalJob:
        return await self._run(self.sync.claim_speech_attempt, job_id, attempts)

    async def get(self, job_id: str) -> LocalJob | None:
        return await self._run(self.sync.get, job_id)

    async def last_event_at(self, job_id: str, kind: History) -> datetime | None:
        return await self._run(self.sync.last_event_at, job_id, kind)

    async def list(self, states: Iterable[State] | None = None) -> builtins.list[LocalJob]:
        return await self._run(self.sync.list, states)

    async def recent_saved(self, limit: int) -> builtins.list[LocalJob]:
        return await self._run(self.sync.recent_saved, limit)

    async def unfinished(self) -> builtins.list[LocalJob]:
        return await self._run(self.sync.unfinished)

    async def delete(self, job_id: str) -> None:
        await self._run(self.sync.delete, job_id)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
