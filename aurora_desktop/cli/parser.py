"""The commands' arguments and --help (`add_commands`), each command bound to its module."""

from __future__ import annotations

import argparse
from decimal import Decimal

from aurora_desktop.api.catalog import CATALOG, DEFAULT_MODEL
from aurora_desktop.cli.doctor import cmd_doctor
from aurora_desktop.cli.inputs import crop_arg, trim_arg
from aurora_desktop.cli.jobs import cmd_jobs
from aurora_desktop.cli.output import EXIT_HELP
from aurora_desktop.cli.resume import cmd_resume
from aurora_desktop.cli.run import cmd_run
from aurora_desktop.cli.voices import cmd_voices


def _credits_arg(text: str) -> Decimal:
    """--max-credits, exact (prices can be fractional: 5.5)."""
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"not a number of credits: {text!r}")
    return value


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--profile", help="keep every file of the app under this folder")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    service = argparse.ArgumentParser(add_help=False)
    where = service.add_mutually_exclusive_group()
    where.add_argument("--sandbox", action="store_true", help="demo mode: a local stand-in that spends nothing")
    where.add_argument("--api-base", help="the Aurora API address (default: Creatify's)")
    service.add_argument(
        "--hosting",
        choices=("auto", "quick", "s3", "sandbox", "none"),
        default="auto",
        help=(
            "how local files reach Creatify: quick (Quick links: public for 1 hour on a file-sharing "
            "service), s3 (your storage bucket), none (links only); default: the choice made in Settings"
        ),
    )
    service.add_argument(
        "--patience",
        type=float,
        default=120.0,
        help="seconds to keep trying while the service is unreachable (default 120)",
    )
    service.add_argument("--out", help="folder for the finished video (default: the library folder)")

    models = ", ".join(m.key for m in CATALOG)
    run = sub.add_parser(
        "run",
        parents=[common, service],
        help="make one video and wait for it",
        epilog="exit codes:" + EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--image", required=True, help="portrait: a PNG/JPEG/WebP file or link")
    voice_in = run.add_mutually_exclusive_group(required=True)
    voice_in.add_argument("--audio", help="voice: an MP3/WAV file or link (other audio is converted)")
    voice_in.add_argument("--script", help="what the person says, spoken by Creatify in --voice")
    voice_in.add_argument("--script-file", help="the same, read from a UTF-8 text file")
    run.add_argument("--voice", help="the voice for a script: a name, 'name accent', or an id (see `voices`)")
    run.add_argument("--name", default=None, help="a name for the video")
    run.add_argument("--model", default=None, help=f"one of: {models} (default {DEFAULT_MODEL})")
    run.add_argument("--prompt", default=None, help="style, camera, lighting or motion guidance")
    run.add_argument("--guidance", type=float, default=None, help="prompt guidance scale, 0 to 10")
    run.add_argument(
        "--crop",
        type=crop_arg,
        default=None,
        metavar="SHAPE|X,Y,W,H",
        help=(
            "frame the photo: a shape, 9:16 (TikTok / Reels / Shorts), 1:1, 4:5, 16:9 or 3:4, centred on the face; "
            "or a box in pixels of the upright photo. The video takes the photo's shape. The original is not changed"
        ),
    )
    run.add_argument(
        "--trim",
        type=trim_arg,
        default=None,
        metavar="START-END",
        help="use only this part of the voice clip, in seconds or minutes:seconds (e.g. 0:05-0:25; 5- to the end)",
    )
    run.add_argument("--trim-silence", action="store_true", help="leave out the quiet start and end of the voice clip")
    run.add_argument("--max-credits", type=_credits_arg, default=None, help="refuse if the video costs more than this")
    run.set_defaults(func=cmd_run)

    jobs = sub.add_parser("jobs", parents=[common], help="list the library")
    jobs.set_defaults(func=cmd_jobs)

    resume = sub.add_parser(
        "resume",
        parents=[common, service],
        help="finish every unfinished job",
        epilog="exit codes:" + EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    resume.set_defaults(func=cmd_resume)

    voices = sub.add_parser(
        "voices",
        parents=[common],
        help="the voices Creatify can speak a script in (their ids go to --voice)",
        epilog="exit codes:" + EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where_voices = voices.add_mutually_exclusive_group()
    where_voices.add_argument("--sandbox", action="store_true", help="the demo's voices (a local stand-in)")
    where_voices.add_argument("--api-base", help="the Aurora API address (default: Creatify's)")
    voices.add_argument("--search", default="", help="only voices whose name, gender or accent contains this")
    voices.set_defaults(func=cmd_voices)

    doctor = sub.add_parser(
        "doctor",
        parents=[common],
        help="check the set-up: keys, Creatify, sharing of local files, folders (exit 0 if all is well, 1 if not)",
    )
    doctor.add_argument("--api-base", help="the Aurora API address (default: Creatify's)")
    doctor.add_argument("--hosting", choices=("auto", "quick", "s3", "none"), default="auto")
    doctor.set_defaults(func=cmd_doctor)
