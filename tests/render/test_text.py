"""Counts and their nouns agree wherever a person reads them."""

from __future__ import annotations

import pytest

from bot.render.text import plural


@pytest.mark.parametrize(
    ("count", "word", "many", "expected"),
    [
        (1, "day", None, "1 day"),
        (0, "day", None, "0 days"),
        (2, "reaction", None, "2 reactions"),
        (1, "reply", "replies", "1 reply"),
        (1204, "reply", "replies", "1,204 replies"),
    ],
)
def test_the_noun_agrees_with_the_count(
    count: int, word: str, many: str | None, expected: str
) -> None:
    assert plural(count, word, many) == expected
