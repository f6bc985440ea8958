"""Small pieces of text shared by everything people read: embeds, DMs, the CLI."""

from __future__ import annotations

import re
from typing import Protocol

import discord

# How much of a value someone typed (or a file held) an error message quotes: enough
# to recognise it, never enough to push a Discord reply past its 2,000 characters or a
# command-line error past one line.
QUOTED_CHARACTERS = 40
NAME_CHARS = 32  # of a display name shown in an embed


def plural(count: int, word: str, many: str | None = None) -> str:
    """The count and its noun in agreement: ``1 day``, ``2 days``, ``1,204 replies``."""
    noun = word if count == 1 else (many if many is not None else f"{word}s")
    return f"{count:,} {noun}"


def quoted(value: object, limit: int = QUOTED_CHARACTERS) -> str:
    """A bad value as an error message quotes it: Python's ``repr`` (control characters
    and lone surrogates escaped), cut to about ``limit`` characters with ``…`` and the
    length of the whole when it is longer: ``'aaaa…' (5,000 characters)``."""
    if isinstance(value, str):
        shown = repr(value)
        if len(shown) <= limit + 2:
            return shown
        # Escapes make a repr longer than its text: take characters while they fit.
        prefix = ""
        for char in value[:limit]:
            if len(repr(prefix + char)) > limit + 2:
                break
            prefix += char
        cut = repr(prefix)
        return f"{cut[:-1]}…{cut[-1]} ({plural(len(value), 'character')})"
    try:
        shown = repr(value)
    except ValueError:  # an integer with more digits than Python will print
        return "a number too long to show"
    return shown if len(shown) <= limit else f"{shown[:limit]}… ({type(value).__name__})"


# How much of a message a reminder quotes (a DM item, a question to answer).
EXCERPT_CHARACTERS = 120
ZERO_WIDTH_SPACE = "\u200b"

# What Discord would turn into a mention or an emoji: a user (``<@id>``, ``<@!id>``), a
# role (``<@&id>``), @everyone and @here, a custom emoji. Channel mentions stay as they
# are: they name a place and notify no one.
_SPECIAL = re.compile(
    r"<@!?(?P<user>\d+)>|<@&(?P<role>\d+)>|@(?P<crowd>everyone|here)\b|<a?:(?P<emoji>\w+):\d+>"
)
_CROWD = re.compile(r"@(everyone|here)\b")
# A channel mention or a timestamp cut in half at the end of an excerpt (the other
# tokens were turned into text before the cut).
_CUT_TOKEN = re.compile(r"<(?:#|t:)[^>\s]*$")


class _Named(Protocol):
    @property
    def display_name(self) -> str: ...


class _Role(Protocol):
    @property
    def name(self) -> str: ...


class Names(Protocol):
    """Who and which role an id is: a ``discord.Guild`` is one."""

    def get_member(self, user_id: int, /) -> _Named | None: ...
    def get_role(self, role_id: int, /) -> _Role | None: ...


def excerpt(
    text: str | None, names: Names | None = None, limit: int = EXCERPT_CHARACTERS
) -> str | None:
    """The start of a message as a reminder quotes it, or None when no text is stored:
    one line of at most ``limit`` characters (cut with ``…``), markdown escaped, and
    mentions made harmless: members as "@display name" when ``names`` knows them (else
    "@someone"), roles as "@role name", @everyone and @here broken by a zero-width
    space, custom emoji as ``:name:``."""
    if text is None:
        return None
    line = _SPECIAL.sub(lambda match: _harmless(match, names), " ".join(text.split()))
    if not line:
        return None
    if len(line) > limit:
        line = _CUT_TOKEN.sub("", line[: limit - 1]).rstrip() + "…"
    return discord.utils.escape_markdown(line)


def _harmless(match: re.Match[str], names: Names | None) -> str:
    """A mention as text that notifies no one and reads well anywhere (a DM included)."""
    if match["emoji"] is not None:
        return f":{match['emoji']}:"
    if match["crowd"] is not None:
        return f"@{ZERO_WIDTH_SPACE}{match['crowd']}"
    if match["user"] is not None:
        member = names.get_member(int(match["user"])) if names is not None else None
        name = member.display_name if member is not None else "someone"
    else:
        role = names.get_role(int(match["role"])) if names is not None else None
        name = role.name if role is not None else "deleted role"
    # A name is plain text too: one that reads "everyone" must not become a mention.
    name = "@" + " ".join(name.split()).removeprefix("@")  # the @everyone role's name has one
    return _CROWD.sub(lambda crowd: f"@{ZERO_WIDTH_SPACE}{crowd[1]}", name)


def plain_name(name: str | None, limit: int = NAME_CHARS) -> str:
    """A display name as inert text: truncated, no markdown, nothing that looks like a mention."""
    text = " ".join((name or "").split())
    if not text:
        return "a member"
    text = discord.utils.escape_markdown(clip(text, limit))
    # A zero-width space keeps "<@123>" and "@everyone" from reading as mentions.
    return text.replace("<", f"<{ZERO_WIDTH_SPACE}").replace("@", f"@{ZERO_WIDTH_SPACE}")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis ending what was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
