"""Counts and their nouns agree wherever a person reads them."""

from __future__ import annotations

import pytest

from bot.render.text import plural, quoted


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mars/Base", "'Mars/Base'"),
        ("x" * 5000, "'" + "x" * 40 + "…' (5,000 characters)"),
        ("it's", '"it\'s"'),
        ("a\udc00b", "'a\\udc00b'"),  # a lone surrogate, escaped
        ("\x00" * 100, "'" + "\\x00" * 10 + "…' (100 characters)"),  # escapes count too
        (5, "5"),
        (10**100, "1" + "0" * 39 + "… (int)"),
        ({"a": 1}, "{'a': 1}"),
    ],
)
def test_a_bad_value_is_quoted_short_and_escaped(value: object, expected: str) -> None:
    assert quoted(value) == expected


def test_an_integer_too_long_to_print_is_named_not_shown() -> None:
    assert quoted(10**5000) == "a number too long to show"
