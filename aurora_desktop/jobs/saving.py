"""Putting a finished video into the library folder, atomically, with its sidecar; renaming it there."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any

from aurora_desktop.fileio import temp_beside, write_atomic
from aurora_desktop.formatting import credits_number
from aurora_desktop.jobs.model import LocalJob
from aurora_desktop.jobs.naming import reserve_unique_path, safe_stem


def sidecar_data(job: LocalJob) -> dict[str, Any]:
    return {
        "app": "Aurora Desktop",
        "name": job.name,
        "model": job.model,
        "image": job.image.source,
        "audio": job.audio.source,
        "text_prompt": job.text_prompt,
        "prompt_guidance_scale": job.guidance,
        "audio_seconds": job.audio_seconds,
        "script": job.script,
        "voice": job.voice_name,
        "voice_id": job.voice_id,
        "speech_id": job.speech_id,
        "speech_credits": credits_number(job.speech_credits),
        "credits_used": credits_number(job.credits_used),
        "credits_total": credits_number(job.credits_total),  # the voice and the video
        "remote_id": job.remote_id,
        "created_at": job.created_at.isoformat(),
        "submitted_at": job.submitted_at.isoformat() if job.submitted_at else None,
        "saved_at": None,
    }


def sidecar_paths(video: Path) -> tuple[Path, Path]:
    """The files beside a video that belong to it: its JSON sidecar and a script's transcript."""
    return video.with_suffix(".json"), video.with_suffix(".txt")


def write_sidecar(target: Path, job: LocalJob, saved_at: str) -> Path:
    """The JSON sidecar, and for a script job its words as a plain-text transcript
    (UTF-8, ready for captions)."""
    data = sidecar_data(job) | {"saved_at": saved_at}
    path, transcript = sidecar_paths(target)
    # ASCII with \u escapes: valid JSON whatever bytes the input file names hold.
    write_atomic(path, json.dumps(data, indent=2).encode("ascii"))
    if job.script:
        write_atomic(transcript, (job.script.strip() + "\n").encode("utf-8"))
    return path


def move_into_place(partial: Path, target: Path) -> None:
    """Atomic rename; across file systems, copy to a hidden temp beside the target, then rename."""
    try:
        os.replace(partial, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    tmp = temp_beside(target)
    try:
        shutil.copyfile(partial, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    partial.unlink(missing_ok=True)


def rename_video(video: Path, name: str) -> Path:
    """Rename a saved video on disk to `name`, with its sidecar and transcript; the new path.

    The same rules as saving: a safe file name (pathvalidate, via naming.safe_stem), in the same
    folder, never over another file (a name taken, even by a lone sidecar, gets " (2)"); the
    sidecar's "name" follows. Nothing is left half done: on an error every file moved goes back.
    """
    stem = safe_stem(name)
    if stem == video.stem:
        return video
    if not video.is_file():
        raise FileNotFoundError(errno.ENOENT, "The video is not in its folder any more", str(video))
    target = reserve_unique_path(video.parent, stem, video.suffix)  # created empty, exclusively: ours
    moves = [(video, target)] + [
        (old, new) for old, new in zip(sidecar_paths(video), sidecar_paths(target), strict=True) if old.exists()
    ]
    done: list[tuple[Path, Path]] = []
    try:
        for old, new in moves:
            if new != target and new.exists():  # appeared since the name was reserved: never overwrite
                raise FileExistsError(errno.EEXIST, "A file with this name exists", str(new))
            os.replace(old, new)
            done.append((old, new))
    except BaseException:
        for old, new in reversed(done):
            os.replace(new, old)
        target.unlink(missing_ok=True)
        raise
    sidecar = sidecar_paths(target)[0]
    try:
        data = json.loads(sidecar.read_bytes())
        if isinstance(data, dict):
            write_atomic(sidecar, json.dumps(data | {"name": name}, indent=2).encode("ascii"))
    except (OSError, ValueError):
        pass  # no sidecar, or not one of ours: the video's new name is what matters
    return target
