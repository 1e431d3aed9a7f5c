"""`aurora-desktop voices`: the voices Creatify can speak a script in, and their ids for --voice."""

from __future__ import annotations

import argparse
import asyncio
import json

from aurora_desktop import voices
from aurora_desktop.api import ApiError
from aurora_desktop.cli.output import EXIT_CREDENTIALS, EXIT_OK, EXIT_UNREACHABLE, Exit, Reporter, terminal_text
from aurora_desktop.endpoint import Endpoint, resolve
from aurora_desktop.services import CredentialsMissing
from aurora_desktop.settings import Settings


async def cmd_voices(args: argparse.Namespace) -> int:
    from aurora_desktop.api import AuroraClient, AuthError, Credentials
    from aurora_desktop.sandbox.process import SandboxProcess
    from aurora_desktop.secrets import SecretStore, SecretsUnavailable

    report = Reporter(args.json)
    proc: SandboxProcess | None = None
    try:
        if args.sandbox:
            proc = await asyncio.to_thread(SandboxProcess([]).start)
            where = Endpoint.demo(proc.url, Credentials(proc.api_id, proc.api_key))
        else:
            secrets = SecretStore()
            try:
                where = await resolve(flag=args.api_base, settings=Settings.load(), secrets=secrets)
            except SecretsUnavailable as exc:
                raise Exit(EXIT_CREDENTIALS, exc.user_message) from None
            finally:
                secrets.close()
        if where.credentials is None:
            raise Exit(EXIT_CREDENTIALS, CredentialsMissing.default_message)
        try:
            async with AuroraClient(where.credentials, where.base_url) as client:
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
