"""The base of every error a person may read: a plain sentence plus details for support.

`user_message` is what the window and the CLI show; `detail` is what "Copy
details" adds (statuses, paths, body excerpts). Neither ever holds a secret.
"""

from __future__ import annotations

from aurora_desktop.redact import redact


class UserError(Exception):
    default_message = "Something went wrong."

    def __init__(self, user_message: str | None = None, *, detail: str = "") -> None:
        # Whatever a server answered (an echo of the request's headers too) never carries a key on.
        self.user_message = redact(user_message or self.default_message)
        self.detail = redact(detail)
        super().__init__(self.user_message)

    def __str__(self) -> str:
        return self.user_message
