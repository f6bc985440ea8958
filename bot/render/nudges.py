"""What a member's daily DM (``/nudges``) looks like, and when it says it will come.

Each item says who, where and when, quotes the start of the message (one line, mentions
made harmless: bot/render/text.py) and links to it. Text is quoted only for the items
a caller names in ``quotable``: the cogs decide who can read what, and an item whose
text is not stored has no quoted line. Members are named as mentions, which the bot
sends without pinging anyone; times are Discord timestamps, in the reader's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, time

import discord

from bot.analysis.nudge_plan import QuietHours
from bot.render.reminders import OPEN_COLOUR, jump_url, quote
from bot.render.text import Names
from bot.store.inbox import InboxItem, Suggestion


def _quote(text: str | None, names: Names, quoted: bool) -> str:
    """The item's start of text as a quoted line below it, or nothing."""
    return quote(text, names) if quoted else ""


def _when(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


def _item(guild: discord.Guild, item: InboxItem, quote: bool) -> str:
    verb = "replied to you" if item.kind == "reply" else "mentioned you"
    link = f"[Jump]({jump_url(guild.id, item.where_id, item.message_id)})"
    return (
        f"• <@{item.author_id}> {verb} in <#{item.where_id}>, {_when(item.at)} · {link}"
        f"{_quote(item.excerpt, guild, quote)}"
    )


def _question(guild: discord.Guild, question: Suggestion, quote: bool) -> str:
    asker = f"<@{question.author_id}>" + (", new here," if question.newcomer else "")
    link = f"[Jump]({jump_url(guild.id, question.where_id, question.message_id)})"
    return (
        f"{asker} asked in <#{question.where_id}>, {_when(question.asked_at)}, and nobody "
        f"has answered yet · {link}{_quote(question.excerpt, guild, quote)}"
    )


def nudge_embed(
    guild: discord.Guild,
    items: Sequence[InboxItem],
    more_items: int,
    suggestion: Suggestion | None,
    quotable: AbstractSet[int] = frozenset(),
) -> discord.Embed:
    """A member's daily DM: the new replies they may owe, and perhaps one question they
    could answer; the start of the text only for the ``quotable`` ones (message ids)."""
    parts = []
    if items:
        lines = [_item(guild, item, item.message_id in quotable) for item in items]
        if more_items:
            lines.append(f"…and {more_items} more: `/inbox` in {guild.name} lists them.")
        parts.append("**Waiting for your reply**\n" + "\n".join(lines))
    if suggestion is not None:
        parts.append(
            "**A question you could answer**\n"
            + _question(guild, suggestion, suggestion.message_id in quotable)
        )
    return discord.Embed(
        title=f"Ascolto · {guild.name}", description="\n\n".join(parts), colour=OPEN_COLOUR
    ).set_footer(
        text="Each item comes once; /inbox lists all that still wait. "
        "You get this because you turned on /nudges. /nudges off stops it."
    )


def delivery(hour: int, timezone: str, quiet: QuietHours | None) -> str:
    """When the DM really comes, if the guild's quiet hours move it from the member's
    ``hour`` (bot/analysis/nudge_plan.py sends it when they end); else nothing."""
    chosen = time(hour)
    if quiet is None or not quiet.contains(chosen):
        return ""
    return (
        f"{chosen:%H:%M} falls in this server's quiet hours ({quiet.starts:%H:%M} to "
        f"{quiet.ends:%H:%M}), so your DM will come at {quiet.ends:%H:%M} ({timezone})."
    )
