"""The job library's schema and row format: the migrations, and how a job's fields are
written to and read from a row (jobs/store.py does the reading and writing)."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from typing import Any

from aurora_desktop.formatting import credits_exact
from aurora_desktop.jobs.model import COLUMNS, CREDIT_COLUMNS, DATETIME_COLUMNS, LocalJob, State, job_from_columns
from aurora_desktop.redact import redact

# Each entry moves the schema one version up. Never edit a shipped entry: add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, name TEXT NOT NULL, model TEXT NOT NULL,
        image_source TEXT NOT NULL, audio_source TEXT NOT NULL, state TEXT NOT NULL,
        text_prompt TEXT, guidance REAL, image_hash TEXT, audio_hash TEXT, image_mime TEXT, audio_mime TEXT,
        audio_seconds REAL, cost_estimate REAL,
        image_url TEXT, image_key TEXT, image_expires TEXT, audio_url TEXT, audio_key TEXT, audio_expires TEXT,
        api_base TEXT NOT NULL DEFAULT '', remote_id TEXT UNIQUE, remote_status TEXT, progress REAL NOT NULL DEFAULT 0,
        credits_used REAL, video_url TEXT, video_expires TEXT, preview_url TEXT, output_path TEXT,
        error_message TEXT, error_detail TEXT, error_code TEXT, submit_attempts INTEGER NOT NULL DEFAULT 0,
        bytes_done INTEGER NOT NULL DEFAULT 0, bytes_total INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, submitted_at TEXT, finished_at TEXT
    );
    CREATE INDEX jobs_state ON jobs(state);
    CREATE INDEX jobs_created ON jobs(created_at);
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, at TEXT NOT NULL,
        kind TEXT NOT NULL, data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_job ON events(job_id, seq);
    """,
    # 2: script jobs (text-to-speech before the video).
    """
    ALTER TABLE jobs ADD COLUMN script TEXT;
    ALTER TABLE jobs ADD COLUMN voice_id TEXT;
    ALTER TABLE jobs ADD COLUMN voice_name TEXT;
    ALTER TABLE jobs ADD COLUMN speech_id TEXT;
    ALTER TABLE jobs ADD COLUMN speech_attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN speech_credits REAL;
    ALTER TABLE jobs ADD COLUMN hear_first INTEGER NOT NULL DEFAULT 0;
    """,
)


# File paths may hold bytes that are not UTF-8 (os.fsdecode gives surrogates);
# those are stored as BLOBs of the raw bytes and read back exactly.
PATH_COLUMNS = frozenset({"image_source", "audio_source", "output_path"})
REDACTED_COLUMNS = frozenset({"error_message", "error_detail"})  # text that came from servers


def encode_value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in PATH_COLUMNS and isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return os.fsencode(value)
    if column in DATETIME_COLUMNS:
        return value.isoformat()
    if column in CREDIT_COLUMNS:
        return float(value)  # REAL: exact for any amount of up to 15 digits, read back as that decimal
    if isinstance(value, State):
        return value.value
    if column in REDACTED_COLUMNS and isinstance(value, str):
        return redact(value)
    return value


def decode_row(row: sqlite3.Row) -> LocalJob:
    values: dict[str, Any] = {}
    for column in COLUMNS:
        value = row[column]
        if isinstance(value, bytes):
            value = os.fsdecode(value)
        elif value is not None and column in DATETIME_COLUMNS:
            value = datetime.fromisoformat(value)
        elif value is not None and column in CREDIT_COLUMNS:
            value = credits_exact(value)
        elif column in REDACTED_COLUMNS and isinstance(value, str):
            value = redact(value)  # a row written before redaction existed is shown redacted too
        values[column] = value
    return job_from_columns(values)
