"""Daily summaries -> the digest and /summary embeds a community manager reads in a minute."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord

from bot.analysis.summary import DailySummary, TopConversation
from bot.analysis.usual import Usual
from bot.render.digest_waiting import add_waiting_fields
from bot.render.inferred import inferred_note, shown_summary, shown_unknown, shown_usual
from bot.render.legend import legend
from bot.render.text import Names, clip, excerpt, plain_name, plural
from bot.store.alerts import AlertItem, WaitingNow
from bot.store.digest_context import Opener
from bot.store.newcomers import NewcomerDay

JumpUrl = Callable[[int, int], str]
"""Builds a message link from (channel_id, message_id); the caller knows the guild."""

TREND_FILENAME = "trend.png"
COLOUR = discord.Colour(0x4C6EF5)
NO_VALUE = "—"
GUILD_CHARS = 100
FIELD_CHARS = 1024
EMBED_CHARS = 6000
AUTHOR_CHARS = 256
FOOTNOTE_CHARS = 300
FIRST_LINE_CHARS = 80  # of a top conversation's first message
NAMES_LISTED = 10  # newcomers named in one line; the rest are counted
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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
    guild = plain_name(guild_name, GUILD_CHARS)
    return f"No activity in {guild} on {day}: a quiet day. Ascolto is still listening."


def digest_embed(
    summary: DailySummary,
    *,
    guild_name: str,
    show_people: bool,
    jump_url: JumpUrl,
    usual: Usual | None = None,
    partial_since: str | None = None,
    week: tuple[DailySummary, DailySummary] | None = None,
    newcomers: NewcomerDay | None = None,
    openers: Mapping[int, Opener] | None = None,
    quotable: AbstractSet[int] = frozenset(),
    metrics_url: str | None = None,
    newcomers_label: str = "Newcomers yesterday",
    unknown: AbstractSet[str] = frozenset(),
    why: str = "",
    opted_out: int = 0,
    waiting: WaitingNow | None = None,
    went_unanswered: Sequence[AlertItem] = (),
    now: datetime | None = None,
    guild: Names | None = None,
    inferred: bool = False,
) -> discord.Embed:
    """The daily digest: headline numbers with arrows against their ``usual`` values, the
    day's newcomers and conversations, the week, a legend; the caller attaches the chart.

    ``week`` is (this week, last week) as summaries holding week totals. ``openers`` are
    the top conversations' first messages, whose text shows only for the ids in
    ``quotable`` (the caller knows who reads the channel). Names appear only with
    ``show_people``. ``newcomers_label`` names their field ("yesterday" is the digest's
    day; ``/summary public:true`` may show any day). ``unknown`` fields of ``summary``
    (imported history) show as "—", and ``why`` says why in the footer. ``opted_out``
    members get a note (``/summary``); ``waiting`` and ``went_unanswered`` come from the
    board (bot/render/digest_waiting.py). With ``inferred`` (the guild's inference is
    on), listening, answers and new connections count inferred replies, and say so.
    """
    unknown = shown_unknown(summary, unknown, inferred)
    summary, usual = shown_summary(summary, inferred), shown_usual(usual, inferred)
    if week is not None and inferred:
        week = (shown_summary(week[0], True), shown_summary(week[1], True))
    notes = []
    if usual is not None and usual.days == 1:
        notes.append("Arrows compare with the day before, the only one observed so far.")
    elif usual is not None:
        notes.append(
            f"Arrows compare with the usual value: the median of the {usual.days} days before."
        )
    if partial_since is not None:
        since = _since(partial_since, summary.timezone)
        notes.append(f"⚠️ Ascolto only saw part of this day, since {since}.")
    notes.append(inferred_note(summary.inferred_replies if inferred else None))
    notes.append(opted_out_note(opted_out))
    notes.append(legend(metrics_url))
    embed = _embed(f"Daily digest — {summary.day}", summary, "\n".join(filter(None, notes)), why)
    embed.set_author(name=clip(guild_name, AUTHOR_CHARS))
    for label, value in _headlines(summary, usual, unknown):
        embed.add_field(name=label, value=value, inline=True)
    add_waiting_fields(
        embed,
        waiting,
        went_unanswered,
        now=now or discord.utils.utcnow(),
        show_people=show_people,
        jump_url=jump_url,
    )
    if newcomers is not None:
        _add_list(
            embed,
            newcomers_label,
            _newcomer_lines(summary, newcomers, jump_url, names=show_people, unknown=unknown),
        )
    # An unknown list is left out, as an empty one is: the footer says why.
    if summary.top_conversations and "top_conversations" not in unknown:
        lines = _conversations(
            summary.top_conversations,
            jump_url,
            openers or {},
            quotable,
            names=show_people,
            guild=guild,
        )
        _add_list(embed, "Top conversations", lines)
    if week is not None:
        _add_list(embed, "This week vs last week", _week_lines(*week))
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
    newcomers: NewcomerDay | None = None,
    unknown: AbstractSet[str] = frozenset(),
    why: str = "",
    opted_out: int = 0,
    inferred: bool = False,
) -> discord.Embed:
    """The managers' ``/summary`` view: every headline number and every per-person list,
    the ``newcomers`` by name; ``unknown`` fields (imported history) show as "—", and
    ``why`` says why in the footer; ``opted_out`` members get a note; with ``inferred``,
    the figures count inferred replies, and say so."""
    unknown = shown_unknown(summary, unknown, inferred)
    summary = shown_summary(summary, inferred)
    notes = (
        inferred_note(summary.inferred_replies if inferred else None),
        opted_out_note(opted_out),
    )
    embed = _embed(f"Summary — {summary.day}", summary, "\n".join(filter(None, notes)), why)
    for label, value in _headlines(summary, None, unknown):
        embed.add_field(name=label, value=value, inline=True)
    if newcomers is None:
        embed.add_field(name="Newcomers", value=_newcomers(summary, unknown), inline=True)
    if summary.reminders_sent > 0:
        embed.add_field(name="Reminders", value=_reminders(summary, unknown), inline=True)
    if newcomers is not None:
        lines = _newcomer_lines(summary, newcomers, jump_url, names=True, unknown=unknown)
        _add_list(embed, "Newcomers", lines)
    nothing = ["None on this day."]
    conversations = _conversations(summary.top_conversations, jump_url, {}, frozenset())
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
    usual: Callable[[float], str]  # the usual value of ``key``, in words
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


def _percent(ratio: float | None) -> str:
    return NO_VALUE if ratio is None else f"{ratio:.0%}"


def _usual_count(value: float) -> str:
    return f"{round(value):,}"


_HEADLINES = (
    _Headline("Messages", "messages", lambda s, known: _count(known("messages")), _usual_count),
    _Headline(
        "Active members",
        "active_members",
        lambda s, known: _count(known("active_members")),
        _usual_count,
    ),
    _Headline(
        "Listening ratio",
        "listening_ratio",
        lambda s, known: _percent(known("listening_ratio")),
        _percent,
    ),
    # The arrow follows the response rate: more questions answered only because
    # more were asked is not better listening.
    _Headline(
        "Questions answered",
        "response_rate",
        _answered,
        lambda rate: f"{_percent(rate)} answered",
        lambda known: f"median wait {human_duration(known('median_first_response_seconds'))}",
    ),
    _Headline(
        "New connections",
        "new_connections",
        lambda s, known: _count(known("new_connections")),
        _usual_count,
    ),
    _Headline(
        "Reciprocal connections",
        "reciprocal_connections",
        lambda s, known: _count(known("reciprocal_connections")),
        _usual_count,
    ),
    # The size only grows with the days: the arrow follows the week's growth.
    _Headline(
        "Network size",
        "network_growth_7d",
        _network,
        lambda growth: f"{round(growth):+,} a week",
    ),
)


def headlines(
    summary: DailySummary, usual: Usual | None, unknown: AbstractSet[str] = frozenset()
) -> list[tuple[str, str]]:
    """The digest's headline numbers as (label, lines) pairs, for other front ends (the
    dashboard) to show the same figures with the same usual values."""
    return _headlines(summary, usual, unknown)


def _headlines(
    summary: DailySummary, usual: Usual | None, unknown: AbstractSet[str] = frozenset()
) -> list[tuple[str, str]]:
    """(label, value) per headline number for an inline field: the value, its arrow
    against the usual one, "usually …", and the detail, each on its own line.
    A field in ``unknown`` shows as "—", with no arrow."""
    known = _known(summary, unknown)
    rows = []
    for headline in _HEADLINES:
        before = None if usual is None else usual.get(headline.key)
        today = known(headline.key)
        lines = [" ".join(filter(None, (headline.show(summary, known), arrow(today, before))))]
        if before is not None:
            lines.append(f"usually {headline.usual(before)}")
        if headline.detail is not None and summary.questions:
            lines.append(headline.detail(known))
        rows.append((headline.label, "\n".join(lines)))
    return rows


def _week_lines(week: DailySummary, before: DailySummary) -> list[str]:
    """One line per headline: this week's value, last week's, and the arrow between them."""
    known, known_before = _known(week, frozenset()), _known(before, frozenset())
    lines = []
    for headline in _HEADLINES:
        now, then = headline.show(week, known), headline.show(before, known_before)
        change = arrow(getattr(week, headline.key), getattr(before, headline.key))
        line = f"**{headline.label}** {now}, last week {then} {change}".rstrip()
        if headline.detail is not None and week.questions:
            line += f" · {headline.detail(known)}"
        lines.append(line)
    return lines


def _embed(title: str, summary: DailySummary, description: str, why: str = "") -> discord.Embed:
    embed = discord.Embed(title=title, description=description or None, colour=COLOUR)
    # The line saying why some numbers are "—" is the footnote, once per embed.
    footer = [clip(why, FOOTNOTE_CHARS)] if why else []
    footer.append(clip(f"Ascolto · computed {_local_time(summary)}", 200))
    embed.set_footer(text="\n".join(footer))
    return embed


def _local_time(summary: DailySummary) -> str:
    """When the summary was computed, in its own time zone: "Mar 6, 01:05 (Europe/Rome)"."""
    try:
        moment = datetime.fromisoformat(summary.computed_at)
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(summary.timezone))
    except (ValueError, ZoneInfoNotFoundError):
        return clip(summary.computed_at, 40)
    when = f"{MONTHS[moment.month - 1]} {moment.day}, {moment:%H:%M}"
    return f"{when} ({clip(summary.timezone, 60)})"


def _conversations(
    conversations: Sequence[TopConversation],
    jump_url: JumpUrl,
    openers: Mapping[int, Opener],
    quotable: AbstractSet[int],
    *,
    names: bool = False,
    guild: Names | None = None,
) -> list[str]:
    """Where each conversation is, how big, and its first line when it may be quoted."""
    lines = []
    for c in conversations:
        counts = f"{plural(c.messages, 'message')}, {plural(c.participants, 'participant')}"
        line = f"<#{c.channel_id}> · [{counts}]({jump_url(c.channel_id, c.message_id)})"
        opener = openers.get(c.message_id)
        if opener is not None and c.message_id in quotable:
            text = _first_line(opener.content, guild)
            if text:
                line += f": “{text}”"
                if names:
                    line += f" ({plain_name(opener.name)})"
        lines.append(line)
    return lines


def _first_line(text: str | None, guild: Names | None) -> str:
    """The first non-empty line of a message, up to 80 characters, as inert text (one
    line, markdown escaped, mentions as names: bot/render/text.py)."""
    line = next((part for part in (text or "").splitlines() if part.strip()), "")
    return excerpt(line, guild, limit=FIRST_LINE_CHARS) or ""


def _newcomer_lines(
    summary: DailySummary,
    newcomers: NewcomerDay,
    jump_url: JumpUrl,
    *,
    names: bool,
    unknown: AbstractSet[str] = frozenset(),
) -> list[str]:
    """Who joined and whose first message came, with whether it got a response: names
    (first messages linked) with ``names``, else counts only."""
    joined = plural(summary.new_members, "member")
    firsts = summary.newcomer_first_messages
    answered = _count(_known(summary, unknown)("newcomers_answered"))
    if not summary.new_members and not firsts:
        return ["Nobody joined, and no newcomer posted a first message."]
    first_line = f"{joined} joined"
    if names and newcomers.joined:
        first_line += ": " + _names_listed([plain_name(n.name) for n in newcomers.joined])
    lines = [first_line]
    if firsts:
        line = f"{answered} of {plural(firsts, 'first message')} answered"
        if names and newcomers.first_messages:
            # When the day's sources could not know responses, nobody is marked either way.
            known = "newcomers_answered" not in unknown
            entries = [
                f"[{plain_name(f.name)}]({jump_url(f.where_id, f.message_id)})"
                + ((" answered" if f.answered else " no response yet") if known else "")
                for f in newcomers.first_messages
            ]
            line += ": " + _names_listed(entries)
        lines.append(line)
    return lines


def _names_listed(entries: Sequence[str]) -> str:
    shown = ", ".join(entries[:NAMES_LISTED])
    rest = len(entries) - NAMES_LISTED
    return shown if rest <= 0 else f"{shown} and {rest:,} more"


def _connectors(summary: DailySummary) -> list[str]:
    return [
        f"{plain_name(c.name)} · {plural(c.connections, 'connection')}"
        for c in summary.top_connectors
    ]


def _broadcasters(summary: DailySummary) -> list[str]:
    return [
        f"{plain_name(b.name)} · {plural(b.messages, 'message')}, "
        f"{_percent(b.listening_ratio)} listening"
        for b in summary.broadcasters
    ]


def _newcomers(s: DailySummary, unknown: AbstractSet[str] = frozenset()) -> str:
    joined = f"{s.new_members:,} joined"
    if not s.newcomer_first_messages:
        return joined
    answered = _count(_known(s, unknown)("newcomers_answered"))
    return f"{joined}\n{answered} of {plural(s.newcomer_first_messages, 'first message')} answered"


def _reminders(s: DailySummary, unknown: AbstractSet[str] = frozenset()) -> str:
    followed = _count(_known(s, unknown)("reminders_followed"))
    return f"{s.reminders_sent:,} sent, {followed} followed within 24 h"


def _since(value: str, timezone: str) -> str:
    """ "HH:MM (zone)" from an "HH:MM" or ISO datetime string, in the guild's zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return clip(f"{value} ({timezone})", 80)
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
