"""`run`'s input shaping before anything is checked or spent (issue 25): `--crop` frames the
photo, `--trim` and `--trim-silence` choose the part of the clip, and the face check's finding
is a note. The files made here (media/framing.py, media/voice_edit.py) go on as the inputs;
the originals are never changed."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import re
from pathlib import Path

from aurora_desktop import paths
from aurora_desktop.cli.output import EXIT_INPUT, EXIT_STOPPED, Exit, Reporter
from aurora_desktop.errors import UserError
from aurora_desktop.jobs.model import is_link
from aurora_desktop.media.inspect import InputError

_TIME = re.compile(r"^\s*(?:(\d{1,3}):)?(\d{1,5}(?:\.\d+)?)\s*$")


def seconds_arg(text: str) -> float:
    """A time as seconds ("12.5") or minutes:seconds ("1:05.5")."""
    m = _TIME.match(text)
    if not m or (m[1] is not None and float(m[2]) >= 60):
        raise ValueError(f"{text!r} is not a time: write seconds (12.5) or minutes:seconds (1:05).")
    return int(m[1] or 0) * 60 + float(m[2])


def trim_arg(text: str) -> tuple[float, float | None]:
    """--trim START-END (END may be left out: to the end of the clip)."""
    start_text, dash, end_text = text.partition("-")
    if not dash:
        raise argparse.ArgumentTypeError(f"{text!r}: write --trim START-END, e.g. 0:05-0:25 or 5-25.")
    try:
        start = seconds_arg(start_text) if start_text.strip() else 0.0
        end = seconds_arg(end_text) if end_text.strip() else None
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if end is not None and end <= start:
        raise argparse.ArgumentTypeError(f"{text!r}: the end must come after the start.")
    return start, end


def crop_arg(text: str) -> object:
    from aurora_desktop.media.framing import parse_crop  # Pillow: only when the flag is given

    try:
        return parse_crop(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _local(source: str, flag: str, what: str) -> Path:
    if is_link(source):
        raise Exit(EXIT_INPUT, f"{flag} works on a {what} file on this computer, not on a link.")
    return Path(source).expanduser()


async def shape_image(args: argparse.Namespace, report: Reporter) -> str:
    """The photo to send: framed by --crop (centred on the face), and the face check said."""
    if is_link(args.image):
        if args.crop is not None:
            _local(args.image, "--crop", "photo")
        return str(args.image)
    from aurora_desktop.media import faces, framing  # Pillow and the detector: after the arguments

    source = Path(args.image).expanduser()
    try:
        check = await asyncio.to_thread(faces.check_face, source)
    except InputError as exc:
        raise Exit(EXIT_INPUT, exc.message) from None
    if check.code is not faces.FaceCode.FACE_OK or report.as_json:
        report.say(check.message, face=check.code.value)
    if args.crop is None:
        return str(source)
    centre = check.faces[0].centre if check.faces else None
    try:
        framed, box = await asyncio.to_thread(
            framing.frame_photo, source, args.crop, paths.cache_dir() / "framed", centre=centre
        )
    except InputError as exc:
        raise Exit(EXIT_INPUT, exc.message) from None
    report.say(
        f"The photo is framed to {box.width} × {box.height} pixels"
        + (" around the face." if centre is not None and not isinstance(args.crop, framing.Box) else "."),
        crop=str(box),
    )
    return str(framed)


async def shape_audio(args: argparse.Namespace, report: Reporter) -> str:
    """The clip to send: the part chosen by --trim, without its quiet ends with --trim-silence."""
    if args.trim is None and not args.trim_silence:
        return str(args.audio)
    flag = "--trim" if args.trim is not None else "--trim-silence"
    source = _local(str(args.audio), flag, "voice")
    wanted: tuple[float, float | None] = args.trim if args.trim is not None else (0.0, None)
    try:
        start, end = await asyncio.to_thread(_selection, source, *wanted, args.trim_silence)
        from aurora_desktop.media.voice_edit import cut_wav

        key = hashlib.sha256(f"{source.resolve()}|{source.stat().st_mtime_ns}|{start:.6f}|{end:.6f}".encode())
        target = paths.cache_dir() / "trimmed" / f"voice-{key.hexdigest()[:24]}.wav"
        await asyncio.to_thread(cut_wav, source, start, end, target)
    except InputError as exc:
        raise Exit(EXIT_INPUT, exc.message) from None
    except UserError as exc:  # voice_edit.CutError: the file cannot be read, or the disk is full
        raise Exit(EXIT_STOPPED if getattr(exc, "disk_full", False) else EXIT_INPUT, exc.user_message) from None
    except OSError as exc:
        raise Exit(EXIT_INPUT, f"The voice file {source.name!r} cannot be read ({exc.strerror}).") from None
    report.say(f"The voice is cut to {start:.2f}–{end:.2f} s ({end - start:.2f} s).", trim=[start, end])
    return str(target)


def _selection(source: Path, start: float, end: float | None, without_silence: bool) -> tuple[float, float]:
    """The selection in seconds, within the clip, narrowed to where there is sound if asked."""
    from aurora_desktop.media.decode import DecodeError, decode_pcm
    from aurora_desktop.media.silence import trim_silence

    try:
        pcm = decode_pcm(source, every=6)  # mono at 8 kHz: enough to find the sound, and its length
    except DecodeError:
        raise InputError("The voice file is damaged or in a format that cannot be played.") from None
    end = pcm.duration if end is None else min(end, pcm.duration)
    if start >= end:
        raise InputError(f"The clip is {pcm.duration:.1f} s long: --trim starts after its end.")
    if without_silence:
        found = trim_silence(pcm, start, end)
        if found is None:
            raise InputError("The chosen part of the clip is silent: there is no voice for the face to follow.")
        start, end = found
    return start, end
