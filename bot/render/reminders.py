"""What reminders look like: the team's alert, a member's inbox, /unanswered.

Members are named as mentions, which the bot sends without pinging anyone (its
allowed mentions are none). Times are Discord timestamps, shown in each reader's
own time zone and kept up to date by the client ("2 hours ago").

The start of a message is quoted only for the items a caller names in ``quotable``
(their message ids): the cogs decide who can read what. Any other item says only who,
where and when, with a link that Discord opens only for those who may read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime

import discord

from bot.render.text import plural
from bot.store.alerts import AlertItem
from bot.store.inbox import InboxItem

ALERT_LISTED = 10  # items listed in one alert message; the rest are counted
EXCERPT_CHARS = 120
OPEN_COLOUR = discord.Colour.orange()
DONE_COLOUR = discord.Colour.green()


def jump_url(guild_id: int, where_id: int, message_id: int) -> str:
    """A link to a message in a channel or thread."""
    return f"https://discord.com/channels/{guild_id}/{where_id}/{message_id}"


def excerpt(text: str | None) -> str:
    """The start of a message, on one quoted line, or nothing when text is not stored."""
    if not text:
        return ""
    line = " ".join(text.split())
    if len(line) > EXCERPT_CHARS:
        line = line[: EXCERPT_CHARS - 1].rstrip() + "…"
    return f"\n> {discord.utils.escape_markdown(line)}"


def _ago(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


def _item_line(guild_id: int, item: AlertItem, answered_at: datetime | None, quote: bool) -> str:
    what = "First message from newcomer" if item.kind == "newcomer" else "Question"
    where = f"{what} by <@{item.author_id}> in <#{item.where_id}>, {_ago(item.asked_at)}"
    link = f"[Jump]({jump_url(guild_id, item.where_id, item.message_id)})"
    if answered_at is not None:
        return f"✅ ~~{where}~~ answered {_ago(answered_at)} · {link}"
    marker = "🌱" if item.kind == "newcomer" else "❓"
    return f"{marker} {where} · {link}{excerpt(item.excerpt) if quote else ''}"


def alert_embed(
    guild_id: int,
    items: Sequence[tuple[AlertItem, datetime | None]],
    quotable: AbstractSet[int] = frozenset(),
) -> discord.Embed:
    """The team's alert: up to ten items waiting for an answer, marked once answered;
    the start of the text only for the ``quotable`` ones."""
    listed = items[:ALERT_LISTED]
    lines = [
        _item_line(guild_id, item, answered, item.message_id in quotable)
        for item, answered in listed
    ]
    more = len(items) - len(listed)
    if more:
        lines.append(f"…and {more} more. `/unanswered` lists every open question.")
    still_open = sum(1 for _, answered in items if answered is None)
    title = f"{still_open} waiting for an answer" if still_open else "All answered, thank you"
    return discord.Embed(
        title=title,
        description="\n".join(lines),
        colour=OPEN_COLOUR if still_open else DONE_COLOUR,
    )


def inbox_embed(
    guild_id: int,
    items: Sequence[InboxItem],
    total: int,
    quotable: AbstractSet[int] = frozenset(),
) -> discord.Embed:
    """A member's inbox: messages owed a reply, newest first, numbered for the buttons;
    the start of the text only for the ``quotable`` ones."""
    if not items:
        return discord.Embed(
            title="Your inbox is empty",
            description="No reply or mention of the last 7 days is waiting for you.",
            colour=DONE_COLOUR,
        )
    lines = []
    for number, item in enumerate(items, start=1):
        verb = "replied to you" if item.kind == "reply" else "mentioned you"
        link = f"[Jump]({jump_url(guild_id, item.where_id, item.message_id)})"
        lines.append(
            f"**{number}.** <@{item.author_id}> {verb} in <#{item.where_id}>, {_ago(item.at)}"
            f" · {link}{excerpt(item.excerpt) if item.message_id in quotable else ''}"
        )
    if total > len(items):
        lines.append(f"…and {total - len(items)} older.")
    return discord.Embed(
        title=f"{total} waiting for your reply",
        description="\n".join(lines),
        colour=OPEN_COLOUR,
    ).set_footer(
        text="An item leaves when you reply to it, react to it, answer its author there, "
        "or press Done."
    )


def unanswered_embed(
    guild_id: int,
    items: Sequence[AlertItem],
    page: int,
    pages: int,
    total: int,
    quotable: AbstractSet[int] = frozenset(),
) -> discord.Embed:
    """One page of /unanswered: open questions, oldest first; the start of the text only
    for the ``quotable`` ones."""
    if not items:
        return discord.Embed(
            title="No open question",
            description="Every question of the last 7 days that matches got a response.",
            colour=DONE_COLOUR,
        )
    lines = [_item_line(guild_id, item, None, item.message_id in quotable) for item in items]
    embed = discord.Embed(
        title=plural(total, "open question"),
        description="\n".join(lines),
        colour=OPEN_COLOUR,
    )
    if pages > 1:
        embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed
