"""What reminders look like: the team's board, a member's inbox, /unanswered.

Members are named as mentions, which the bot sends without pinging anyone (its
allowed mentions are none). Times are Discord timestamps, shown in each reader's
own time zone and kept up to date by the client ("2 hours ago").

The start of a message is quoted only for the items a caller names in ``quotable``
(their message ids): the cogs decide who can read what. Any other item says only who,
where and when, with a link that Discord opens only for those who may read it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime

import discord

from bot.render.text import Names, excerpt, plural
from bot.store.alerts import EXPIRED_LISTED_DAYS, AlertItem, Board
from bot.store.inbox import InboxItem

UNANSWERED_PAGE = 10  # items on one page of /unanswered
OPEN_COLOUR = discord.Colour.orange()
DONE_COLOUR = discord.Colour.green()
RETIRED_COLOUR = discord.Colour.light_grey()
NOTHING_WAITING = "Nothing waiting · all answered, thank you"


def jump_url(guild_id: int, where_id: int, message_id: int) -> str:
    """A link to a message in a channel or thread."""
    return f"https://discord.com/channels/{guild_id}/{where_id}/{message_id}"


def quote(text: str | None, names: Names | None = None) -> str:
    """The start of a message as a quoted line below its item (one line, mentions made
    harmless: bot/render/text.py), or nothing when no text is stored."""
    line = excerpt(text, names)
    return "" if line is None else f"\n> {line}"


def _ago(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


def _names(user_ids: Sequence[int]) -> str:
    mentions = [f"<@{user_id}>" for user_id in user_ids]
    if len(mentions) <= 2:
        return " and ".join(mentions)
    return ", ".join(mentions[:-1]) + f" and {mentions[-1]}"


def item_line(guild_id: int, item: AlertItem, quoted: bool, names: Names | None = None) -> str:
    """One waiting item: what, who, where, when, whom it was asked of, whether it was
    seen (reactions), a link, and the start of the text when ``quote``."""
    newcomer = item.kind == "newcomer"
    marker = "🌱" if newcomer else "❓"
    what = "Newcomer's first message" if newcomer else "Question"
    line = f"{marker} {what} by <@{item.author_id}> in <#{item.where_id}>, {_ago(item.asked_at)}"
    if item.addressed_to:
        line += f", asked of {_names(item.addressed_to)}"
    if item.reactions:
        line += f" · {plural(item.reactions, 'reaction')}, no reply yet"
    line += f" · [Jump]({jump_url(guild_id, item.where_id, item.message_id)})"
    return line + (quote(item.excerpt, names) if quoted else "")


def waiting_title(questions: int, newcomers: int) -> str:
    """The total that waits, by kind: "3 waiting: 2 questions, 1 newcomer"."""
    total = questions + newcomers
    if questions and newcomers:
        return (
            f"{total:,} waiting: {plural(questions, 'question')}, {plural(newcomers, 'newcomer')}"
        )
    if newcomers:
        return f"{plural(newcomers, 'newcomer')} waiting"
    return f"{plural(questions, 'question')} waiting"


def board_embed(
    guild_id: int,
    board: Board,
    quotable: AbstractSet[int] = frozenset(),
    *,
    expire_days: int = 7,
    names: Names | None = None,
) -> discord.Embed:
    """The guild's one board: what waits now, oldest first, up to ten, then a count;
    the start of the text only for the ``quotable`` ones. Nothing waiting says so."""
    if not board.total:
        return discord.Embed(
            title=NOTHING_WAITING,
            description="Every question and newcomer's first message announced here got "
            "a response. New ones appear on this board.",
            colour=DONE_COLOUR,
        )
    lines = [item_line(guild_id, item, item.message_id in quotable, names) for item in board.items]
    more = board.total - len(board.items)
    if more:
        lines.append(f"…and {more:,} more: `/unanswered` lists them all.")
    return discord.Embed(
        title=waiting_title(board.questions, board.newcomers),
        description="\n".join(lines),
        colour=OPEN_COLOUR,
    ).set_footer(
        text=f"An item leaves when it gets a response, or after {plural(expire_days, 'day')} "
        "without one (/unanswered expired:true lists those)."
    )


def moved_embed(
    guild_id: int, board: tuple[int, int] | None, channel_id: int | None
) -> discord.Embed:
    """What an old board (or an alert of an older version) says once it no longer
    lists anything: where the board is now (``board``: its channel and message), or
    that alerts are off (``channel_id`` None). It never claims that something waits."""
    if channel_id is None:
        return discord.Embed(
            title="Alerts are off",
            description="This board is no longer kept up to date. "
            "`/unanswered` lists what waits; `/config alerts set` turns alerts on again.",
            colour=RETIRED_COLOUR,
        )
    if board is not None:
        where, message_id = board
        link = jump_url(guild_id, where, message_id)
        text = f"The board of what waits for a response is now [here]({link})."
    else:
        text = (
            f"Nothing listed here waits any more. The board of what waits is kept in "
            f"<#{channel_id}>; `/unanswered` lists it all."
        )
    return discord.Embed(title="Moved", description=text, colour=RETIRED_COLOUR)


def board_signature(embed: discord.Embed) -> str:
    """A short fingerprint of what an embed shows: the board is edited only when it
    changes."""
    shown = json.dumps(embed.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


def inbox_embed(
    guild_id: int,
    items: Sequence[InboxItem],
    total: int,
    quotable: AbstractSet[int] = frozenset(),
    names: Names | None = None,
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
            f" · {link}{quote(item.excerpt, names) if item.message_id in quotable else ''}"
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
    quotable: AbstractSet[int] = frozenset(),
    *,
    expired: bool = False,
    expire_days: int = 7,
    names: Names | None = None,
) -> discord.Embed:
    """One page of /unanswered: the waiting items (or, ``expired``, those that went
    unanswered), oldest first, titled with the totals; the start of the text only for
    the ``quotable`` ones. ``items`` is every item; the page shows ten of them."""
    if not items:
        if expired:
            return discord.Embed(
                title="Nothing went unanswered",
                description=f"No question or newcomer's first message of the last "
                f"{EXPIRED_LISTED_DAYS} days that matches waited {plural(expire_days, 'day')} "
                "without a response.",
                colour=DONE_COLOUR,
            )
        return discord.Embed(
            title=NOTHING_WAITING,
            description=f"Every question and newcomer's first message of the last "
            f"{plural(expire_days, 'day')} that matches got a response.",
            colour=DONE_COLOUR,
        )
    newcomers = sum(1 for item in items if item.kind == "newcomer")
    shown = items[page * UNANSWERED_PAGE : (page + 1) * UNANSWERED_PAGE]
    lines = [item_line(guild_id, item, item.message_id in quotable, names) for item in shown]
    if expired:
        title = f"{plural(len(items), 'item')} went unanswered"
        lines.insert(
            0,
            f"No response within {plural(expire_days, 'day')}, asked in the last "
            f"{EXPIRED_LISTED_DAYS} days; they are off the board.",
        )
    else:
        title = waiting_title(len(items) - newcomers, newcomers)
    embed = discord.Embed(title=title, description="\n".join(lines), colour=OPEN_COLOUR)
    if pages > 1:
        embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed
