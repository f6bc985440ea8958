"""The baseline question rule of docs/metrics.md, on hand-written texts."""

from __future__ import annotations

import pytest

from bot.analysis.questions import is_question


@pytest.mark.parametrize(
    "text",
    [
        "How do I start?",
        "¿Qué?",
        "Come si fa?",
        "Really?!",
        "(is it open?)",
        'She asked "why?"',
        "is this **bold?**",
        "_italic?_",
        "Two lines?\nSecond line",
        "Trailing space? ",
        "Anyone? I am stuck",
    ],
)
def test_questions(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a?b",
        "?foo",
        "No question here.",
        "See https://example.com/search?q=1 for details",
        "Run `ls -la?` first",
        "```\nwhat?\n```",
        "> did you try it?\nYes I did.",
        "http://x.y/?",
        "full-width question mark only？",  # noqa: RUF001 - the baseline knows only "?"
    ],
)
def test_not_questions(text: str) -> None:
    assert not is_question(text)


def test_a_forum_post_always_opens_with_a_question() -> None:
    assert is_question("Release notes for 2.0", opens_forum_post=True)


def test_quote_removal_keeps_the_lines_after_the_quote() -> None:
    assert is_question("> a quote.\nBut is it true?")
