"""The baseline question rule of docs/metrics.md, in any language."""

from __future__ import annotations

import re

_FENCED_CODE = re.compile(r"```.*?```", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`]*`")
_QUOTE_LINE = re.compile(r"^>.*$", re.MULTILINE)
_URL = re.compile(r"https?://\S*")
# A question mark that ends a sentence: followed by whitespace, the end, a closing
# bracket or quote, a markdown emphasis mark, or "!".
_ENDING_QUESTION_MARK = re.compile(r"\?(?=\s|$|[)\]}\"'»”’*_~!])")  # noqa: RUF001


def strip_non_prose(text: str) -> str:
    """Remove code blocks, inline code, quoted lines and URLs, in that order."""
    text = _FENCED_CODE.sub("", text)
    text = _INLINE_CODE.sub("", text)
    text = _QUOTE_LINE.sub("", text)
    return _URL.sub("", text)


def is_question(text: str, *, opens_forum_post: bool = False) -> bool:
    """Whether a message is a question: a forum post's first message always is."""
    if opens_forum_post:
        return True
    return _ENDING_QUESTION_MARK.search(strip_non_prose(text)) is not None
