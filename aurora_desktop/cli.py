"""Headless commands on the same engine as the window: run, jobs, resume.

Exit codes (also in README and --help; `doctor`: 0 all is well, 1 a problem was found):
  0    saved (run), or everything finished and no job waits for you (resume)
  1    the job failed or was rejected by Creatify (refunded), or needs attention
  2    bad input or usage; nothing was spent
  3    credentials or credits problem; nothing was spent
  4    the service could not be reached after retries; the job is kept and resumes next time
  5    another Aurora Desktop (the window or a command) is already making videos with this
       profile; nothing was done (`jobs` still works)
  6    the app could not record its work (its job library cannot be written: disk full,
       read-only, or damaged) or stopped unexpectedly; every job is kept as last recorded.
       Also: the library is from a newer version, or the settings file or the profile's
       folders cannot be used; nothing was done
  130  interrupted; the job is kept and resumes next time
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from aurora_desktop import paths, voices
from aurora_desktop.api import ApiError
from aurora_desktop.api.catalog import CATALOG, DEFAULT_MODEL, ModelSpec, get_model
from aurora_desktop.api.speech import SCRIPT_MAX_LONGER
from aurora_desktop.fileio import read_regular
from aurora_desktop.formatting import credits_number, megabytes
from aurora_desktop.hosting import HostingError
from aurora_desktop.instance import AlreadyRunning, ProfileLock
from aurora_desktop.jobs import orders
from aurora_desktop.jobs.blockers import NAME_LIMIT, output_folder_blockers
from aurora_desktop.jobs.events import Connectivity, EngineEvent, JobChanged, Notice, Progress, to_json
from aurora_desktop.jobs.model import LocalJob, State
from aurora_desktop.jobs.naming import BIDI_CONTROLS
from aurora_desktop.jobs.prepare import Script, script_problem
from aurora_desktop.jobs.store import StoreDamaged, StoreTooNew, StoreWriteFailed
from aurora_desktop.jobs.vocabulary import Blame, Phase, rule_for
from aurora_desktop.platform_signals import install_interrupt_handlers
from aurora_desktop.services import CredentialsMissing, Services, open_services, open_store
from aurora_desktop.settings import Settings, SettingsProblem

EXIT_OK, EXIT_JOB_FAILED, EXIT_INPUT, EXIT_CREDENTIALS, EXIT_UNREACHABLE, EXIT_RUNNING = 0, 1, 2, 3, 4, 5
EXIT_STOPPED = 6
DAMAGED_HINT = "Open Aurora Desktop (the window) to keep it aside and start a new list."
EXIT_INTERRUPTED = 130
# Before anything is spent (a quote's blockers) and after (a job that did not end saved).
EXIT_BEFORE_SPENDING = {Blame.ACCOUNT: EXIT_CREDENTIALS, Blame.SERVICE: EXIT_UNREACHABLE}
EXIT_FOR_JOB = {Blame.ACCOUNT: EXIT_CREDENTIALS, Blame.INPUT: EXIT_INPUT}
EXIT_HELP = __doc__.split("Exit codes", 1)[1]
SCRIPT_FILE_LIMIT = 1_000_000  # bytes; far above any script Creatify takes (script_problem says so)


def _credits_arg(text: str) -> Decimal:
    """--max-credits, exact (prices can be fractional: 5.5)."""
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"not a number of credits: {text!r}")
    return value


# Terminal escape sequences (CSI, OSC up to its terminator, two-character ones, the 8-bit CSI):
# a voice or job name holding one could retitle the window, clear it or fake a line.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~])|\x9b[0-?]*[ -/]*[@-~]")
_INVISIBLE = frozenset(map(chr, BIDI_CONTROLS)) | {"\u2028", "\u2029"}  # and the line/paragraph separators


def terminal_text(text: str) -> str:
    """Text from the service or the library as a terminal may show it: escape sequences
    dropped, every other control character (CR, LF, tab, BEL, C1) and bidi override a space."""
    text = _ESCAPE.sub("", text)
    return "".join(" " if c in _INVISIBLE or unicodedata.category(c) == "Cc" else c for c in text)


class Exit(Exception):
    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Reporter:
    """Progress on stderr: one JSON object per line with --json, short sentences otherwise."""

    def __init__(self, as_json: bool, stream: TextIO = sys.stderr) -> None:
        self.as_json = as_json
        self.stream = stream
        self._last_line = ""

    def say(self, message: str, **data: Any) -> None:
        if self.as_json:
            print(json.dumps({"event": "message", "message": message, **data}), file=self.stream, flush=True)
        else:
            print(terminal_text(message), file=self.stream, flush=True)

    def __call__(self, event: EngineEvent) -> None:
        if self.as_json:
            print(json.dumps(to_json(event)), file=self.stream, flush=True)
            return
        line = ""
        match event:
            case JobChanged(job):
                line = f"[{job.name}] {job.state.value.replace('_', ' ')}"
                if job.error_message:
                    line += f": {job.error_message}"
            case Progress(job, Phase.GENERATING, done):
                line = f"[{job.name}] generating {int(done * 100)}%"
            case Progress(job, Phase.SPEAKING):
                line = f"[{job.name}] making the voice"
            case Progress(job, phase, done, total):
                line = f"[{job.name}] {phase} {megabytes(done)}/{megabytes(total)}"
            case Connectivity(online, message):
                line = message or ("online" if online else "offline")
            case Notice(message):
                line = message
        line = terminal_text(line)
        if line and line != self._last_line:
            self._last_line = line
            print(line, file=self.stream, flush=True)


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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


def main(args: argparse.Namespace) -> int:
    paths.use_profile(args.profile)
    # Paths are printed as the bytes they are, even when not UTF-8, for scripts to use.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="surrogateescape")
    if args.command in ("run", "resume"):  # they decode audio, with Qt's FFmpeg on worker threads
        from aurora_desktop.media.qt_threads import ensure_app

        ensure_app()
    try:
        return asyncio.run(_guarded(args))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


async def _guarded(args: argparse.Namespace, platform: str = sys.platform) -> int:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        if task:
            task.cancel()

    uninstall = install_interrupt_handlers(loop, interrupt, platform=platform)
    try:
        return await args.func(args)
    except Exit as exc:
        if exc.message:
            Reporter(args.json).say(exc.message, exit_code=exc.code)
        return exc.code
    except StoreWriteFailed as exc:  # e.g. while resuming: the library cannot be written
        Reporter(args.json).say(exc.user_message, exit_code=EXIT_STOPPED)
        return EXIT_STOPPED
    except StoreDamaged as exc:  # kept as it is: the window asks before starting a new one
        Reporter(args.json).say(f"{exc.user_message} {DAMAGED_HINT}", exit_code=EXIT_STOPPED)
        return EXIT_STOPPED
    except (StoreTooNew, SettingsProblem, paths.ProfileUnusable) as exc:  # the profile as it is: nothing done
        Reporter(args.json).say(exc.user_message, exit_code=EXIT_STOPPED)
        return EXIT_STOPPED
    except asyncio.CancelledError:
        if interrupted:
            Reporter(args.json).say("Interrupted. The job is kept and continues with `aurora-desktop resume`.")
            return EXIT_INTERRUPTED
        raise
    finally:
        uninstall()


# ---------------------------------------------------------------------- commands


async def cmd_doctor(args: argparse.Namespace) -> int:
    from aurora_desktop import doctor

    checks = await doctor.run_checks(api_base=args.api_base, hosting=args.hosting)
    if args.json:
        print(json.dumps(doctor.as_json(checks), indent=2))
    else:
        print("\n".join(terminal_text(line) for line in doctor.as_text(checks).splitlines()))
    return EXIT_OK if all(c.ok for c in checks) else EXIT_JOB_FAILED


async def _open(args: argparse.Namespace, report: Reporter) -> Services:
    """The services, with this profile's engine lock held until they close."""
    settings = Settings.load_checked()
    lock = ProfileLock(paths.data_dir())
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        raise Exit(EXIT_RUNNING, exc.user_message) from None
    try:
        services = await open_services(
            settings=settings,
            sandbox=args.sandbox,
            api_base=args.api_base,
            hosting=args.hosting,
            out_dir=Path(args.out).expanduser() if args.out else None,
            lock=lock,
        )
    except CredentialsMissing as exc:
        raise Exit(EXIT_CREDENTIALS, exc.user_message) from None
    except (HostingError, ApiError) as exc:  # storage not set up; an unsafe --api-base
        raise Exit(EXIT_INPUT, exc.user_message) from None
    services.engine.subscribe(report)
    return services


