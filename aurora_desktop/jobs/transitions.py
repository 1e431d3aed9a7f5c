"""Which state a job may move to from which, and the one function that moves it.

`move()` is the only writer of a job's state. It checks the TRANSITIONS table
and writes with a compare-and-set (the row must still be in the state the
caller read), so a move that makes no sense, or one that another driver got
to first, fails loudly instead of silently overwriting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aurora_desktop.jobs.model import FINAL_STATES, LocalJob, State, utcnow
from aurora_desktop.jobs.vocabulary import History

if TYPE_CHECKING:
    from aurora_desktop.jobs.async_store import AsyncStore

S = State
_ANYTIME = {S.NEEDS_ATTENTION}  # any unfinished job can be parked for the user

TRANSITIONS: dict[State, frozenset[State]] = {
    S.DRAFT: frozenset({S.SPEAKING, S.HOSTING, S.CANCELLED, *_ANYTIME}),
    # -> FAILED: Creatify refused or could not make the speech (nothing charged);
    # -> VOICE_READY: the user asked to hear it first; -> HOSTING: on to the video.
    S.SPEAKING: frozenset({S.VOICE_READY, S.HOSTING, S.FAILED, S.CANCELLED, *_ANYTIME}),
    S.VOICE_READY: frozenset({S.HOSTING, S.CANCELLED, S.DRAFT}),
    # -> DRAFT: an earlier demo session's job that was never sent goes to this session's service.
    S.HOSTING: frozenset({S.SUBMITTING, S.DRAFT, S.CANCELLED, *_ANYTIME}),
    # -> HOSTING: hosted links about to expire are hosted again; -> FAILED: Creatify refused the request.
    S.SUBMITTING: frozenset({S.REMOTE, S.HOSTING, S.DRAFT, S.FAILED, S.CANCELLED, *_ANYTIME}),
    S.REMOTE: frozenset({S.DOWNLOADING, S.FAILED, S.REJECTED, *_ANYTIME}),
    # -> REMOTE: no video link yet, ask Creatify again.
    S.DOWNLOADING: frozenset({S.SAVED, S.REMOTE, *_ANYTIME}),
    # -> DOWNLOADING: the saved file vanished while its link still works.
    S.SAVED: frozenset({S.DOWNLOADING}),
    # Retry: from the start, or from where a paid job stopped.
    S.FAILED: frozenset({S.DRAFT}),
    S.REJECTED: frozenset({S.DRAFT}),
    S.CANCELLED: frozenset({S.DRAFT}),
    # -> CANCELLED: parked before its video was requested (jobs/actions.py may_cancel).
    S.NEEDS_ATTENTION: frozenset({S.DRAFT, S.REMOTE, S.DOWNLOADING, S.CANCELLED}),
}


class IllegalTransition(RuntimeError):
    """A move the table does not allow: a bug in the engine."""


def check(current: State, target: State) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(f"a job cannot move from {current.value} to {target.value}")


async def move(
    store: AsyncStore,
    job: LocalJob,
    target: State,
    event: History,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> LocalJob:
    """Move `job` (as read, in `job.state`) to `target`, with its changes, in one transaction.

    Raises IllegalTransition for a move the table forbids, and
    store_health.StateConflict when the stored job is no longer in `job.state`.
    """
    check(job.state, target)
    if target in FINAL_STATES and "finished_at" not in changes:
        changes["finished_at"] = utcnow()
    return await store.set_state(job.id, job.state, target, event, data, **changes)
