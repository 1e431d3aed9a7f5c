"""How obstore's errors read to a user (a pure function: no server needed)."""

from __future__ import annotations

from aurora_desktop.hosting.s3 import _hosting_error


def test_a_port_that_contains_403_is_not_a_refused_key() -> None:
    """Seen in CI: the S3 server listened on port 40363 and a missing bucket read as 'refused'."""
    error = _hosting_error(RuntimeError("NoSuchBucket: http://127.0.0.1:40363/no-such-bucket-here/x"))
    assert "does not exist" in error.user_message


def test_a_403_status_is_a_refused_key() -> None:
    error = _hosting_error(RuntimeError("Client error with status 403 Forbidden: AccessDenied"))
    assert "refused the access key" in error.user_message