async def _wait_all(services: Services, job_ids: list[str], patience: float) -> list[LocalJob]:
    """Wait until the jobs are final, or the service has been unreachable for `patience` seconds."""
    engine = services.engine
    waiters = [asyncio.ensure_future(engine.wait(j)) for j in job_ids]
    try:
        while True:
            _, pending = await asyncio.wait(waiters, timeout=0.5)
            if engine.failure is not None:
                raise Exit(EXIT_STOPPED, engine.failure.user_message)
            if not pending:
                return [w.result() for w in waiters]
            if engine.offline_since is not None and time.monotonic() - engine.offline_since > patience:
                raise Exit(
                    EXIT_UNREACHABLE,
                    "Creatify could not be reached. The job is kept; run "
                    "`aurora-desktop resume` when you are back online.",
                )
    finally:
        for w in waiters:
            w.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)  # collected, so none is "never retrieved"


def _exit_code_for(job: LocalJob) -> int:
    if job.state is State.SAVED:
        return EXIT_OK
    return EXIT_FOR_JOB.get(rule_for(job.error_code).blame, EXIT_JOB_FAILED)


async def cmd_run(args: argparse.Namespace) -> int:
    report = Reporter(args.json)
    try:
        model = get_model(args.model or DEFAULT_MODEL)
    except KeyError:
        raise Exit(
            EXIT_INPUT, f"Unknown model {args.model!r}. Choose one of: {', '.join(m.key for m in CATALOG)}."
        ) from None
    script = _script_text(args)
    default_name = Path(str(args.audio)).stem if script is None else " ".join(script.split()[:6])
    name = args.name if args.name is not None else default_name
    options = orders.Options(
        name=name,
        text_prompt=args.prompt,
        guidance=args.guidance,
        photo_background=Settings.load_checked().photo_background,  # the same conversion as the window's
    )
    if len(name) > NAME_LIMIT:
        report.say("The name is long; it is shortened for Creatify.")
    if script is not None:
        return await _run_script(args, report, script, model, options)
    # Inputs and options first: a bad file is reported without keys, a service or the lock.
    quote = await orders.check_inputs(args.image, args.audio, model, options, work_dir=paths.cache_dir())
    if not quote.ok:
        _refuse(quote)
    for note in quote.notes:
        report.say(note)
    await _check_out_folder(args, quote.model.max_video_bytes(quote.prepared.audio.duration) if quote.prepared else 0)
    services = await _open(args, report)
    return await _place_and_wait(args, report, services, quote)


