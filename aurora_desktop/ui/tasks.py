"""Background coroutines for widgets, on the qasync loop.

qasync's asyncSlot keeps no strong reference to its task (docs/architecture.md, "Async on the Qt loop"), so
widgets start work here: every task is kept until it ends, a task started under
a key cancels the previous one with that key ("the newest price check wins"),
and an unexpected exception reaches the error handler instead of vanishing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TaskRunner:
    def __init__(self, on_error: Callable[[BaseException], None] | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._keyed: dict[str, asyncio.Task[Any]] = {}
        self.on_error = on_error

    def spawn(self, coro: Coroutine[Any, Any, Any], *, key: str | None = None) -> asyncio.Task[Any]:
        if key is not None and (old := self._keyed.get(key)) is not None and not old.done():
            old.cancel()
        task = asyncio.get_event_loop().create_task(coro, name=key)
        self._tasks.add(task)
        if key is not None:
            self._keyed[key] = task
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("background task %s failed", task.get_name(), exc_info=exc)
            if self.on_error:
                self.on_error(exc)

    def cancel(self, key: str) -> None:
        """Cancel the task started under key, if it is still running."""
        if (task := self._keyed.pop(key, None)) is not None and not task.done():
            task.cancel()

    async def stop(self, key: str, timeout: float = 3.0) -> None:
        """Cancel the task started under key and wait for it to end (its sockets closed)."""
        task = self._keyed.pop(key, None)
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
            await asyncio.wait([task], timeout=timeout)

    async def cancel_all(self, timeout: float = 3.0) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
