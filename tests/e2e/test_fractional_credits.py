"""Issue 20 item 17: `credits_used` can be fractional ("Aurora 1.0 Fast charged 5.5"); shown and summed exactly.

The sandbox over real loopback HTTP bills the fast model at 0.5 credit a second and starts with a
balance that has more digits than a float's `:g` shows.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from aurora_desktop.api.catalog import cost_credits, get_model
from aurora_desktop.jobs import orders
from aurora_desktop.jobs.model import State
from aurora_desktop.jobs.store import JobStore
from aurora_desktop.media.inspect import inspect_audio
from tests.e2e.test_engine_actions import Harness
from tests.fixtures.cli import cli_args, cli_env, list_jobs, run_cli
from tests.fixtures.loops import run
from tests.fixtures.media_files import SAMPLE_IMAGE, make_wav

pytestmark = pytest.mark.e2e

BALANCE = "1234567.5"
CLIP_SECONDS = 8.5  # 9 s billed at 0.5 a second: 4.5 credits


def test_a_fractional_charge_is_kept_shown_and_summed_exactly(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--job-seconds", "1", "--credits", BALANCE)
    h = Harness(sb, tmp_path)
    clip = make_wav(tmp_path / "clip.wav", CLIP_SECONDS)
    price = cost_credits("aurora_v1_fast", inspect_audio(clip).duration)
    assert price != price.to_integral_value()  # the sample is billed a fractional amount on the fast model

    async def scenario():
        async with h as engine:
            quote = await orders.quote(
                str(SAMPLE_IMAGE),
                str(clip),
                get_model("aurora_v1_fast"),
                orders.Options(name="Half credits"),
                work_dir=h.folder / "cache",
                client=h.client,
                hoster=engine.hoster,
            )
            assert quote.ok, quote.blockers
            job = await orders.place(engine, quote)
            return quote, await engine.wait(job.id), await h.client.remaining_credits()

    quote, job, remaining = run(scenario())
    assert quote.remaining == Decimal(BALANCE)
    assert f"This video will cost {price} credits" in quote.price_sentence()
    assert quote.price_sentence().endswith(f"you have {BALANCE}.")  # not 1.23457e+06
    assert job.state is State.SAVED, job.error_message
    assert job.credits_used == price and isinstance(job.credits_used, Decimal)
    assert remaining == Decimal(BALANCE) - price  # the service's balance, to the half credit
    sidecar = json.loads(Path(job.output_path).with_suffix(".json").read_text("utf-8"))
    assert Decimal(str(sidecar["credits_used"])) == price
    store = JobStore(tmp_path / "jobs.sqlite3")  # the library, read again from disk
    try:
        [again] = store.list()
    finally:
        store.close()
    assert again.credits_used == price and again.cost_estimate == price
    assert again.to_summary()["credits_used"] == float(price)


def test_the_command_line_says_and_lists_fractional_credits_exactly(make_sandbox, tmp_path: Path) -> None:
    sb = make_sandbox("--job-seconds", "1", "--credits", BALANCE)
    clip = make_wav(tmp_path / "clip.wav", CLIP_SECONDS)
    price = cost_credits("aurora_v1_fast", inspect_audio(clip).duration)
    profile = tmp_path / "profile"
    args = ["run", "--image", str(SAMPLE_IMAGE), "--audio", str(clip), "--model", "aurora_v1_fast"]
    done = run_cli(cli_args(sb, profile, *args, "--json"), cli_env(sb))
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    [said] = [e for e in events if e.get("event") == "message" and "cost" in e]
    assert said["message"].endswith(f"you have {BALANCE}.") and f"cost {price} credits" in said["message"]
    assert Decimal(str(said["cost"])) == price and Decimal(str(said["remaining"])) == Decimal(BALANCE)
    [job] = list_jobs(profile)
    assert Decimal(str(job["credits_used"])) == price and Decimal(str(job["cost_estimate"])) == price
    plain = run_cli(cli_args(sb, tmp_path / "second", *args), cli_env(sb))
    # The same sandbox, one 4.5-credit video later: 1234567.5 - 4.5, said as a whole number.
    assert plain.returncode == 0 and "you have 1234563." in plain.stderr + plain.stdout
