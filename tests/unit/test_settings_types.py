"""Settings of the wrong type (issue 20 item 14): never a traceback later on. The window keeps
the default for such a value (a line in the log); commands that act on the settings refuse
with a plain sentence naming each one (tests/e2e/test_hostile_files.py runs them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aurora_desktop.settings import Settings, SettingsProblem, StorageSettings


def wrong(tmp_path: Path) -> Path:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "output_dir": 5,
                "max_uploads": "two",
                "max_active_jobs": True,  # a bool is not a count
                "notifications": "yes",
                "voice_favourites": ["a", 3],
                "photo_background": "#000000",  # right: kept
                "storage": {"bucket": ["b"], "url_lifetime_hours": 2},  # an int is a fine float
            }
        )
    )
    return path


def test_a_wrong_typed_value_keeps_its_default_and_the_rest_is_kept(tmp_path: Path) -> None:
    settings = Settings.load(wrong(tmp_path))
    default = Settings()
    assert settings.output_dir == default.output_dir and settings.max_uploads == default.max_uploads
    assert settings.max_active_jobs == default.max_active_jobs and settings.notifications is True
    assert settings.voice_favourites == []
    assert settings.photo_background == "#000000"
    assert settings.storage == StorageSettings(url_lifetime_hours=2)
    settings.library_dir()  # before: Path(5) raised TypeError


def test_commands_are_told_which_values_are_wrong(tmp_path: Path) -> None:
    with pytest.raises(SettingsProblem) as caught:
        Settings.load_checked(wrong(tmp_path))
    message = caught.value.user_message
    for part in (
        "'output_dir' should be text",
        "'max_uploads' should be a whole number",
        "'max_active_jobs' should be a whole number",
        "'notifications' should be true or false",
        "'voice_favourites' should be a list of text",
        "'storage.bucket' should be text",
    ):
        assert part in message
    assert "photo_background" not in message and "url_lifetime_hours" not in message


def test_settings_that_are_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]")
    assert Settings.load(path) == Settings()
    with pytest.raises(SettingsProblem, match="not a JSON object"):
        Settings.load_checked(path)


DAMAGED = b'{\n  "output_dir": "/home/me/My videos",\n  "storage": {"provider": "r2", "bucket": "my-bucket"},\n}\n'


def test_saving_over_a_damaged_file_keeps_it_aside_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(DAMAGED)  # a trailing comma: not JSON
    settings = Settings.load(path)
    assert settings == Settings()  # the window works with the defaults
    settings.last_update_check = "2027-01-01T09:00:00+00:00"
    settings.save(path)
    [aside] = tmp_path.glob("settings.json.damaged-*")
    assert aside.read_bytes() == DAMAGED  # the user's own text, to fix and put back
    assert Settings.load_checked(path).last_update_check == "2027-01-01T09:00:00+00:00"
    # Wrong-typed values are kept aside too (commands refuse them); a sound file is simply replaced.
    kept = wrong(tmp_path).read_bytes()
    Settings.load(path).save(path)
    assert sorted(p.read_bytes() for p in tmp_path.glob("settings.json.damaged-*")) == sorted([DAMAGED, kept])
    Settings.load(path).save(path)
    assert len(list(tmp_path.glob("settings.json.damaged-*"))) == 2
