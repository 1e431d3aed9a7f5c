"""The frozen app (dist/aurora-desktop, from `make package`) passes its own smoke test.

Skipped when no build exists (`make test` on a fresh checkout); `.ci/run` builds
the package first, so CI always runs it. Any stderr line not on the allow-list
below fails the test: a missing plugin or library shows up here, not on a user's
machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from aurora_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
FROZEN = ROOT / "dist" / "aurora-desktop" / "aurora-desktop"

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not FROZEN.exists(), reason="no build: run `make package`")]

# Known harmless stderr lines, each with why.
ALLOWED = [
    re.compile(p)
    for p in (
        # Qt's FFmpeg looks for GPU decoding (VA-API) and PipeWire; headless machines have neither.
        r"^qt\.multimedia\.symbolsresolver: Couldn't (load|resolve) (va|pipewire)",
        # Qt states which FFmpeg it uses, and that no hardware decoder exists here.
        r"^qt\.multimedia\.ffmpeg: Using Qt multimedia with FFmpeg",
        r"^qt\.multimedia\.playbackengine\.codec: \"No HW decoder found\"",
        # No sound server or sound card in CI: the clip plays on the clock, silently.
        r"^PulseAudioService: pa_context_connect\(\) failed",
        r"^No audio device detected",
        # FFmpeg's own description of the files it opens (our bundled clip and the sandbox's video).
        r"^(Input #\d|\s+(Duration|Stream #|Metadata|major_brand|minor_version|compatible_brands|encoder"
        r"|handler_name|vendor_id)\b)",
        # The offscreen platform cannot resize native windows.
        r"^This plugin does not support",
    )
]


def test_frozen_app_smoke_test_passes_with_only_known_stderr(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AURORA_", "PYTHON", "QT_API"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    result = subprocess.run([str(FROZEN), "--smoke-test"], env=env, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0 and report["smoke_test"] == "passed", (report, result.stderr[-3000:])
    assert report["frozen"] == "True" and report["multimedia"] == "ffmpeg"
    assert report["collation"] == "ok"  # what the trimmed ICU data keeps (build/trim_icu.py)
    assert abs(report["job_video_seconds"] - 7.62) < 0.5 and report["job_credits"] == 8
    unexpected = [
        line for line in result.stderr.splitlines() if line.strip() and not any(p.search(line) for p in ALLOWED)
    ]
    assert not unexpected, "\n".join(unexpected)


@pytest.mark.parametrize("flag", ["--version", "--long-version"])
def test_frozen_version_flags(flag: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(FROZEN), flag],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0
    assert __version__ in result.stdout
    if flag == "--long-version":
        assert "qt: 6." in result.stdout and "keyring:" in result.stdout and "multimedia: ffmpeg" in result.stdout
