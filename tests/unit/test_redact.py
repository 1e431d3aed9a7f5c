"""One redaction for every stored or shown text (issue 20.12)."""

from __future__ import annotations

import json
import logging

import pytest

from aurora_desktop.api.credentials import Credentials
from aurora_desktop.api.errors import error_for_response
from aurora_desktop.redact import HIDDEN, install_log_redaction, redact

KEY, ID = "k3y-0123456789abcdef", "acct-0042"


@pytest.mark.parametrize(
    "text",
    [
        "X-API-KEY: somethingelse-secret",
        "{'x-api-key': 'somethingelse-secret'}",
        '{"X-Api-Key": "somethingelse-secret"}',
        "x-api-key=somethingelse-secret&x=1",
        "Authorization: Bearer somethingelse-secret",
        '{\\"x-api-key\\": \\"somethingelse-secret\\"}',  # escaped inside a JSON string
    ],
)
def test_a_written_out_key_header_is_hidden_even_when_unknown(text: str) -> None:
    assert "somethingelse-secret" not in redact(text) and HIDDEN in redact(text)


def test_known_keys_are_hidden_wherever_they_appear() -> None:
    Credentials(ID, KEY)
    assert redact(f"echo: {KEY} / {ID} end") == f"echo: {HIDDEN} / {HIDDEN} end"
    assert redact("ordinary text, id 42") == "ordinary text, id 42"


def test_an_error_built_from_an_echoing_body_holds_no_key() -> None:
    Credentials(ID, KEY)
    body = json.dumps({"detail": "bad", "headers": {"X-API-ID": ID, "X-API-KEY": KEY}})
    for status in (400, 401, 500):
        error = error_for_response(status, body, method="POST", path="/api/aurora/")
        for text in (error.user_message, error.detail, str(error)):
            assert KEY not in text and ID not in text


def test_log_lines_are_redacted_for_every_handler(caplog: pytest.LogCaptureFixture) -> None:
    Credentials(ID, KEY)
    install_log_redaction()
    install_log_redaction()  # idempotent
    with caplog.at_level(logging.WARNING):
        logging.getLogger("aurora_desktop.test").warning("answer was %s", f"key={KEY}")
    assert KEY not in caplog.text and HIDDEN in caplog.text


def test_a_logged_exception_and_stack_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    Credentials(ID, KEY)
    install_log_redaction()
    with caplog.at_level(logging.WARNING):
        try:
            raise RuntimeError(f"server said X-API-KEY: unknown-secret-99 and {KEY}")
        except RuntimeError:
            logging.getLogger("aurora_desktop.test").exception("the request failed")
        # The stack shows this source line, which holds a written-out key header.
        logging.getLogger("aurora_desktop.test").warning("X-API-KEY: unknown-secret-77"[:0], stack_info=True)
    handler_text = "\n".join(caplog.handler.format(r) for r in caplog.records)
    assert "RuntimeError" in handler_text and "Stack (most recent call last)" in handler_text
    for text in (caplog.text, handler_text, logging.Formatter().format(caplog.records[0])):
        assert KEY not in text and "unknown-secret-99" not in text and "unknown-secret-77" not in text
    assert HIDDEN in caplog.text
