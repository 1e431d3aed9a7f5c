"""Step DRAFT/HOSTING -> SUBMITTING: give Creatify a link to each input.

A pasted link is used as it is. A local file is checked against the hash taken
when the price was shown (a changed or vanished file costs nothing) and put
where Creatify can fetch it; a hosted link that expires soon is hosted again.
`release_inputs` removes hosted copies once they are no longer needed.

Hosts that cannot be reached (no internet, a firewall, every Quick-link service down) are
tried again with growing pauses, but not for ever: after `EngineConfig.hosting_patience`,
counted from the first failed try of the upload now under way (a stored moment, the first failure
since the job last made progress, so the clock goes on across a restart),
the job stops with nothing spent (`ErrorCode.SHARING` for Quick links, whose rule carries the
remedies the window offers). Creatify is not in question then: the engine never says
"offline" for a file host, only the steps that talk to Creatify do (and the demo's
stand-in, which is Creatify and hosts the files itself).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

from aurora_desktop.hosting import HostingError, InputChanged
from aurora_desktop.hosting.base import recording_placements
from aurora_desktop.jobs.model import InputFile, LocalJob, State, utcnow
from aurora_desktop.jobs.prepare import sha256_file
from aurora_desktop.jobs.runtime import Runtime, Wait
from aurora_desktop.jobs.vocabulary import ErrorCode, History, Phase

log = logging.getLogger(__name__)


def _local_size(item: InputFile) -> int:
    try:
        return 0 if item.is_link else Path(item.source).stat().st_size
    except OSError:
        return 0


async def host(rt: Runtime, job: LocalJob) -> None:
    if job.state is State.DRAFT:
        job = await rt.move(job, State.HOSTING, History.HOSTING)
    sizes = {item.kind: _local_size(item) for item in job.inputs}
    total = sum(sizes.values())
    sent = dict.fromkeys(sizes, 0)

    for item in job.inputs:
        if item.is_link:
            if item.url != item.source:
                job = await rt.store.update(
                    job.id, History.LINK, {"kind": str(item.kind)}, **job.input_change(replace(item, url=item.source))
                )
            continue
        if item.link_fresh(rt.config.rehost_margin):
            sent[item.kind] = sizes[item.kind]
            continue
        problem = await _changed_since_priced(item)
        if problem:
            await rt.attention(job, ErrorCode.INPUT, problem)
            return

        def on_bytes(done: int, _total: int, item: InputFile = item, job: LocalJob = job) -> None:
            sent[item.kind] = done
            rt.progress(job, Phase.HOSTING, sum(sent.values()), total)

        if item.key:  # a copy from an earlier attempt (killed before it was checked, or expiring)
            await _remove_copy(rt, job, item)
            item = item.unhosted()
            job = await rt.store.update(
                job.id, History.INPUTS_DELETED, {"kinds": [str(item.kind)]}, **job.input_change(item)
            )
        job = await rt.store.update(job.id, History.UPLOAD_INTENT, {"kind": str(item.kind), "hoster": rt.hoster.name})

        async def record(key: str, item: InputFile = item, job_id: str = job.id) -> None:
            await rt.store.update(
                job_id, History.UPLOADED, {"kind": str(item.kind)}, **{str(item.kind): replace(item, key=key)}
            )

        path = Path(item.source)
        try:
            async with rt.uploads:
                with recording_placements(record):
                    hosted = await rt.hoster.host(
                        path,
                        key=f"{job.id}/{item.kind}{path.suffix.lower()}",
                        content_type=item.mime or "application/octet-stream",
                        progress=on_bytes,
                        sha256=item.hash,  # the bytes sent are hashed as they go: only the priced file leaves
                    )
        except InputChanged as exc:
            await rt.attention(job, ErrorCode.INPUT, _changed_message(item), exc.detail)
            return
        except HostingError as exc:
            if not exc.retryable:
                await rt.attention(job, ErrorCode.STORAGE, exc.user_message, exc.detail)
                return
            if rt.hoster.name == "sandbox":  # the demo's stand-in hosts the files: it is Creatify, out of reach
                raise Wait(2.0, exc.user_message, offline=True) from None
            if await _trying_for(rt, job) < rt.config.hosting_patience:
                raise Wait(2.0, exc.user_message, backoff=True) from None  # not "offline": Creatify may answer
            await _give_up(rt, job, exc)
            return
        placed = replace(item, url=hosted.url, key=hosted.key, expires=hosted.expires_at)
        job = await rt.store.update(job.id, History.HOSTED, {"kind": str(item.kind)}, **job.input_change(placed))
    await rt.move(job, State.SUBMITTING, History.HOSTED_ALL, bytes_done=total, bytes_total=total)


# Entries after which an upload is a new one, with a fresh clock: the job entered the step (also
# again, after "Try again" or a re-hosting), or an input was hosted (the hosts were reached).
_PROGRESS = (
    History.HOSTING,
    History.HOSTED,
    History.REHOST,
    History.RETRY,
    History.MOVED,
    History.SPEECH_DONE,
    History.VOICE_APPROVED,
)


async def _trying_for(rt: Runtime, job: LocalJob) -> float:
    """Seconds since the first failed try of the upload now under way. That moment is stored
    (a `sharing-unreachable` entry, written at the first failure since the job last made
    progress), so the clock goes on across restarts; "Try again" starts a fresh one."""
    began = await rt.store.last_event_at(job.id, History.SHARING_UNREACHABLE)
    if began is not None:
        for kind in _PROGRESS:
            progressed = await rt.store.last_event_at(job.id, kind)
            if progressed is not None and progressed > began:
                began = None
                break
    if began is None:
        await rt.store.update(job.id, History.SHARING_UNREACHABLE, {"hoster": rt.hoster.name})
        return 0.0
    return (utcnow() - began).total_seconds()


async def _give_up(rt: Runtime, job: LocalJob, exc: HostingError) -> None:
    """No host reached within the patience: the job stops, nothing spent, and says why plainly."""
    minutes = max(1, round(rt.config.hosting_patience / 60))
    waited = f"{minutes} minute{'s' if minutes > 1 else ''}"
    if rt.hoster.name == "quick":  # QuickLinkHoster: the public file-sharing services
        code = ErrorCode.SHARING
        message = (
            f"The file-sharing services could not be reached for {waited}, so your files could not be "
            "shared with Creatify. Nothing was spent. Use your own storage, paste links to your files "
            "instead, or try again when your internet connection works."
        )
    else:
        code = ErrorCode.STORAGE
        message = (
            f"Your files could not be put where Creatify can fetch them for {waited}: "
            f"{exc.user_message.rstrip('.')}. Nothing was spent; check your storage settings or the "
            "connection, then try again."
        )
    await rt.attention(job, code, message, exc.detail or exc.user_message)


async def _changed_since_priced(item: InputFile) -> str:
    """A plain sentence when the local file is gone or differs from the one priced; "" when fine."""
    name = Path(item.source).name
    try:
        actual = await asyncio.to_thread(sha256_file, Path(item.source))
    except OSError:
        return (
            f"The {item.kind} file {name!r} was moved or deleted before the video was requested. "
            "Nothing was spent; choose the file again."
        )
    if item.hash and actual != item.hash:
        return _changed_message(item)
    return ""


def _changed_message(item: InputFile) -> str:
    return (
        f"The {item.kind} file {Path(item.source).name!r} changed after the price was shown. "
        "Nothing was spent; check the file and create the video again."
    )


async def _remove_copy(rt: Runtime, job: LocalJob, item: InputFile) -> None:
    """Best effort: a copy the job no longer uses (it expires on its own where it cannot be deleted)."""
    assert item.key
    try:
        await rt.hoster.remove(item.key)
    except HostingError as exc:
        log.warning("could not delete an earlier hosted %s of job %s: %s", item.kind, job.id, exc.detail)


async def release_inputs(rt: Runtime, job: LocalJob) -> None:
    """Privacy: remove hosted copies of the inputs (the user's face and voice) after use."""
    if not rt.config.delete_hosted_inputs:
        return
    changes: dict[str, InputFile] = {}
    for item in job.inputs:
        if not item.key:
            continue
        try:
            await rt.hoster.remove(item.key)
        except HostingError as exc:
            log.warning("could not delete hosted %s of job %s: %s", item.kind, job.id, exc.detail)
            continue
        changes |= job.input_change(item.unhosted())  # the link is dead now: a retry hosts again
    if changes:
        await rt.store.update(job.id, History.INPUTS_DELETED, {"kinds": list(changes)}, **changes)
