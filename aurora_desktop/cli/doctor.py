"""`aurora-desktop doctor`: the set-up report (aurora_desktop.doctor) in the terminal."""

from __future__ import annotations

import argparse
import json

from aurora_desktop.cli.output import EXIT_JOB_FAILED, EXIT_OK, terminal_text


async def cmd_doctor(args: argparse.Namespace) -> int:
    from aurora_desktop import doctor

    checks = await doctor.run_checks(api_base=args.api_base, hosting=args.hosting)
    if args.json:
        print(json.dumps(doctor.as_json(checks), indent=2))
    else:
        print("\n".join(terminal_text(line) for line in doctor.as_text(checks).splitlines()))
    return EXIT_OK if all(c.ok for c in checks) else EXIT_JOB_FAILED
