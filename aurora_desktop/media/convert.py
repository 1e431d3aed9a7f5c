"""Converting voice memos in other formats (m4a/AAC, ogg, flac, a video's audio) to WAV.

Creatify takes MP3 and WAV only. PyAV (already needed for inspection) decodes
the rest; 16-bit PCM WAV loses nothing that matters for a voice.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aurora_desktop.media.inspect import InputError


def convert_to_wav(source: Path, target: Path) -> Path:
    """Decode source's first audio stream into a WAV at target (atomically)."""
    import av  # loaded on first use, not at start-up

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".convert-", suffix=".wav")
    os.close(fd)
    try:
        with av.open(str(source)) as src:
            if not src.streams.audio:
                raise InputError("The file has no sound in it.")
            stream = src.streams.audio[0]
            rate = stream.codec_context.sample_rate or 44100
            layout = "mono" if (stream.codec_context.channels or 1) == 1 else "stereo"
            with av.open(tmp, "w", format="wav") as dst:
                out = dst.add_stream("pcm_s16le", rate=rate, layout=layout)
                resampler = av.AudioResampler(format="s16", layout=layout, rate=rate)
                for frame in src.decode(stream):
                    for res in resampler.resample(frame):
                        dst.mux(out.encode(res))
                for res in resampler.resample(None):
                    dst.mux(out.encode(res))
                dst.mux(out.encode(None))
        os.replace(tmp, target)
    except (av.FFmpegError, ValueError) as exc:
        raise InputError("The audio could not be converted; the file may be damaged or in an unusual format.") from exc
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target
