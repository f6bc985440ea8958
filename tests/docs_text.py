"""Messages as a reader sees them in Discord, as Markdown text for the documentation.

Mentions become names, Discord timestamps become the dates and ages the client would
show at a given moment, and each embed becomes a block quote: title, text, fields,
footer. The docs test plays a community and compares what the bot wrote with the
examples in docs/messages.md, so the examples are always the bot's own words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

import discord

_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")
_TIME = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")


def _ago(seconds: float) -> str:
    """Discord's relative time, as its client words it ("3 hours ago", "in 2 days")."""
    future = seconds < 0
    seconds = abs(seconds)
    units = ((86400 * 365, "year"), (86400 * 30, "month"), (86400, "day"), (3600, "hour"))
    size, unit = next(((size, unit) for size, unit in units if seconds >= size), (60, "minute"))
    if seconds < 60:
        return "in a few seconds" if future else "a few seconds ago"
    count = round(seconds / size)
    words = f"{'a' if count == 1 else count} {unit}{'' if count == 1 else 's'}"
    if count == 1 and unit == "hour":
        words = "an hour"
    return f"in {words}" if future else f"{words} ago"


def _time(match: re.Match[str], now: datetime) -> str:
    moment = datetime.fromtimestamp(int(match.group(1)), tz=UTC)
    style = match.group(2) or "f"
    if style == "R":
        return _ago((now - moment).total_seconds())
    if style in "dD":
        return f"{moment:%Y-%m-%d}"
    if style in "tT":
        return f"{moment:%H:%M} UTC"
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def plain(
    text: str,
    *,
    names: Mapping[int, str],
    channels: Mapping[int, str],
    now: datetime,
) -> str:
    """``text`` with mentions and timestamps as the Discord client shows them."""
    text = _USER.sub(lambda m: "@" + names.get(int(m.group(1)), "unknown-user"), text)
    text = _ROLE.sub("@role", text)
    text = _CHANNEL.sub(lambda m: "#" + channels.get(int(m.group(1)), "unknown"), text)
    return _TIME.sub(lambda m: _time(m, now), text)


def as_markdown(
    message: discord.Message,
    *,
    names: Mapping[int, str],
    channels: Mapping[int, str],
    now: datetime,
) -> str:
    """The message as Markdown: its text, then each embed as a block quote."""

    def show(text: str) -> str:
        return plain(text, names=names, channels=channels, now=now)

    parts = [show(message.content)] if message.content else []
    for embed in message.embeds:
        lines = []
        if embed.author and embed.author.name:
            lines.append(f"*{show(embed.author.name)}*")
        if embed.title:
            lines.append(f"**{show(embed.title)}**")
        if embed.description:
            lines += ["", show(embed.description)]
        for field in embed.fields:
            lines += ["", f"**{show(field.name or '')}**", show(field.value or "")]
        if embed.image and embed.image.url:
            lines += ["", f"*[chart: {embed.image.url.removeprefix('attachment://')}]*"]
        if embed.footer and embed.footer.text:
            lines += ["", f"*{show(embed.footer.text)}*"]
        parts.append("\n".join(f"> {line}".rstrip() for line in "\n".join(lines).split("\n")))
    return "\n\n".join(parts)
