"""The digest's view of what waits: "Waiting now" and "Went unanswered", as embed fields.

Names appear only with the digest's ``show_people``; otherwise an item says what,
where and when, with its link. Times are Discord timestamps, shown in each reader's
own time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

import discord

from bot.render.text import plural
from bot.store.alerts import AlertItem, WaitingNow

WENT_UNANSWERED_LISTED = 10  # items listed; the rest are counted
FIELD_CHARS = 1024  # Discord's limit for a field's value
MORE_RESERVE = 80  # room kept for the "and N more" line

JumpUrl = Callable[[int, int], str]
"""A message link from (channel or thread id, message id)."""


class WaitingJob(Protocol):
    """What a digest job holds about waiting items (bot.digests.DigestJob)."""

    @property
    def waiting(self) -> WaitingNow | None: ...
    @property
    def went_unanswered(self) -> Sequence[AlertItem]: ...
    @property
    def show_people(self) -> bool: ...


def waiting_now_text(waiting: WaitingNow, now: datetime) -> str:
    """ "2 questions and 1 newcomer wait for a response, the oldest for 3 days: see
    /unanswered", or "Nothing is waiting."."""
    if not waiting.total:
        return "Nothing is waiting."
    kinds = [
        plural(count, word)
        for count, word in ((waiting.questions, "question"), (waiting.newcomers, "newcomer"))
        if count
    ]
    verb = "waits" if waiting.total == 1 else "wait"
    text = f"{' and '.join(kinds)} {verb} for a response"
    if waiting.oldest_at is not None:
        age = _age(now - waiting.oldest_at)
        text += f", the oldest for {age}" if waiting.total > 1 else f", for {age}"
    return text + ": see `/unanswered`."


def went_unanswered_lines(
    items: Sequence[AlertItem], *, show_people: bool, jump_url: JumpUrl
) -> list[str]:
    """One line per item that expired (what, who, where, when asked, link), as many as
    fit in a field, then how many more."""
    lines: list[str] = []
    used = MORE_RESERVE
    for item in items[:WENT_UNANSWERED_LISTED]:
        what = "Newcomer's first message" if item.kind == "newcomer" else "Question"
        who = f" by <@{item.author_id}>" if show_people else ""
        asked = discord.utils.format_dt(item.asked_at, "d")
        link = jump_url(item.where_id, item.message_id)
        line = f"• {what}{who} in <#{item.where_id}>, asked {asked} · [Jump]({link})"
        if used + len(line) + 1 > FIELD_CHARS:
            break
        lines.append(line)
        used += len(line) + 1
    more = len(items) - len(lines)
    if more:
        lines.append(f"…and {more:,} more: `/unanswered expired:true` lists them.")
    return lines


def add_waiting_fields(
    embed: discord.Embed,
    waiting: WaitingNow | None,
    went_unanswered: Sequence[AlertItem],
    *,
    now: datetime,
    show_people: bool,
    jump_url: JumpUrl,
) -> None:
    """Add **Waiting now** (when known) and **Went unanswered** (only when some did)."""
    if waiting is not None:
        embed.add_field(name="Waiting now", value=waiting_now_text(waiting, now), inline=False)
    if went_unanswered:
        lines = went_unanswered_lines(went_unanswered, show_people=show_people, jump_url=jump_url)
        embed.add_field(name="Went unanswered", value="\n".join(lines), inline=False)


def _age(waited: timedelta) -> str:
    seconds = waited.total_seconds()
    hours = int(seconds // 3600)
    if hours >= 24:
        return plural(hours // 24, "day")
    if hours >= 1:
        return plural(hours, "hour")
    return plural(max(int(seconds // 60), 1), "minute")


def waiting_embed(job: WaitingJob, jump_url: JumpUrl, now: datetime) -> discord.Embed | None:
    """On a quiet day's one-line digest: only what went unanswered that day, if anything
    did (so that an item is listed once even when its last day was quiet)."""
    if not job.went_unanswered:
        return None
    embed = discord.Embed()
    add_waiting_fields(
        embed,
        job.waiting,
        job.went_unanswered,
        now=now,
        show_people=job.show_people,
        jump_url=jump_url,
    )
    return embed