def _script_text(args: argparse.Namespace) -> str | None:
    """The script of --script or --script-file (checked: exit 2 before anything else), or None."""
    if args.script is None and args.script_file is None:
        if args.voice:
            raise Exit(EXIT_INPUT, "--voice is for a script (--script or --script-file); a clip has its own voice.")
        return None
    if args.script_file is not None:
        try:
            text = read_regular(Path(args.script_file).expanduser(), SCRIPT_FILE_LIMIT).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Exit(EXIT_INPUT, f"The script file {args.script_file!r} cannot be read: {exc}.") from None
    else:
        text = args.script
    problem = script_problem(text, SCRIPT_MAX_LONGER)  # this account's own limit is checked once it is open
    if problem:
        raise Exit(EXIT_INPUT, problem)
    if not args.voice:
        raise Exit(EXIT_INPUT, "Choose a voice for the script with --voice (see `aurora-desktop voices`).")
    return str(text)


async def _run_script(
    args: argparse.Namespace, report: Reporter, script: str, model: ModelSpec, options: orders.Options
) -> int:
    """A script needs the account's voices to be checked, so the service opens first."""
    services = await _open(args, report)
    try:
        try:
            available = voices.choices(await services.client.voices())
        except ApiError as exc:
            raise Exit(EXIT_UNREACHABLE, exc.user_message) from None
        try:
            voice = voices.find(available, args.voice)
        except voices.VoiceNotFound as exc:
            raise Exit(EXIT_INPUT, exc.user_message) from None
        pace = voices.learned_pace(await services.engine.library(), voice.id)
        wanted = Script(script, voice.id, voice.spoken_name)
        script_max = await orders.script_limit(services.engine.script_limit, len(script), services.client)
        quote = await orders.check_inputs(
            args.image, wanted, model, options, work_dir=paths.cache_dir(), words_per_minute=pace, script_max=script_max
        )
        if not quote.ok:
            _refuse(quote)
        for note in quote.notes:
            report.say(note)
        await _check_out_folder(args, model.max_video_bytes(quote.prepared.audio.duration) if quote.prepared else 0)
    except BaseException:
        await asyncio.shield(services.close())
        raise
    return await _place_and_wait(args, report, services, quote)


