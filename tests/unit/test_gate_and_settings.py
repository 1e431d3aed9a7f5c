import asyncio
import json
from pathlib import Path

from aurora_desktop.jobs.gate import PriorityGate
from aurora_desktop.settings import Settings, StorageSettings
from tests.fixtures.loops import run


def test_priority_gate_lets_the_most_urgent_in_first() -> None:
    order: list[str] = []

    async def scenario() -> None:
        gate = PriorityGate(1)
        release = asyncio.Event()

        async def use(name: str, priority: float) -> None:
            async with gate.slot(priority):
                order.append(name)
                if name == "first":
                    await release.wait()

        first = asyncio.create_task(use("first", 0))
        await asyncio.sleep(0)
        waiting = [asyncio.create_task(use(n, p)) for n, p in (("later", 30.0), ("soonest", 1.0), ("mid", 5.0))]
        await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(first, *waiting)

    run(scenario())
    assert order == ["first", "soonest", "mid", "later"]


def test_settings_defaults_unknown_keys_and_atomic_save(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert Settings.load(path) == Settings()  # no file: defaults
    path.write_text("{not json")
    assert Settings.load(path) == Settings()  # unreadable: defaults, no crash
    path.write_text(
        json.dumps(
            {
                "default_model": "aurora_v1_fast",
                "from_the_future": 1,
                "storage": {"provider": "r2", "bucket": "b", "colour": "red"},
            }
        )
    )
    loaded = Settings.load(path)
    assert loaded.default_model == "aurora_v1_fast"
    assert loaded.storage == StorageSettings(provider="r2", bucket="b") and loaded.storage.configured
    loaded.max_downloads = 5
    loaded.save(path)
    assert Settings.load(path).max_downloads == 5
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp files left behind
    assert "key" not in path.read_text().lower()  # secrets never live here
