"""Qt-free job engine: SQLite store + pipeline (host -> submit -> poll -> download -> saved)."""
