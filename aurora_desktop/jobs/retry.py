"""How a stopped job is tried again: as it was, on a model that takes its voice, or, when the
credits the app knows are too few, on a cheaper model that fits (asked first, never sent).

A script job whose speech was made but whose voice turned out too long for the chosen model
(it never reached Creatify's video step) is retried on a longer model: the speech is reused,
never paid again. Every other job is retried as it was, unless the balance the window last
read is below what that costs: then nothing is sent, and the plan names the model that would
fit (``RetryPlan.cheaper``). Qt-free; the window only asks the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aurora_desktop.api.catalog import CATALOG, ModelSpec, audio_too_long, cost_credits, get_model
from aurora_desktop.api.speech import speech_credits
from aurora_desktop.formatting import credits_text
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
    cost: Decimal | None = None  # what retrying as it was costs (None: not known)
    remaining: Decimal | None = None  # the credits the window last read (None: not known)
    cheaper: ModelOffer | None = None  # too few credits: the model that fits them, if one does

    @property
    def too_few_credits(self) -> bool:
        """Retrying as it was would be refused for want of credits: say so before any request."""
        cost, remaining = self.cost, self.remaining
        return not self.longer_model and cost is not None and remaining is not None and cost > remaining

    def shortfall(self, job: LocalJob) -> str:
        """The sentence that says so, with the model that would fit ("…: switch?") if one does."""
        label = _label(job.model)
        said = (
            f"Not enough credits to try “{job.name}” again: it costs {credits_text(self.cost or 0)} credits "
            f"on {label} and you have {credits_text(self.remaining or 0)}."
        )
        if self.cheaper is None:
            return f"{said} Add credits at Creatify, then try again."
        return f"{said} {self.cheaper.model.label} would cost {credits_text(self.cheaper.credits)}: switch?"


def _label(key: str) -> str:
    try:
        return get_model(key).label
    except KeyError:
        return key


def retry_cost(job: LocalJob, model: ModelSpec | str | None = None) -> Decimal | None:
    """What trying ``job`` again costs on ``model`` (its own by default): the video, and the voice
    when it is still to be made. None when the voice's length is not known."""
    seconds = job.audio_seconds
    if seconds is None:
        return None
    try:
        video = cost_credits(model or job.model, seconds)
    except KeyError:
        return None
    return video + (speech_credits(seconds) if job.needs_speech else Decimal(0))


def _cheaper_fit(job: LocalJob, seconds: float, remaining: Decimal) -> ModelOffer | None:
    """The model closest to the job's own that takes the voice and costs no more than is left:
    the same family first (v1 -> v1 Fast, v2 1080p -> v2 720p), then the dearest that fits."""
    try:
        family = get_model(job.model).model_version.split("_")[1]  # "v1", "v2"
    except (KeyError, IndexError):
        family = ""
    fits = [
        ModelOffer(m, cost)
        for m in CATALOG
        if m.key != job.model
        and not audio_too_long(m, seconds)
        and (cost := retry_cost(job, m)) is not None
        and cost <= remaining
    ]
    if not fits:
        return None
    return max(fits, key=lambda o: (o.model.model_version.split("_")[1] == family, o.credits))


def retry_plan(job: LocalJob, remaining: Decimal | None = None) -> RetryPlan:
    """Whether ``job`` may simply be retried, or needs a longer model, and which ones would take it;
    ``remaining``: the credits the window knows (None: unknown, nothing is checked)."""
    seconds = job.audio_seconds or 0.0
    if not (job.speech_made and job.remote_id is None and audio_too_long(job.model, seconds)):
        cost = retry_cost(job)
        if cost is None or remaining is None or cost <= remaining:
            return RetryPlan(longer_model=False, seconds=seconds, cost=cost, remaining=remaining)
        cheaper = _cheaper_fit(job, seconds, remaining)
        return RetryPlan(False, seconds, cost=cost, remaining=remaining, cheaper=cheaper)
    offers = tuple(ModelOffer(m, cost_credits(m, seconds)) for m in CATALOG if not audio_too_long(m, seconds))
    return RetryPlan(longer_model=True, seconds=seconds, offers=offers, remaining=remaining)
