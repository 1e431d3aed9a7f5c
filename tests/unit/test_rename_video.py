"""jobs/saving.rename_video: a saved video renamed on disk with its sidecar and transcript, by the
rules of saving (issue 23 item 10)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aurora_desktop.jobs import saving
from aurora_desktop.jobs.saving import rename_video


def saved(folder: Path, stem: str, *, transcript: bool = True) -> Path:
    video = folder / f"{stem}.mp4"
    video.write_bytes(b"video")
    video.with_suffix(".json").write_text(json.dumps({"app": "Aurora Desktop", "name": stem}))
    if transcript:
        video.with_suffix(".txt").write_text("Hello there.\n")
    return video


def test_the_video_its_sidecar_and_transcript_move_together_and_the_sidecar_says_the_name(tmp_path: Path) -> None:
    video = saved(tmp_path, "2026-12-03 Shop intro")
    moved = rename_video(video, "Spring sale")
    assert moved == tmp_path / "Spring sale.mp4" and moved.read_bytes() == b"video"
    assert moved.with_suffix(".txt").read_text() == "Hello there.\n"
    assert json.loads(moved.with_suffix(".json").read_text())["name"] == "Spring sale"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Spring sale.json", "Spring sale.mp4", "Spring sale.txt"]


def test_never_over_another_file_not_even_a_lone_sidecar(tmp_path: Path) -> None:
    saved(tmp_path, "Spring sale")
    (tmp_path / "Spring sale (2).json").write_text("{}")  # someone else's details
    video = saved(tmp_path, "Shop intro", transcript=False)
    moved = rename_video(video, "Spring sale")
    assert moved.name == "Spring sale (3).mp4" and moved.with_suffix(".json").exists()
    assert (tmp_path / "Spring sale.mp4").read_bytes() == b"video" and (
        tmp_path / "Spring sale (2).json"
    ).read_text() == "{}"
    assert not video.exists() and not (tmp_path / "Spring sale (3).txt").exists()


def test_a_name_is_made_safe_as_when_saving(tmp_path: Path) -> None:
    video = saved(tmp_path, "Shop intro")
    moved = rename_video(video, 'a/b:c*?"<>| CON')
    assert moved.parent == tmp_path and "/" not in moved.name and ":" not in moved.name
    assert rename_video(moved, 'a/b:c*?"<>| CON') == moved  # the same name: nothing moves


def test_a_failure_half_way_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    video = saved(tmp_path, "Shop intro")
    real = os.replace
    calls: list[Path] = []

    def second_fails(old: os.PathLike[str], new: os.PathLike[str]) -> None:
        calls.append(Path(new))
        if len(calls) == 2:
            raise PermissionError(13, "denied", str(new))
        real(old, new)

    monkeypatch.setattr(saving.os, "replace", second_fails)
    with pytest.raises(PermissionError):
        rename_video(video, "Spring sale")
    monkeypatch.setattr(saving.os, "replace", real)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Shop intro.json", "Shop intro.mp4", "Shop intro.txt"]


def test_a_missing_video_is_said_not_invented(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        rename_video(tmp_path / "gone.mp4", "Spring sale")
    assert list(tmp_path.iterdir()) == []


def test_the_engine_renames_the_file_and_the_record_follows_or_neither_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Engine.rename(..., file=True): the store's output_path follows the file; when the record
    cannot be written, the file goes back to its name."""
    from aurora_desktop.jobs.model import State
    from aurora_desktop.jobs.store import JobStore, StoreError
    from tests.fixtures.loops import run
    from tests.unit.test_job_actions import _engine, _job

    engine, store, _ = _engine(tmp_path)
    video = saved(tmp_path, "Clip")
    store.insert(_job(State.SAVED, "saved", output_path=str(video)))

    async def rename(name: str) -> None:
        try:
            await engine.rename("saved", name, file=True)
        finally:
            await engine.close()

    run(rename("Spring sale"))
    job = JobStore(tmp_path / "jobs.sqlite3").get("saved")
    assert job is not None and job.name == "Spring sale" and job.output_path == str(tmp_path / "Spring sale.mp4")
    assert (tmp_path / "Spring sale.txt").exists() and not video.exists()

    engine, store, _ = _engine(tmp_path)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise StoreError("disk full")

    monkeypatch.setattr(store, "update", broken)
    with pytest.raises(StoreError):
        run(rename("Summer sale"))
    assert (tmp_path / "Spring sale.mp4").exists() and not (tmp_path / "Summer sale.mp4").exists()
    assert (tmp_path / "Spring sale.txt").exists()
