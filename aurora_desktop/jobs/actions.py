"""What the user may do with a job now: the one rule the engine and every front end follow.

`may_cancel(job)`: the video was never requested from Creatify (nothing charged for it, and
nothing will be), and the job has not ended already. That holds in every state a job can be
stuck in before the request: drafted, making its voice, waiting for its voice to be heard,
uploading its inputs (also to a file-sharing service that never answers), waiting to be sent,
and parked for the user. Once the request may have reached Creatify, there is nothing to
cancel there (the API has no cancel): the job finishes and is saved.

`may_remove(job)`: a job that has ended (saved, failed, parked, cancelled) leaves the library
at the user's word; so does every job `may_cancel` allows (the engine cancels it first).

Pure functions of the record, Qt-free, cheap: the library asks them for every row it draws.
"""

from __future__ import annotations

from aurora_desktop.jobs.model import LocalJob, State

# Ended: nothing left to cancel (a cancelled or failed job is tried again with "Try again").
_ENDED = frozenset({State.SAVED, State.FAILED, State.REJECTED, State.CANCELLED})


def video_requested(job: LocalJob) -> bool:
    """The video may have reached Creatify: an id from it, an attempt counted before a POST, or a
    state only a requested video reaches."""
    return job.remote_id is not None or job.submit_attempts > 0 or job.state.charged_possible


def may_cancel(job: LocalJob) -> bool:
    return job.state not in _ENDED and not video_requested(job)


def may_remove(job: LocalJob) -> bool:
    return job.state.is_final or may_cancel(job)
