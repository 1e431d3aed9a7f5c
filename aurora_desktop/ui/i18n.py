"""Texts marked for translation, with their types.

`QT_TRANSLATE_NOOP(context, text)` marks a text for lupdate and returns it unchanged, but
PySide6's stubs type it `object -> object` (a stub gap), so every marked text would read as
`object` to mypy. Import it from here instead: the same function at run time, typed `str -> str`.
lupdate finds the marks by the function's name, which stays the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:

    def QT_TRANSLATE_NOOP(context: str, text: str, /) -> str: ...

else:
    from PySide6.QtCore import QT_TRANSLATE_NOOP

__all__ = ["QT_TRANSLATE_NOOP"]
