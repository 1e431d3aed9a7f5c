"""Command line: the window by default; `sandbox` runs the local Aurora stand-in."""

from __future__ import annotations

import argparse
import sys

from aurora_desktop import APP_NAME, __version__


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="aurora-desktop", description=f"{APP_NAME}: a portrait and a voice in, a talking video out."
    )
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    p.add_argument("--long-version", action="store_true", help="versions of Qt, PySide6 and the other parts")
    p.add_argument("--smoke-test", action="store_true", help="check this installation works, headless; exit 0 if so")
    p.add_argument(
        "--sandbox", action="store_true", help="demo mode: use a local stand-in for Creatify that spends nothing"
    )
    p.add_argument("--api-base", default=None, help="the Aurora API address (default: Creatify's)")
    p.add_argument("--profile", default=None, help="keep every file of the app under this folder")
    p.add_argument("--quit-after", type=float, default=None, help=argparse.SUPPRESS)  # start-up checks
    return p


HEADLESS = ("run", "jobs", "resume", "doctor", "voices")
EXIT_PROFILE_UNUSABLE = 6  # as the commands say it (cli/output.py): the app cannot record its work there
PRINTS = ("--version", "--long-version", "--smoke-test", "-h", "--help")  # answers in the terminal


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from aurora_desktop.redact import install_log_redaction

    install_log_redaction()  # no log line of any part (sandbox, commands, window) carries a key
    if (argv[:1] and argv[0] in HEADLESS) or any(arg in PRINTS for arg in argv):
        from aurora_desktop.console import attach_console

        attach_console()  # the windowed Windows exe has no console of its own (console.py)
    if argv[:1] == ["sandbox"]:
        from aurora_desktop.sandbox.__main__ import main as sandbox_main

        return sandbox_main(argv[1:])
    if argv[:1] and argv[0] in HEADLESS:
        from aurora_desktop import cli

        parser = argparse.ArgumentParser(prog="aurora-desktop")
        cli.add_commands(parser.add_subparsers(dest="command", required=True))
        return cli.main(parser.parse_args(argv))
    args = build_parser().parse_args(argv)
    if args.long_version:
        from aurora_desktop.smoke import long_version

        for key, value in long_version().items():
            print(f"{key}: {value}")
        return 0
    if args.smoke_test:
        from aurora_desktop.smoke import run as smoke

        return smoke()
    from aurora_desktop import paths

    paths.use_profile(args.profile)
    from aurora_desktop.app import run

    try:
        return run(args)
    except paths.ProfileUnusable as exc:  # before any window: a plain sentence, the commands' code
        print(exc.user_message, file=sys.stderr)
        return EXIT_PROFILE_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
