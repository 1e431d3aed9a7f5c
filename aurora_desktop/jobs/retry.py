"""How a stopped job is tried again: as it was, or on a model that takes its voice.

A script job whose speech was made but whose voice turned out too long for the chosen model
(it never reached Creatify's video step) is retried on a longer model: the speech is reused,
never paid again. Every other job is retried as it was. Qt-free; the window only asks which
model the user wants among ``RetryPlan.models``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aurora_desktop.api.catalog import CATALOG, ModelSpec, audio_too_long, cost_credits
from aurora_desktop.jobs.model import LocalJob


@dataclass(frozen=True)
class ModelOffer:
    model: ModelSpec
    credits: Decimal  # what the video costs on it, for this voice


@dataclass(frozen=True)
class RetryPlan:
    longer_model: bool  # False: retry as it was
    seconds: float = 0.0  # the voice's length
    offers: tuple[ModelOffer, ...] = ()  # the models that take the voice (empty: none does)


def retry_plan(job: LocalJob) -> RetryPlan:
    """Whether ``job`` may simply be retried, or needs a longer model, and which ones would take it."""
    seconds = job.audio_seconds or 0.0
    if not (job.speech_made and job.remote_id is None and audio_too_long(job.model, seconds)):
        return RetryPlan(longer_model=False)
    offers = tuple(ModelOffer(m, cost_credits(m, seconds)) for m in CATALOG if not audio_too_long(m, seconds))
    return RetryPlan(longer_model=True, seconds=seconds, offers=offers)
