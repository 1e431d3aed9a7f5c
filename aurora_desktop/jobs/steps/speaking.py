"""Step SPEAKING -> HOSTING (or VOICE_READY): a script becomes speech at Creatify.

Charged once, like the video: the intent (one more attempt) is committed before
the POST; an answer that proves nothing was created takes it back. Speech has no
`name` (so no client token): a POST whose outcome is unknown is looked for in the
documented list (`GET /api/text_to_speech/`, most recent first, read only back to
the attempt less `CLOCK_MARGIN`) by its exact script, its accent and a creation time
after the attempt less that margin (or none), looked at after each of
`reconcile_delays`; when nothing matches, the job is parked for the user rather than
sent again. Every wait of this step counts against `speech_patience` from when the job
entered it.

The speech's real length is checked against the model before the video is
requested: too long, the job stops with the speech kept (its link is the audio
input), so a longer model can use it without paying for the speech again.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from aurora_desktop.api import (
    ApiError,
    AuthError,
    InsufficientCreditsError,
    InvalidResponseError,
    JobStatus,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerUnavailableError,
    ValidationError,
)
from aurora_desktop.api.catalog import audio_too_long, cost_credits, get_model, too_long_message
from aurora_desktop.api.errors import excerpt
from aurora_desktop.api.retry import NotSent
from aurora_desktop.api.speech import SCRIPT_MAX, SpeechJob, SpeechRequest
from aurora_desktop.jobs.events import JobChanged
from aurora_desktop.jobs.limits import ScriptLimit, limit_named_in, script_too_long
from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State
from aurora_desktop.jobs.runtime import Runtime, Wait
from aurora_desktop.jobs.steps.submitting import CLOCK_MARGIN, SEARCH_MAX_BYTES, SEARCH_MAX_JOBS
from aurora_desktop.jobs.vocabulary import ErrorCode, History, Phase

_NOTHING_CREATED = (NotSent, RateLimitedError, AuthError, InsufficientCreditsError, ValidationError)
_UNKNOWN_OUTCOME = (OutcomeUnknownError, ServerUnavailableError, InvalidResponseError, NetworkError)

UNCONFIRMED = (
    "The app could not confirm that Creatify received the request for this voice, and did not find it among "
    "your account's voices. Check your Creatify account; “Try again” asks for a new voice (which may charge again)."
)


async def speak(rt: Runtime, job: LocalJob) -> None:
    if job.state is State.DRAFT:
        job = await rt.move(job, State.SPEAKING, History.SPEAKING)
    if job.speech_id is None:
        speech = await _request(rt, job)
        if speech is None:
            return  # parked, failed, or waiting (the step runs again)
        job = await rt.store.update(job.id, History.SPEECH_REQUESTED, {"speech_id": speech.id}, speech_id=speech.id)
    await _follow(rt, job)


async def _request(rt: Runtime, job: LocalJob) -> SpeechJob | None:
    if job.speech_attempts > 0:  # a request may have left before a crash: look before asking again
        found = await _find(rt, job)
        if found is not None:
            await rt.store.update(job.id, History.SPEECH_ADOPTED, {"speech_id": found.id})
            return found
        await rt.attention(job, ErrorCode.LOST, UNCONFIRMED)
        return None
    request = SpeechRequest(script=job.script or "", accent=job.voice_id or "")
    claimed = await rt.store.claim_speech_attempt(job.id, job.speech_attempts)
    try:
        speech = await rt.client.create_speech(request)
    except _NOTHING_CREATED as exc:
        claimed = await rt.store.update(job.id, History.NOT_SENT, speech_attempts=job.speech_attempts)
        if isinstance(exc, NotSent):
            raise Wait(2.0, exc.user_message, offline=True) from None
        if isinstance(exc, RateLimitedError):
            await _waiting(rt, claimed, exc)
            raise Wait(exc.retry_after or 5.0, exc.user_message) from None
        if isinstance(exc, ValidationError):
            message = f"Creatify did not make the voice: {exc.user_message}"
            named = limit_named_in(exc.field_errors.get("script", []))
            if exc.field_errors.get("script") and (named is not None or len(request.script) > SCRIPT_MAX):
                limit = await asyncio.to_thread(script_limit(rt).refused, named)  # refused for its length
                message = script_too_long(len(request.script), limit)
            await rt.move(
                claimed,
                State.FAILED,
                History.REFUSED,
                error_message=f"{message} Nothing was spent.",
                error_code=str(ErrorCode.INPUT),
                error_detail=exc.detail,
            )
            return None
        code = ErrorCode.AUTH if isinstance(exc, AuthError) else ErrorCode.CREDITS
        await rt.attention(claimed, code, exc.user_message, exc.detail)
        return None
    except _UNKNOWN_OUTCOME as exc:
        found = await _find(rt, claimed)
        if found is not None:
            await rt.store.update(job.id, History.SPEECH_ADOPTED, {"speech_id": found.id})
            return found
        await rt.attention(claimed, ErrorCode.LOST, UNCONFIRMED, f"{type(exc).__name__}: {exc.detail}")
        return None
    rt.set_online(True)
    await asyncio.to_thread(script_limit(rt).accepted, [len(request.script)])
    return speech


def _same_id(echoed: str | None, sent: str | None) -> bool:
    """The accent echoed back is the one sent, whatever the UUID's case or braces."""
    if not echoed or not sent:
        return False
    try:
        return uuid.UUID(echoed) == uuid.UUID(sent)
    except ValueError:
        return echoed.strip() == sent.strip()


