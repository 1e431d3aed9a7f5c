"""Reading a long JSON list item by item (api/listing.py), for the heavy-account search (issue 20.2)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from aurora_desktop.api.errors import InvalidResponseError
from aurora_desktop.api.listing import json_array_items
from tests.fixtures.loops import run


async def pieces(text: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def items(text: bytes, size: int, **kw: int) -> list[object]:
    async def go() -> list[object]:
        return [item async for item in json_array_items(pieces(text, size), **kw)]

    return run(go())


@pytest.mark.parametrize("size", [1, 3, 7, 1000])
def test_items_come_whole_however_the_answer_is_cut(size: int) -> None:
    data = [{"id": "a", "name": "Zoë [ad-1]", "n": 12345}, [1, 2], "x,]", 987654321, None, {"nested": {"a": [3]}}]
    assert items(json.dumps(data).encode(), size) == data
    assert items(b" [ ] ", size) == []


def test_a_reader_can_stop_early_without_reading_the_rest() -> None:
    read: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        yield b"["
        n = 0
        while True:
            n += 1
            read.append(n)
            yield b'{"id": "%d"},' % n

    async def first_three() -> list[object]:
        found = []
        async for item in json_array_items(endless()):
            found.append(item)
            if len(found) == 3:
                break
        return found

    assert run(first_three()) == [{"id": "1"}, {"id": "2"}, {"id": "3"}]
    assert len(read) <= 4


@pytest.mark.parametrize(
    "text",
    [b'{"detail": "not a list"}', b'[{"id": "a"}, {"id": ', b'[{"id": "a"} {"id": "b"', b"[" + b'"' + b"x" * 5000],
)
def test_what_is_not_a_whole_list_is_unreadable(text: bytes) -> None:
    with pytest.raises(InvalidResponseError):
        items(text, 64, max_item_chars=1000)


def test_an_answer_cut_short_is_the_connection_not_the_answer() -> None:
    """The sandbox's "drop" fault sends `{"id": ` and cuts the connection: that is a lost
    connection (retried as one), not an answer that is not a list."""

    async def cut() -> AsyncIterator[bytes]:
        yield b'{"id": '
        raise ConnectionResetError("cut")

    async def go() -> list[object]:
        return [item async for item in json_array_items(cut())]

    with pytest.raises(ConnectionResetError):
        run(go())
