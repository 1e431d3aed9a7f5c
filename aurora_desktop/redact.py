"""The API key never leaves in text: one redaction for everything stored or shown.

A server (or a proxy in front of it) may echo the request's headers in an error body, and
that body becomes an error's detail, a job's stored reason, a log line. `redact()` hides
every API ID and key this process has held (`remember()`, called by `Credentials`) and the
value of any key header written out (`X-API-KEY: …`, `"x-api-id": "…"`, `Authorization`),
wherever the text came from. It is applied where errors are made (`UserError`), where
the job library writes and reads text (`jobs/store.py`: rows written by an older version
are shown redacted) and where log records are made (`install_log_redaction()`: the
message, the exception's text and the stack).
"""

from __future__ import annotations

import logging
import re
import threading

HIDDEN = "[hidden]"
_MIN_LENGTH = 4  # shorter values would hide ordinary words

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None

# A key header written out in any common form: `X-API-KEY: v`, `'x-api-key': 'v'`, `x-api-key=v`.
_HEADER = re.compile(
    r"""(?ix)
    (x-api-key|x-api-id|authorization|api[_-]?key)   # the header's name
    (\\?["']?\s*[:=]\s*\\?["']?)                     # its separator, quoted or not
    ((?:bearer|basic|token)\s+)?                      # an auth scheme
    ([^\s"'\\,;}\]&]+)                                # the value
    """
)


def remember(*values: str) -> None:
    """Values to hide from now on in this process (API IDs and keys)."""
    global _pattern
    with _lock:
        fresh = {v for v in values if v and len(v) >= _MIN_LENGTH} - _secrets
        if not fresh:
            return
        _secrets.update(fresh)
        ordered = sorted(_secrets, key=len, reverse=True)  # a key containing another is hidden whole
        _pattern = re.compile("|".join(re.escape(v) for v in ordered))


def redact(text: str) -> str:
    """`text` with every remembered secret and every written-out key header hidden."""
    if not text:
        return text
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(HIDDEN, text)
    return _HEADER.sub(lambda m: f"{m[1]}{m[2]}{m[3] or ''}{HIDDEN}", text)


_FORMATTER = logging.Formatter()


class _RedactingRecords:
    """A log record factory: the message, the exception's text and the stack are redacted as
    the record is made, so every handler (files, stderr, Qt's, the last-resort one) only ever
    sees the redacted text. The exception is formatted here into `exc_text`, which
    `logging.Formatter.format` uses as it is instead of formatting `exc_info` again."""

    def __init__(self, make: logging._LogRecordFactory) -> None:  # type: ignore[name-defined]
        self.make = make

    def __call__(self, *args: object, **kwargs: object) -> logging.LogRecord:
        record: logging.LogRecord = self.make(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # a bad format string: logging reports it later
            message = None
        if message is not None and (redacted := redact(message)) != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record


def install_log_redaction() -> None:
    """Redact every log record of this process (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RedactingRecords):
        logging.setLogRecordFactory(_RedactingRecords(factory))
