"""Inspecting and validating a job's inputs (portrait and voice), Qt-free.

The same rules serve the client (before anything is spent) and the sandbox
(as the service would apply them), so the two can never disagree.
"""

from aurora_desktop.media.inspect import (
    AUDIO_FORMATS,
    IMAGE_FORMATS,
    AudioFacts,
    ImageFacts,
    InputError,
    check_audio_length,
    inspect_audio,
    inspect_image,
    inspect_image_bytes,
    sniff_audio,
)

__all__ = [
    "AUDIO_FORMATS",
    "IMAGE_FORMATS",
    "AudioFacts",
    "ImageFacts",
    "InputError",
    "check_audio_length",
    "inspect_audio",
    "inspect_image",
    "inspect_image_bytes",
    "sniff_audio",
]
