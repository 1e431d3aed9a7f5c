"""Issue 20.15: `resume` said "Nothing to resume." and exited 0 while a job still needed the
user. Real `resume` processes against the sandbox, on a library holding such a job."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from aurora_desktop.jobs.model import InputFile, InputKind, LocalJob, State, new_token
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.jobs.vocabulary import ErrorCode
from tests.fixtures.cli import cli_args, cli_env, run_cli
from tests.fixtures.sandbox import Sandbox

pytestmark = pytest.mark.e2e

MESSAGE = "The app could not confirm that Creatify received this video request."
CHANGED = "The audio file 'voice.wav' changed after the price was shown."


def test_resume_exits_1_and_names_a_job_that_still_needs_attention(shared_sandbox: Sandbox, tmp_path: Path) -> None:
    sb = shared_sandbox
    profile = tmp_path / "p"
    link = f"{sb.url}/sandbox/files/none/x.png"
    store = JobStore(profile / "data" / "jobs.sqlite3")
    for name, code, message in (
        ("Birthday greeting", ErrorCode.LOST, MESSAGE),
        # Waiting for the user for the input's sake (its own exit would be 2): still exit 1.
        ("Shop opening", ErrorCode.INPUT, CHANGED),
    ):
        store.insert(
            LocalJob(
                id=str(uuid.uuid4()),
                token=new_token(),
                name=name,
                model="aurora_v1",
                image=InputFile(InputKind.IMAGE, link, url=link),
                audio=InputFile(InputKind.AUDIO, link, url=link),
                state=State.NEEDS_ATTENTION,
                error_code=str(code),
                error_message=message,
                api_base=sb.url,
            )
        )
    store.close()
    for _ in range(2):  # a second resume no differently from the first
        result = run_cli(cli_args(sb, profile, "resume"), cli_env(sb))
        assert result.returncode == 1, (result.returncode, result.stderr)
        assert "Still needs you: 'Birthday greeting'" in result.stderr and MESSAGE in result.stderr
        assert "Still needs you: 'Shop opening'" in result.stderr and CHANGED in result.stderr
        assert "Nothing to resume" not in result.stderr and "Traceback" not in result.stderr
