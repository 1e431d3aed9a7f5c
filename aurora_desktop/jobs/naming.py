"""File names for finished videos: from user text, safe on every OS.

pathvalidate removes separators, reserved characters and reserved names
(CON, NUL, ...); here we add the template, the length limit, undecodable
characters from odd command lines, and uniqueness in the folder.
"""

from __future__ import annotations

import os
import string
from datetime import datetime
from pathlib import Path

from pathvalidate import sanitize_filename

from aurora_desktop.paths import fit_stem

DEFAULT_TEMPLATE = "{date} {name}"
TEMPLATE_FIELDS = ("date", "time", "name", "model", "id")
MAX_STEM = 120


def check_template(template: str) -> None:
    """Raise ValueError naming the problem when a template is unusable."""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise ValueError(f"The file name template is malformed: {exc}.") from None
    unknown = names - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValueError(
            f"Unknown field(s) in the file name template: {', '.join(sorted(unknown))}. "
            f"Use {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)}."
        )


# Bidirectional controls reorder what a name shows (U+202E makes "clip\u202egnp.exe" read
# "clipexe.png"): never in a name or a file name. Joiners (emoji sequences) stay.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def clean_text(text: str) -> str:
    """User text as valid Unicode: bytes that were not UTF-8 (odd command lines and
    file names arrive as surrogate escapes) become U+FFFD; bidi controls go; whitespace runs fold."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join(text.translate(BIDI_CONTROLS).split())


def safe_stem(text: str) -> str:
    text = clean_text(text)
    stem = sanitize_filename(text, platform="universal", max_len=MAX_STEM)
    stem = stem.strip(" .")  # no hidden files, no "..", no trailing dot
    return stem or "video"


def video_stem(template: str, *, name: str, model: str, job_id: str, when: datetime) -> str:
    try:
        check_template(template)
    except ValueError:
        template = DEFAULT_TEMPLATE
    local = when.astimezone()
    text = template.format(
        date=local.strftime("%Y-%m-%d"), time=local.strftime("%H-%M"), name=name or "video", model=model, id=job_id[:8]
    )
    return safe_stem(text)


def reserve_unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """A free name in `folder`, reserved on disk (created empty, exclusively) before it is
    returned: of several jobs with one name finishing at once, each gets its own file.
    A name whose sidecar or transcript alone exists is taken too (never overwritten).
    On Windows the stem is cut so the whole path fits MAX_PATH (paths.fit_stem)."""
    stem = fit_stem(folder, stem)
    number = 1
    while True:
        candidate = folder / (f"{stem}{suffix}" if number == 1 else f"{stem} ({number}){suffix}")
        number += 1
        if any(candidate.with_suffix(companion).exists() for companion in (".json", ".txt")):
            continue
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            continue
        return candidate
