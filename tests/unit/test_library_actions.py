"""ui/library_actions.py: every action of the library's menu has exactly one handler."""

from __future__ import annotations

import pytest

from aurora_desktop.jobs.vocabulary import LibraryAction
from aurora_desktop.ui import library_actions
from aurora_desktop.ui.library_actions import HANDLERS, LibraryActions, handles
from aurora_desktop.ui.library_view import LibraryPanel


def test_every_library_action_has_one_handler_and_every_handler_an_action() -> None:
    assert set(HANDLERS) == set(LibraryAction)  # fails when a handler is removed or an action added alone
    for action, handler in HANDLERS.items():
        assert getattr(LibraryActions, handler.__name__) is handler, action  # a method of the registry


def test_a_second_handler_for_an_action_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_actions, "HANDLERS", dict(HANDLERS))
    with pytest.raises(ValueError, match="two handlers"):
        handles(LibraryAction.PLAY)(lambda actions, job: None)


def test_the_menu_offers_only_actions_that_have_a_handler() -> None:
    assert {action for action, _label in LibraryPanel.ACTIONS} <= set(HANDLERS)
