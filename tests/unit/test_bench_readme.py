"""The benchmark runner keeps the README sections of scripts it did not run (make bench --only)."""

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "run_all.py"
_spec = importlib.util.spec_from_file_location("run_all", _PATH)
assert _spec and _spec.loader
run_all = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_all)


def test_sections_with_and_without_arguments_are_found_by_script_name() -> None:
    block = (
        run_all.section("bench_render.py", [], 0, ["render 3.5 s"])
        + "\n"
        + run_all.section("probe_engine.py", ["--rounds", "20"], 0, ["double charges: 0"])
        + "\n"
        + run_all.section("bench_size.py", [], 1, ["unpacked 220 MB"])
    )
    found = run_all.old_sections(block)
    assert set(found) == {"bench_render.py", "probe_engine.py", "bench_size.py"}
    assert "render 3.5 s" in found["bench_render.py"]
    assert "(exited with 1)" in found["bench_size.py"]


def test_rerunning_one_script_keeps_every_other_section(tmp_path, monkeypatch) -> None:
    readme = tmp_path / "README.md"
    old = {s: run_all.section(s, a, 0, [f"old {s}"]) for s, a in run_all.BENCHMARKS}
    readme.write_text("intro\n" + run_all.BEGIN + "\n" + "\n".join(old.values()) + run_all.END + "\nafter\n")
    monkeypatch.setattr(run_all, "README", readme)
    run_all.write_readme({"bench_size.py": run_all.section("bench_size.py", [], 0, ["new size"])})
    text = readme.read_text()
    assert "new size" in text and "old bench_size.py" not in text
    for script, _args in run_all.BENCHMARKS:
        if script != "bench_size.py":
            assert f"old {script}" in text, script
    assert text.startswith("intro\n") and text.endswith("\nafter\n")
