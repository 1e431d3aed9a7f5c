"""What a job went through, in a few lines a person (or support) can read (Qt-free).

Behind "Show details" and "Copy details" of a job's problem: which video, what
Creatify was asked and answered, and the job's last steps with their times.
Links lose their query strings (a pre-signed link's signature is a secret).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from aurora_desktop.formatting import credits_text
from aurora_desktop.jobs.model import InputFile, LocalJob

LAST_STEPS = 12


def _where(item: InputFile) -> str:
    if item.is_link:
        parts = urlsplit(item.source)
        return urlunsplit(parts._replace(query="", fragment=""))
    return Path(item.source).name


def _when(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def job_report(job: LocalJob, events: list[dict[str, Any]]) -> str:
    credits = job.credits_total
    credits_said = credits_text(credits) if credits is not None else "—"
    lines = [
        f"Video: {job.name}",
        f"Job: {job.id}, state {job.state.value}" + (f", problem: {job.error_code}" if job.error_code else ""),
        f"Model: {job.model}; audio {job.audio_seconds or 0:.1f} s; credits {credits_said}",
        f"Creatify: job {job.remote_id or 'not created'}, status {job.remote_status or '—'}, at {job.api_base or '—'}",
        f"Made: {_when(job.created_at)}; finished: {_when(job.finished_at)}",
        f"Photo: {_where(job.image)}; voice: {_where(job.audio)}",
    ]
    if job.output_path:
        lines.append(f"Saved as: {job.output_path}")
    if events:
        lines.append("Last steps:")
        for event in events[-LAST_STEPS:]:
            extra = {k: v for k, v in event.items() if k not in ("at", "kind") and v not in (None, "", [])}
            shown = ", ".join(f"{k} {v}" for k, v in extra.items())[:160]
            lines.append(f"  {_when(event['at'])}  {event['kind']}" + (f" ({shown})" if shown else ""))
    if job.error_detail:
        lines.append(f"Detail: {job.error_detail}")
    return "\n".join(lines)