async def _place_and_wait(args: argparse.Namespace, report: Reporter, services: Services, quote: orders.Quote) -> int:
    try:
        quote = await orders.with_account(
            quote, client=services.client, hoster=services.hoster, max_credits=args.max_credits
        )
        if quote.remaining is not None and quote.price is not None:
            report.say(
                quote.price_sentence(), cost=credits_number(quote.price), remaining=credits_number(quote.remaining)
            )
        if not quote.ok:
            _refuse(quote)
        await services.engine.start()
        job = await orders.place(services.engine, quote)
        [final] = await _wait_all(services, [job.id], args.patience)
        code = _exit_code_for(final)
        if code == EXIT_OK:
            print(final.output_path, flush=True)
        else:
            report.say(final.error_message or f"The job ended as {final.state.value}.", exit_code=code)
        return code
    finally:
        await asyncio.shield(services.close())


def _refuse(quote: orders.Quote) -> None:
    first = quote.blockers[0]
    raise Exit(EXIT_BEFORE_SPENDING.get(first.blame, EXIT_INPUT), first.message)


async def _check_out_folder(args: argparse.Namespace, needed_bytes: int, *, library_too: bool = True) -> None:
    """The folder the video goes to (--out, else the library folder) must take it before
    anything is spent (exit 2 if not)."""
    if args.out:
        folder = Path(args.out).expanduser()
    elif library_too:
        folder = await asyncio.to_thread(_library_folder)
    else:
        return
    blockers = await asyncio.to_thread(output_folder_blockers, folder, needed_bytes)
    if blockers:
        raise Exit(EXIT_INPUT, blockers[0].message)


def _library_folder() -> Path:
    """Where the engine will save without --out (Settings.library_dir(), not made here)."""
    chosen = Settings.load().output_dir
    if chosen:
        return Path(chosen).expanduser()
    try:
        return paths.videos_dir()
    except OSError as exc:
        raise Exit(
            EXIT_INPUT,
            f"The library folder for videos cannot be made: {exc.strerror or type(exc).__name__}. "
            "Choose another folder with --out.",
        ) from None


