"""Settings of one sandbox process (all from its command line)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from decimal import Decimal

from aurora_desktop.api.speech import SCRIPT_MAX_LONGER

DEFAULT_API_ID = "sandbox-id"
DEFAULT_API_KEY = "sandbox-key"


@dataclass
class FaultRates:
    """Random faults on API calls, each a share of requests (0..1). Seeded: repeatable."""

    latency: float = 0.0  # seconds added to every API answer
    server_error: float = 0.0  # answer 503 (or 500/502/504, picked at random)
    rate_limit: float = 0.0  # answer 429
    retry_after: float | None = 1.0  # Retry-After seconds on those 429s; None sends no header
    drop: float = 0.0  # cut the connection mid-answer
    truncate: float = 0.0  # cut video/file downloads part-way
    seed: int = 0

    @property
    def any(self) -> bool:
        return any((self.latency, self.server_error, self.rate_limit, self.drop, self.truncate))


@dataclass
class SandboxConfig:
    api_id: str = DEFAULT_API_ID
    api_key: str = DEFAULT_API_KEY
    auth_status: int = 401  # the real code for bad keys is unknown: 401 or 403
    credits: Decimal = Decimal(1000)
    credits_status: int = 400  # status of "not enough credits" (unknown: 400, 402 or 403)
    progress_scale: int = 1  # 1: progress 0..1; 100: progress 0..100
    progress_reported: bool = True  # False: progress stays 0 until done (how fine it is, is unknown)
    job_seconds: float = 4.0  # least time from pending to done
    slow_progress: float = 1.0  # fault: multiply job_seconds
    render_workers: int = 1  # jobs rendering at once; others wait in_queue
    max_input_bytes: int = 50 * 1024 * 1024
    script_max: int = SCRIPT_MAX_LONGER  # characters of a speech script (the docs say 4,000 or 8,000)
    fetch_timeout: float = 20.0
    data_dir: str | None = None  # outputs and hosted files; a temp dir when None
    speech_seconds: float | None = None  # how long a voice takes; None: as long as a video (job_seconds)
    history: int = 0  # finished past jobs the account starts with (a heavy account: 15,000, over 16 MB listed)
    faults: FaultRates = field(default_factory=FaultRates)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m aurora_desktop.sandbox",
        description="A local stand-in for Creatify's Aurora API over real HTTP. "
        "Prints its base URL on the first line of stdout.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    p.add_argument("--api-id", default=DEFAULT_API_ID, help=f"accepted X-API-ID (default {DEFAULT_API_ID})")
    p.add_argument("--api-key", default=DEFAULT_API_KEY, help=f"accepted X-API-KEY (default {DEFAULT_API_KEY})")
    p.add_argument("--auth-status", type=int, choices=(401, 403), default=401)
    p.add_argument("--credits", type=Decimal, default=Decimal(1000), help="starting balance")
    p.add_argument("--credits-status", type=int, choices=(400, 402, 403), default=400)
    p.add_argument("--progress-scale", type=int, choices=(1, 100), default=1)
    p.add_argument(
        "--no-progress", action="store_true", help="report progress 0 until a job is done (the coarsest reading)"
    )
    p.add_argument("--job-seconds", type=float, default=4.0, help="least time a job takes")
    p.add_argument("--render-workers", type=int, default=1)
    p.add_argument("--max-input-mb", type=float, default=50)
    p.add_argument(
        "--script-max", type=int, default=SCRIPT_MAX_LONGER, help="longest speech script taken, in characters"
    )
    p.add_argument("--fetch-timeout", type=float, default=20.0)
    p.add_argument("--data-dir", default=None, help="where outputs and hosted files go (default: a temp dir)")
    p.add_argument(
        "--speech-seconds",
        type=float,
        default=None,
        help="how long making a voice takes (default: --job-seconds; a large value: a voice that never finishes)",
    )
    p.add_argument(
        "--history",
        type=int,
        default=0,
        help="finished past videos the account starts with, about 1.15 kB each when listed "
        "(a heavy account: 15000, over 16 MB)",
    )
    p.add_argument("--log-level", default="warning")
    f = p.add_argument_group("fault injection (shares of API requests, 0..1)")
    f.add_argument("--latency", type=float, default=0.0, help="seconds added to every API answer")
    f.add_argument("--server-errors", type=float, default=0.0, help="share answered 500/502/503/504")
    f.add_argument("--rate-limits", type=float, default=0.0, help="share answered 429")
    f.add_argument("--retry-after", type=float, default=1.0, help="Retry-After on 429s; negative: no header")
    f.add_argument("--drops", type=float, default=0.0, help="share of connections cut mid-answer")
    f.add_argument("--truncates", type=float, default=0.0, help="share of downloads cut part-way")
    f.add_argument("--slow-progress", type=float, default=1.0, help="multiply --job-seconds")
    f.add_argument("--faults", type=float, default=None, help="shortcut: this share of every fault kind at once")
    f.add_argument("--seed", type=int, default=0)
    return p


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    share = args.faults
    faults = FaultRates(
        latency=args.latency,
        server_error=share if share is not None else args.server_errors,
        rate_limit=share if share is not None else args.rate_limits,
        retry_after=None if args.retry_after < 0 else args.retry_after,
        drop=share if share is not None else args.drops,
        truncate=share if share is not None else args.truncates,
        seed=args.seed,
    )
    return SandboxConfig(
        api_id=args.api_id,
        api_key=args.api_key,
        auth_status=args.auth_status,
        credits=args.credits,
        credits_status=args.credits_status,
        progress_scale=args.progress_scale,
        progress_reported=not args.no_progress,
        job_seconds=args.job_seconds,
        slow_progress=args.slow_progress,
        render_workers=args.render_workers,
        max_input_bytes=int(args.max_input_mb * 1024 * 1024),
        script_max=args.script_max,
        fetch_timeout=args.fetch_timeout,
        data_dir=args.data_dir,
        speech_seconds=args.speech_seconds,
        history=args.history,
        faults=faults,
    )
