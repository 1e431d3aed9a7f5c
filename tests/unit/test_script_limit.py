"""The script limit learnt from Creatify's answers and kept in the profile (issue 20 item 18)."""

from __future__ import annotations

from pathlib import Path

from aurora_desktop.jobs.limits import ScriptLimit, limit_named_in


def test_4000_until_a_longer_script_was_accepted_then_8000_and_kept(tmp_path: Path) -> None:
    limit = ScriptLimit(tmp_path, "https://api.creatify.ai/")
    assert limit.value == 4000
    limit.accepted([120, 3999, 4000])
    assert limit.value == 4000 and not (tmp_path / "learned-limits.json").exists()
    limit.accepted([4001])
    assert ScriptLimit(tmp_path, "https://api.creatify.ai").value == 8000  # kept, per service
    assert ScriptLimit(tmp_path, "http://127.0.0.1:8123").value == 4000  # another service learnt nothing


def test_a_refusal_sets_the_limit_it_names_or_back_to_4000(tmp_path: Path) -> None:
    limit = ScriptLimit(tmp_path, "https://api.creatify.ai")
    limit.accepted([6000])
    assert limit.refused(limit_named_in(["Ensure this field has no more than 5000 characters."])) == 5000
    assert limit.value == 5000
    assert limit.refused(limit_named_in(["Script too long."])) == 4000 and limit.value == 4000
    assert limit_named_in(["at most 4,000 characters"]) == 4000 and limit_named_in(["This field is required."]) is None


def test_a_damaged_or_foreign_file_means_the_safe_limit(tmp_path: Path) -> None:
    path = tmp_path / "learned-limits.json"
    for content in (b"{not json", b"[1, 2]", b'{"https://api.creatify.ai": {"script_max": 10000000}}', b"x" * 70_000):
        path.write_bytes(content)
        assert ScriptLimit(tmp_path, "https://api.creatify.ai").value == 4000