def script_limit(rt: Runtime) -> ScriptLimit:
    """What this account may send to this service, learnt from answers, kept beside the job library."""
    return ScriptLimit(rt.store.sync.path.parent, rt.client.base_url)


async def _find(rt: Runtime, job: LocalJob) -> SpeechJob | None:
    """The speech this job may already have asked for: in the documented list, newest first,
    the newest one with this exact script and accent made after the attempt was recorded (the
    intent is written before the POST), less `CLOCK_MARGIN` for a computer's clock ahead of
    Creatify's; a speech without a creation time matches on script and accent alone. The list
    is read only back to that time (bounded, as for videos) and looked at after each of
    `reconcile_delays` (a speech may appear late). None when nothing matches (the caller parks the job)."""
    attempted = await rt.store.last_event_at(job.id, History.SPEECH_INTENT)
    if attempted is None:
        return None
    since = attempted - CLOCK_MARGIN

    def recent_enough(s: SpeechJob) -> bool:
        return s.created_at is None or s.created_at >= since

    def mine(s: SpeechJob) -> bool:
        return s.script == job.script and _same_id(s.accent, job.voice_id) and recent_enough(s)

    for delay in rt.config.reconcile_delays:
        await asyncio.sleep(delay)
        try:
            recent = await rt.client.newest_speech(
                lambda s: recent_enough(s) and not mine(s), max_jobs=SEARCH_MAX_JOBS, max_bytes=SEARCH_MAX_BYTES
            )
        except (NetworkError, ServerUnavailableError, RateLimitedError) as exc:
            await _waiting(rt, job, exc)
            raise Wait(2.0, exc.user_message, offline=isinstance(exc, NetworkError)) from None
        except ApiError:  # no list after all (404/405) or an unreadable one: nothing can be matched
            return None
        await asyncio.to_thread(script_limit(rt).accepted, (len(s.script or "") for s in recent))
        found = next((s for s in recent if mine(s)), None)  # newest first: the first is the newest
        if found is not None:
            return found
    return None


async def _follow(rt: Runtime, job: LocalJob) -> None:
    assert job.speech_id
    try:
        speech = await rt.client.get_speech(job.speech_id)
    except NotFoundError:
        await rt.attention(job, ErrorCode.LOST, "Creatify no longer knows this voice. Try again to make a new one.")
        return
    except (NetworkError, ServerUnavailableError, RateLimitedError, InvalidResponseError) as exc:
        await _waiting(rt, job, exc)
        raise Wait(rt.config.poll_min, exc.user_message, offline=isinstance(exc, NetworkError)) from None
    rt.set_online(True)
    if speech.status in (JobStatus.FAILED, JobStatus.REJECTED):
        rt.speaking_since.pop(job.id, None)
        reason = (speech.failed_reason or "").strip().rstrip(".") or "no reason was given"
        await rt.move(
            job,
            State.FAILED,
            History.SPEECH_FAILED,
            {"refunded": True},
            error_code=str(ErrorCode.REMOTE),
            error_message=f"Creatify could not make the voice: {excerpt(reason, 300)}. Failed speech is not charged.",
            error_detail=f"speech job {speech.id}: {excerpt(reason, 20_000)}",
            speech_credits=Decimal(0),
        )
        return
    if speech.status is not JobStatus.DONE or not speech.output:
        await _still_making(rt, job, speech)
        rt.progress(job, Phase.SPEAKING, 0.0, 1.0)
        raise Wait(rt.config.poll_min, "the voice is being made")
    rt.speaking_since.pop(job.id, None)
    await speech_ready(rt, job, speech)