async def cmd_resume(args: argparse.Namespace) -> int:
    report = Reporter(args.json)
    await _check_out_folder(args, 0, library_too=False)  # paid jobs wait for the library as it is
    services = await _open(args, report)
    try:
        if args.out:  # videos not saved yet go there now, not where an earlier --out said
            await services.engine.retarget(services.engine.config.library_dir)
        resumed = await services.engine.start()
        finals: list[LocalJob] = []
        if resumed:
            report.say(f"Resuming {len(resumed)} job(s).")
            finals = await _wait_all(services, [j.id for j in resumed], args.patience)
        for job in finals:
            if job.state is State.SAVED:
                print(job.output_path, flush=True)
        # Jobs that wait for the user are not resumed by themselves: say which, and do not call it done.
        waiting = [j for j in await services.engine.library() if j.state is State.NEEDS_ATTENTION]
        for job in waiting:
            report.say(
                f"Still needs you: {job.name!r}: {job.error_message or 'see the job in the app.'}",
                job_id=job.id,
                exit_code=EXIT_JOB_FAILED,
            )
        if not resumed and not waiting:
            report.say("Nothing to resume.")
        # A job left waiting for the user is exit 1 ("needs attention"), whatever it waits for: the
        # 2 and 3 of a `run` say "nothing was spent" of this run's own request, not of an old job.
        codes = [*(_exit_code_for(j) for j in finals), *(EXIT_JOB_FAILED for _ in waiting)]
        return max(codes, default=EXIT_OK)
    finally:
        await asyncio.shield(services.close())


async def cmd_voices(args: argparse.Namespace) -> int:
    from aurora_desktop.api import AuroraClient, AuthError, Credentials
    from aurora_desktop.api.client import DEFAULT_BASE_URL
    from aurora_desktop.sandbox.process import SandboxProcess
    from aurora_desktop.secrets import SecretStore, SecretsUnavailable

    report = Reporter(args.json)
    proc: SandboxProcess | None = None
    try:
        if args.sandbox:
            proc = await asyncio.to_thread(SandboxProcess([]).start)
            credentials, base = Credentials(proc.api_id, proc.api_key), proc.url
        else:
            secrets = SecretStore()
            try:
                found = await secrets.api_credentials()
            except SecretsUnavailable as exc:
                raise Exit(EXIT_CREDENTIALS, exc.user_message) from None
            finally:
                secrets.close()
            if found is None:
                raise Exit(EXIT_CREDENTIALS, CredentialsMissing.default_message)
            credentials, base = found, args.api_base or Settings.load().api_base or DEFAULT_BASE_URL
        try:
            async with AuroraClient(credentials, base) as client:
                available = voices.choices(await client.voices())
        except AuthError as exc:
            raise Exit(EXIT_CREDENTIALS, exc.user_message) from None
        except ApiError as exc:
            raise Exit(EXIT_UNREACHABLE, exc.user_message) from None
    finally:
        if proc is not None:
            await asyncio.to_thread(proc.stop)
    rows = [c for c in available if c.matches(args.search)]
    if args.json:
        print(
            json.dumps(
                [
                    {"voice": c.voice, "gender": c.gender, "accent": c.accent, "id": c.id, "preview_url": c.preview_url}
                    for c in rows
                ],
                indent=2,
            )
        )
    elif not rows:
        report.say(f"No voice matches {args.search!r}.")  # terminal_text()'d by say()
    for c in rows if not args.json else []:
        print(terminal_text(f"{c.voice:<16} {c.gender:<8} {c.accent:<16} {c.id}"))
    return EXIT_OK


async def cmd_jobs(args: argparse.Namespace) -> int:
    store = await asyncio.to_thread(open_store)
    try:
        jobs = await asyncio.to_thread(store.list)
    finally:
        store.close()
    if args.json:
        print(json.dumps([j.to_summary() for j in jobs], indent=2))
        return EXIT_OK
    if not jobs:
        print("No videos yet.")
    for job in jobs:
        where = (job.output_path if job.state is State.SAVED else job.error_message) or ""
        name = terminal_text(job.name)[:40]
        print(f"{job.created_at.astimezone():%Y-%m-%d %H:%M}  {job.state.value:<15} {name:<40} {terminal_text(where)}")
    return EXIT_OK
