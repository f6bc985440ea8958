"""Daily summaries -> the digest and /summary embeds a community manager reads in a minute."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord

from bot.analysis.summary import DailySummary, TopConversation
from bot.render.digest_waiting import add_waiting_fields
from bot.render.text import plural
from bot.store.alerts import AlertItem, WaitingNow

JumpUrl = Callable[[int, int], str]
"""Builds a message link from (channel_id, message_id); the caller knows the guild."""

TREND_FILENAME = "trend.png"
COLOUR = discord.Colour(0x4C6EF5)
NO_VALUE = "—"
NAME_CHARS = 32
GUILD_CHARS = 100
FIELD_CHARS = 1024
EMBED_CHARS = 6000
AUTHOR_CHARS = 256
FOOTNOTE_CHARS = 300


def arrow(today: float | int | None, before: float | int | None) -> str:
    """ "▲" up, "▼" down, "▶" unchanged against the earlier value; "" when either is unknown."""
    if today is None or before is None:
        return ""
    if today > before:
        return "▲"
    if today < before:
        return "▼"
    return "▶"


def human_duration(seconds: float | None) -> str:
    """A wait as people say it: "45 s", "12 min", "1 h 5 min", "2 d 3 h"; "—" when unknown."""
    if seconds is None or math.isnan(seconds):
        return NO_VALUE
    if seconds < 59.5:
        return f"{max(0, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def quiet_day_text(day: str, guild_name: str) -> str:
    """The one-line digest of a day with no message, reaction or join."""
    guild = _plain(guild_name, GUILD_CHARS)
    return f"No activity in {guild} on {day}: a quiet day. Ascolto is still listening."


def digest_embed(
    summary: DailySummary,
    previous: DailySummary | None,
    *,
    guild_name: str,
    show_people: bool,
    partial_since: str | None = None,
    week: tuple[DailySummary, DailySummary] | None = None,
    jump_url: JumpUrl,
    unknown: AbstractSet[str] = frozenset(),
    why: str = "",
    opted_out: int = 0,
    waiting: WaitingNow | None = None,
    went_unanswered: Sequence[AlertItem] = (),
    now: datetime | None = None,
) -> discord.Embed:
    """The daily digest: headline numbers with arrows against ``previous``, links, the chart.

    ``week`` is (this week, last week) as summaries holding week totals. Per-person
    lists appear only with ``show_people``. The caller attaches the chart as
    ``trend.png``. ``unknown`` fields of ``summary`` (imported history) show as "—",
    and ``why`` says why in the footer. ``opted_out`` members get a note (``/summary``).
    """
    notes = []
    if previous is not None:
        notes.append(f"Arrows compare with {previous.day}.")
    if partial_since is not None:
        since = _since(partial_since, summary.timezone)
        notes.append(f"⚠️ Ascolto only saw part of this day, since {since}.")
    notes.append(opted_out_note(opted_out))
    embed = _embed(f"Daily digest — {summary.day}", summary, "\n".join(filter(None, notes)), why)
    embed.set_author(name=_clip(guild_name, AUTHOR_CHARS))
    for label, value in _headlines(summary, previous, unknown):
        embed.add_field(name=label, value=value, inline=True)
    if week is not None:
        lines = [f"**{label}** {value}" for label, value in _headlines(*week, inline=True)]
        _add_list(embed, "This week vs last week", lines)
    add_waiting_fields(
        embed,
        waiting,
        went_unanswered,
        now=now or discord.utils.utcnow(),
        show_people=show_people,
        jump_url=jump_url,
    )
    # An unknown list is left out, as an empty one is: the footer says why.
    if summary.top_conversations and "top_conversations" not in unknown:
        _add_list(embed, "Top conversations", _conversations(summary.top_conversations, jump_url))
    if show_people and summary.top_connectors and "top_connectors" not in unknown:
        _add_list(embed, "Top connectors", _connectors(summary))
    if show_people and summary.broadcasters and "broadcasters" not in unknown:
        _add_list(embed, "Broadcasters (7 days)", _broadcasters(summary))
    embed.set_image(url=f"attachment://{TREND_FILENAME}")
    return _fit(embed)


def summary_embed(
    summary: DailySummary,
    *,
    jump_url: JumpUrl,
    unknown: AbstractSet[str] = frozenset(),
    why: str = "",
    opted_out: int = 0,
) -> discord.Embed:
    """The managers' ``/summary`` view: every headline number and every per-person list;
    ``unknown`` fields (imported history) show as "—", and ``why`` says why in the footer;
    ``opted_out`` members get a note."""
    embed = _embed(f"Summary — {summary.day}", summary, opted_out_note(opted_out), why)
    for label, value in _headlines(summary, None, unknown):
        embed.add_field(name=label, value=value, inline=True)
    embed.add_field(name="Newcomers", value=_newcomers(summary, unknown), inline=True)
    if summary.reminders_sent > 0:
        embed.add_field(name="Reminders", value=_reminders(summary, unknown), inline=True)
    nothing = ["None on this day."]
    conversations = _conversations(summary.top_conversations, jump_url)
    lists = (
        ("Top conversations", "top_conversations", conversations, nothing),
        ("Top connectors", "top_connectors", _connectors(summary), nothing),
        (
            "Broadcasters (7 days)",
            "broadcasters",
            _broadcasters(summary),
            ["Nobody in the last 7 days."],
        ),
    )
    for name, key, lines, empty in lists:
        _add_list(embed, name, [NO_VALUE] if key in unknown else lines or empty)
    return _fit(embed)


def opted_out_note(count: int) -> str:
    """Why a count may drop with nobody leaving: members who opted out are in no number
    (a count names no one, so public summaries show it too); "" when none did."""
    if count <= 0:
        return ""
    have = "has" if count == 1 else "have"
    return f"{plural(count, 'member')} {have} opted out of logging; they appear in no number."


Known = Callable[[str], Any]
"""A field of the summary by name, or None when it is unknown (imported history)."""


def _known(summary: DailySummary, unknown: AbstractSet[str]) -> Known:
    return lambda name: None if name in unknown else getattr(summary, name)


def _count(value: int | None) -> str:
    return NO_VALUE if value is None else f"{value:,}"


class _Headline(NamedTuple):
    label: str
    key: str  # the field its arrow follows
    show: Callable[[DailySummary, Known], str]
    detail: Callable[[Known], str] | None = None


def _answered(s: DailySummary, known: Known) -> str:
    if not s.questions:
        return "no questions"
    return f"{_count(known('questions_answered'))} of {s.questions:,}"


def _network(s: DailySummary, known: Known) -> str:
    size, growth = known("network_size"), known("network_growth_7d")
    if size is None:
        return NO_VALUE
    return f"{size:,} ({growth:+,} this week)" if growth is not None else f"{size:,}"


_HEADLINES = (
    _Headline("Messages", "messages", lambda s, known: _count(known("messages"))),
    _Headline("Active members", "active_members", lambda s, known: _count(known("active_members"))),
    _Headline(
        "Listening ratio", "listening_ratio", lambda s, known: _percent(known("listening_ratio"))
    ),
    # The arrow follows the response rate: more questions answered only because
    # more were asked is not better listening.
    _Headline(
        "Questions answered",
        "response_rate",
        _answered,
        lambda known: f"median wait {human_duration(known('median_first_response_seconds'))}",
    ),
    _Headline(
        "New connections", "new_connections", lambda s, known: _count(known("new_connections"))
    ),
    _Headline(
        "Reciprocal connections",
        "reciprocal_connections",
        lambda s, known: _count(known("reciprocal_connections")),
    ),
    _Headline("Network size", "network_size", _network),
)


def _headlines(
    summary: DailySummary,
    before: DailySummary | None,
    unknown: AbstractSet[str] = frozenset(),
    *,
    inline: bool = False,
) -> list[tuple[str, str]]:
    """(label, value with arrow) per headline number; the detail on its own line or after "·".
    A field in ``unknown`` shows as "—", with no arrow."""
    known = _known(summary, unknown)
    rows = []
    for headline in _HEADLINES:
        earlier = None if before is None else getattr(before, headline.key)
        shown = headline.show(summary, known)
        value = " ".join(filter(None, (shown, arrow(known(headline.key), earlier))))
        if headline.detail is not None and summary.questions:
            value += (" · " if inline else "\n") + headline.detail(known)
        rows.append((headline.label, value))
    return rows


def _embed(title: str, summary: DailySummary, description: str, why: str = "") -> discord.Embed:
    embed = discord.Embed(title=title, description=description or None, colour=COLOUR)
    # The line saying why some numbers are "—" is the footnote, once per embed.
    footer = [_clip(why, FOOTNOTE_CHARS)] if why else []
    footer.append(_clip(f"Ascolto · computed {summary.computed_at}", 200))
    embed.set_footer(text="\n".join(footer))
    return embed


def _percent(ratio: float | None) -> str:
    return NO_VALUE if ratio is None else f"{ratio:.0%}"


def _conversations(conversations: Sequence[TopConversation], jump_url: JumpUrl) -> list[str]:
    return [
        f"[{plural(c.messages, 'message')}, {plural(c.participants, 'participant')}]"
        f"({jump_url(c.channel_id, c.message_id)})"
        for c in conversations
    ]


def _connectors(summary: DailySummary) -> list[str]:
    return [
        f"{_plain(c.name)} · {plural(c.connections, 'connection')}" for c in summary.top_connectors
    ]


def _broadcasters(summary: DailySummary) -> list[str]:
    return [
        f"{_plain(b.name)} · {plural(b.messages, 'message')}, "
        f"{_percent(b.listening_ratio)} listening"
        for b in summary.broadcasters
    ]


def _newcomers(s: DailySummary, unknown: AbstractSet[str] = frozenset()) -> str:
    joined = f"{s.new_members:,} joined"
    if not s.newcomer_first_messages:
        return joined
    answered = _count(_known(s, unknown)("newcomers_answered"))
    return f"{joined}\n{answered} of {s.newcomer_first_messages:,} first messages answered"


def _reminders(s: DailySummary, unknown: AbstractSet[str] = frozenset()) -> str:
    followed = _count(_known(s, unknown)("reminders_followed"))
    return f"{s.reminders_sent:,} sent, {followed} followed within 24 h"


def _plain(name: str | None, limit: int = NAME_CHARS) -> str:
    """A display name as inert text: truncated, no markdown, nothing that looks like a mention."""
    text = " ".join((name or "").split())
    if not text:
        return "a member"
    text = discord.utils.escape_markdown(_clip(text, limit))
    # A zero-width space keeps "<@123>" and "@everyone" from reading as mentions.
    return text.replace("<", "<\u200b").replace("@", "@\u200b")


def _since(value: str, timezone: str) -> str:
    """ "HH:MM (zone)" from an "HH:MM" or ISO datetime string, in the guild's zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return _clip(f"{value} ({timezone})", 80)
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(ZoneInfo(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            return moment.strftime("%H:%M %Z").strip()
    return f"{moment:%H:%M} ({timezone})"


def _add_list(embed: discord.Embed, name: str, lines: Sequence[str]) -> None:
    """A field of whole lines, stopping with "…" before Discord's 1024-character limit."""
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > FIELD_CHARS - 2:
            kept.append("…")
            break
        kept.append(line)
        size += len(line) + 1
    embed.add_field(name=name, value="\n".join(kept) or "…", inline=False)


def _fit(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed is within Discord's 6000-character total."""
    while len(embed) > EMBED_CHARS and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