async def _speaking_for(rt: Runtime, job: LocalJob) -> float:
    """Seconds since the job entered this step (durable: its "speaking" history entry, else its
    latest speech intent; else the first time this engine saw it), so time spent waiting on an
    unanswered list or status counts as well as time "being made", across restarts."""
    started = await rt.store.last_event_at(job.id, History.SPEAKING)
    if started is None:
        started = await rt.store.last_event_at(job.id, History.SPEECH_INTENT)
    first = started.timestamp() if started is not None else rt.speaking_since.setdefault(job.id, time.time())
    return time.time() - first


async def _still_making(rt: Runtime, job: LocalJob, speech: SpeechJob) -> None:
    """Keep watching, but after `speech_patience` say so, as for a video in a state this app
    does not know: a command waiting for the job ends (exit 1) and the row tells the user,
    instead of "making the voice" for ever."""
    status = excerpt(speech.status.value, 40)
    await _note_if_slow(
        rt,
        job,
        lambda time: (
            f"Creatify has been making the voice for over {time} and it is not ready yet (it says “{status}”)."
        ),
        {"status": status},
        f"speech job {speech.id}: status {speech.status.value}",
    )


async def _waiting(rt: Runtime, job: LocalJob, exc: ApiError) -> None:
    """An unanswered list, status or request (503, 429, no network) counts against the same
    patience: a service that keeps answering 503 does not keep a command waiting for ever."""
    await _note_if_slow(
        rt,
        job,
        lambda time: (
            f"The voice has been on its way for over {time} and Creatify does not answer about it: "
            f"{exc.user_message.rstrip('.')}."
        ),
        {"error": type(exc).__name__},
        exc.detail or exc.user_message,
    )


async def _note_if_slow(
    rt: Runtime, job: LocalJob, summary: Callable[[str], str], data: dict[str, str], detail: str
) -> None:
    """After `speech_patience` since the step began, say so once (`summary` of the time waited)."""
    if job.error_code == ErrorCode.STATE or await _speaking_for(rt, job) < rt.config.speech_patience:
        return
    minutes = max(1, round(rt.config.speech_patience / 60))
    job = await rt.store.update(
        job.id,
        History.SPEECH_SLOW,
        data,
        error_code=str(ErrorCode.STATE),
        error_message=summary(f"{minutes} minute{'s' if minutes > 1 else ''}")
        + " The job is kept and nothing more is charged: "
        "the app goes on checking while it is open, and `aurora-desktop resume` picks the job up later.",
        error_detail=detail,
    )
    rt.emit(JobChanged(job))
    rt.may_have_settled(job.id)


async def speech_ready(rt: Runtime, job: LocalJob, speech: SpeechJob) -> None:
    """Record the speech as the job's audio; stop if it is too long for the model, or if
    the user wants to hear it first; else go on to the video."""
    assert speech.output
    seconds = speech.duration if speech.duration is not None else job.audio_seconds or 0.0
    # Sent as it is, like a pasted link (its lifetime is not documented; no expiry is assumed).
    audio = InputFile(InputKind.AUDIO, speech.output, mime=_mime_of(speech.output), url=speech.output)
    spec = get_model(job.model)
    video = cost_credits(spec, seconds)
    changes = {
        "error_code": None,  # a "still making the voice" note is over
        "error_message": None,
        "error_detail": None,
        "audio": audio,
        "audio_seconds": seconds,
        "speech_credits": speech.credits_used,
        "cost_estimate": video + (speech.credits_used or Decimal(0)),
    }
    job = await rt.store.update(job.id, History.SPEECH_DONE, {"seconds": seconds}, **changes)
    if audio_too_long(spec, seconds):
        await rt.attention(
            job,
            ErrorCode.INPUT,
            f"The voice came out {seconds:.0f} seconds long. "
            + too_long_message(seconds, spec)
            + " The voice is kept: “Try again” with a longer model uses it without paying for it again.",
        )
        return
    if job.hear_first:
        await rt.move(job, State.VOICE_READY, History.SPEECH_DONE)
        return
    await rt.move(job, State.HOSTING, History.SPEECH_DONE)


def _mime_of(url: str) -> str:
    path = url.split("?", 1)[0].lower()
    return "audio/wav" if path.endswith(".wav") else "audio/mpeg"
