"""`aurora-desktop run`: make one video (from a clip, or a script spoken in a voice) and wait for it."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from aurora_desktop import paths, voices
from aurora_desktop.api import ApiError
from aurora_desktop.api.catalog import CATALOG, DEFAULT_MODEL, ModelSpec, get_model
from aurora_desktop.api.speech import SCRIPT_MAX_LONGER
from aurora_desktop.cli.inputs import shape_audio, shape_image
from aurora_desktop.cli.output import EXIT_INPUT, EXIT_OK, EXIT_UNREACHABLE, Exit, Reporter
from aurora_desktop.cli.session import check_out_folder, exit_code_for, open_locked, refuse, wait_all
from aurora_desktop.fileio import read_regular
from aurora_desktop.formatting import credits_number
from aurora_desktop.jobs import orders
from aurora_desktop.jobs.blockers import NAME_LIMIT
from aurora_desktop.jobs.prepare import Script, script_problem
from aurora_desktop.services import Services
from aurora_desktop.settings import Settings

SCRIPT_FILE_LIMIT = 1_000_000  # bytes; far above any script Creatify takes (script_problem says so)


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
    image, audio = await shape_image(args, report), await shape_audio(args, report)
    quote = await orders.check_inputs(image, audio, model, options, work_dir=paths.cache_dir())
    if not quote.ok:
        refuse(quote)
    for note in quote.notes:
        report.say(note)
    await check_out_folder(args, quote.model.max_video_bytes(quote.prepared.audio.duration) if quote.prepared else 0)
    services = await open_locked(args, report)
    return await _place_and_wait(args, report, services, quote)


def _script_text(args: argparse.Namespace) -> str | None:
    """The script of --script or --script-file (checked: exit 2 before anything else), or None."""
    if args.script is None and args.script_file is None:
        if args.voice:
            raise Exit(EXIT_INPUT, "--voice is for a script (--script or --script-file); a clip has its own voice.")
        return None
    if args.trim is not None or args.trim_silence:
        raise Exit(EXIT_INPUT, "--trim and --trim-silence are for a voice clip (--audio), not for a script.")
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
    services = await open_locked(args, report)
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
        image = await shape_image(args, report)
        script_max = await orders.script_limit(services.engine.script_limit, len(script), services.client)
        quote = await orders.check_inputs(
            image, wanted, model, options, work_dir=paths.cache_dir(), words_per_minute=pace, script_max=script_max
        )
        if not quote.ok:
            refuse(quote)
        for note in quote.notes:
            report.say(note)
        await check_out_folder(args, model.max_video_bytes(quote.prepared.audio.duration) if quote.prepared else 0)
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
            refuse(quote)
        await services.engine.start()
        job = await orders.place(services.engine, quote)
        [final] = await wait_all(services, [job.id], args.patience)
        code = exit_code_for(final)
        if code == EXIT_OK:
            print(final.output_path, flush=True)
        else:
            report.say(final.error_message or f"The job ended as {final.state.value}.", exit_code=code)
        return code
    finally:
        await asyncio.shield(services.close())
