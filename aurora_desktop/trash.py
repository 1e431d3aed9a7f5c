"""A removed video goes to the system's Trash / Recycle Bin, and "Undo" puts it back.

Qt's `QFile.moveToTrash` says where the file went on every OS: on Linux
`~/.local/share/Trash/files/NAME` (its record in `../info/NAME.trashinfo`), on
Windows `C:\\$Recycle.Bin\\<SID>\\$R…` (its record `$I…` beside it), on macOS
`~/.Trash/NAME` (no record beside it). Undo moves the file back from there, if it
is still there, and removes that OS's record so the Trash shows no ghost.

Where the system has no Trash for the file (a drive without one, say), the file is
kept hidden in a holding folder under the profile until the time to undo is over,
and only then goes to the Trash (`finish`); if even that fails, it is put back
where it was, never deleted. A held file left by a crash is put back at the next
start (`restore_leftovers`): its removal was never committed.

Qt-free but for the default mover (QtCore, imported when used); the platform and
the mover are parameters, so every OS's way is tested on Linux
(tests/unit/test_platforms.py).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

ORIGIN = "original-path.txt"  # in each held item's folder: where the file came from

Mover = Callable[[Path], Path | None]


@dataclass(frozen=True, slots=True)
class Trashed:
    original: Path  # where the file was, and goes back to on undo
    moved: Path  # where it is now: in the OS's Trash, or in the holding folder
    held: bool = False  # in the holding folder: to the Trash when the time to undo is over


def qt_move_to_trash(path: Path) -> Path | None:
    """The OS's Trash through Qt; where the file is now, or None if it could not go there."""
    from PySide6.QtCore import QFile

    file = QFile(str(path))
    return Path(file.fileName()) if file.moveToTrash() else None


def to_trash(path: Path, holding: Path, *, mover: Mover | None = None) -> Trashed | None:
    """Move `path` to the Trash (or, where there is none for it, into `holding`).
    None when it is not there or could be moved nowhere (it stays where it is)."""
    if not path.exists():
        return None
    try:
        moved = (mover or qt_move_to_trash)(path)
    except OSError as exc:
        log.warning("moving to the Trash failed: %s", type(exc).__name__)
        moved = None
    if moved is not None:
        return Trashed(path, moved)
    return _hold(path, holding)


def _hold(path: Path, holding: Path) -> Trashed | None:
    folder = holding / uuid.uuid4().hex
    try:
        folder.mkdir(parents=True)
        (folder / ORIGIN).write_bytes(os.fsencode(path))  # the name's own bytes: any name the OS allows
        moved = Path(shutil.move(path, folder / path.name))
    except OSError as exc:
        log.warning("no Trash, and the file could not be held either: %s", type(exc).__name__)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    log.info("no Trash for this file: held until the time to undo is over")
    return Trashed(path, moved, held=True)


def put_back(item: Trashed, *, platform: str = sys.platform) -> None:
    """Undo: the file back where it was. OSError when it cannot be (gone from the Trash,
    another file in its place): the caller says where the file is."""
    if item.original.exists():
        raise FileExistsError(f"another file is at {item.original}")
    if not item.moved.exists():
        raise FileNotFoundError(f"no longer at {item.moved}")
    shutil.move(item.moved, item.original)  # a rename: the Trash is on the file's own drive
    if item.held:
        shutil.rmtree(item.moved.parent, ignore_errors=True)
    else:
        _forget(item.moved, platform)


def _forget(moved: Path, platform: str) -> None:
    """Remove the Trash's record of a file taken back out of it."""
    if platform == "win32":
        # $Recycle.Bin: "$R<id>.ext" is the file, "$I<id>.ext" beside it lists it in the bin.
        if moved.name.startswith("$R"):
            (moved.parent / ("$I" + moved.name[2:])).unlink(missing_ok=True)
    elif platform == "darwin":
        pass  # ~/.Trash keeps nothing beside the file (Finder's "Put Back" notes live in its .DS_Store)
    elif moved.parent.name == "files":
        # freedesktop.org Trash: files/NAME and info/NAME.trashinfo.
        moved.parent.parent.joinpath("info", moved.name + ".trashinfo").unlink(missing_ok=True)


def finish(item: Trashed, *, mover: Mover | None = None) -> Path | None:
    """The time to undo is over. A held file goes to the Trash now; if it cannot, it is put
    back where it was (never lost). None when it is in the Trash, else where the file is kept."""
    if not item.held:
        return None
    try:
        moved = (mover or qt_move_to_trash)(item.moved) if item.moved.exists() else None
    except OSError:
        moved = None
    if moved is not None:
        shutil.rmtree(item.moved.parent, ignore_errors=True)
        return None
    log.warning("a held file could not go to the Trash: put back where it was")
    try:
        put_back(item)
    except OSError as exc:
        log.warning("and could not be put back (%s): it stays in %s", type(exc).__name__, item.moved.parent)
        return item.moved
    return item.original


def restore_leftovers(holding: Path) -> list[Path]:
    """Files held when the app stopped (a crash before the time to undo was over): their
    removal never happened, so they go back where they were. The paths put back."""
    restored: list[Path] = []
    if not holding.is_dir():
        return restored
    for folder in sorted(p for p in holding.iterdir() if p.is_dir()):
        try:
            original = Path(os.fsdecode((folder / ORIGIN).read_bytes()))
            [moved] = [p for p in folder.iterdir() if p.name != ORIGIN]
            put_back(Trashed(original, moved, held=True))
        except (OSError, ValueError) as exc:
            log.warning("a held file could not be put back: %s", type(exc).__name__)
            continue
        restored.append(original)
    return restored
