"""Reading a long JSON list one item at a time, so a caller can stop as soon as it has enough.

The documented job lists (`GET /api/aurora/`, `GET /api/text_to_speech/`) answer a bare
JSON array with no pages: a heavy account's whole history (15,000 videos, over 16 MB; a
speech item can hold an 8,000-character script). Asked newest first
(`ordering=-created_at`), what a client looks for is near the top; `json_array_items`
yields the array's items as they arrive, and the caller closes the answer when it has read
what it needs. Both lists are read this way by `AuroraClient.newest()` (videos) and
`AuroraClient.newest_speech()` (speech), each bounded by a number of items and of bytes.
`list()` and `list_speech()` read an answer whole, within the client's 16 MB limit: the app
uses only `list(ids=...)` (the poller, at most 100 ids a request).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncGenerator, AsyncIterable
from typing import Any

from aurora_desktop.api.errors import InvalidResponseError

# One job is about a kilobyte; one item larger than this is a broken or hostile answer.
MAX_ITEM_CHARS = 1_000_000
_WHITESPACE = " \t\r\n"


async def json_array_items(chunks: AsyncIterable[bytes], max_item_chars: int = MAX_ITEM_CHARS) -> AsyncGenerator[Any]:
    """The items of the JSON array `chunks` spell, each as soon as it is whole.

    Raises InvalidResponseError when the text is not an array, or an item passes
    `max_item_chars` (nothing more is read then)."""
    decoder = json.JSONDecoder()
    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buf, pos, opened, ended = "", 0, False, False
    stream = aiter(chunks)
    while True:
        try:
            buf += text.decode(await anext(stream))
        except StopAsyncIteration:
            buf += text.decode(b"", final=True)
            ended = True
        while True:
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            if pos == len(buf):
                break
            if not opened:
                if buf[pos] != "[":
                    if not ended and len(buf) - pos <= max_item_chars:
                        break  # read on: an answer cut short is a lost connection, not a wrong answer
                    raise InvalidResponseError(detail=f"expected a JSON list, got {buf[pos : pos + 80]!r}")
                opened, pos = True, pos + 1
                continue
            if buf[pos] == "]":
                return
            if buf[pos] == ",":
                pos += 1
                continue
            try:
                item, end = decoder.raw_decode(buf, pos)
            except ValueError:
                if ended:
                    raise InvalidResponseError(detail=f"a list item is not JSON: {buf[pos : pos + 80]!r}") from None
                if len(buf) - pos > max_item_chars:
                    raise InvalidResponseError(
                        detail=f"a list item is longer than {max_item_chars} characters"
                    ) from None
                break  # the item is not whole yet
            if end == len(buf) and not ended and not isinstance(item, (dict, list, str)):
                break  # a number or word at the very end may go on in the next chunk
            yield item
            pos = end
        buf, pos = buf[pos:], 0
        if ended:
            raise InvalidResponseError(detail="the list ended before its closing bracket")
