"""A day's summary from what the store read about it: the arithmetic of docs/metrics.md.

The store reads each part of a day in SQL (bot/store/summaries.py) and hands over a
:class:`DayRows`; :func:`daily_summary` turns it into the :class:`DailySummary`,
without I/O, so that every derived number can be tested on rows built by hand.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.analysis.summary import (
    Broadcaster,
    DailySummary,
    TopConnector,
    TopConversation,
    ratio,
)

# A newcomer's first message is answered when a response came within this long.
NEWCOMER_ANSWER_WITHIN = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Asked:
    """A question or a newcomer's first message of the day, and how it was answered."""

    asked_at: datetime
    is_question: bool
    newcomer_first: bool
    first_response: datetime | None  # by the time of computing
    newcomer_replied: bool  # a reply or thread reply reached the newcomer within 24 h
    first_inferred_response: datetime | None = None  # the first inferred reply to it

    @property
    def answered_inferred(self) -> bool:
        """Whether it had a response when inferred replies count as replies."""
        return self.first_response is not None or self.first_inferred_response is not None

    @property
    def wait_seconds(self) -> float | None:
        """Seconds from the message to its first response; None without one."""
        if self.first_response is None:
            return None
        return (self.first_response - self.asked_at).total_seconds()

    @property
    def answered_within_a_day(self) -> bool:
        """For a newcomer's first message: a response, or a reply to them, within 24 h."""
        wait = self.wait_seconds
        return self.newcomer_replied or (
            wait is not None and wait <= NEWCOMER_ANSWER_WITHIN.total_seconds()
        )


@dataclass(frozen=True, slots=True)
class MemberWeek:
    """A member's trailing 7 days, as the store lists them among the broadcasters."""

    user_id: int
    name: str | None
    messages: int
    listening: int  # replies + reactions
    activity: int  # messages + reactions, never 0 for a listed member


@dataclass(frozen=True, slots=True)
class DayRows:
    """What the store read about one guild's day, before any arithmetic.

    Totals come from the day's activity rollup, ``asked`` holds every question and
    newcomer's first message, and the lists are the store's top rows, in order.
    """

    guild_id: int
    day: date
    timezone: str
    computed_at: str
    messages: int = 0
    replies: int = 0
    reactions: int = 0
    active_members: int = 0
    new_members: int = 0
    asked: tuple[Asked, ...] = ()
    active_connections: int = 0
    reciprocal_connections: int = 0
    new_connections: int = 0
    inferred_replies: int = 0  # the day's inferred replies that count
    new_connections_inferred: int = 0  # new when inferred replies count as interactions
    network_size: int = 0
    network_growth_7d: int = 0
    reminders_sent: int = 0
    reminders_followed: int = 0
    top_connectors: tuple[TopConnector, ...] = ()
    broadcasters: tuple[MemberWeek, ...] = ()
    top_conversations: tuple[TopConversation, ...] = ()


def daily_summary(rows: DayRows) -> DailySummary:
    """The day's summary: the store's counts, and the numbers derived from them."""
    questions = [a for a in rows.asked if a.is_question]
    waits = [w for a in questions if (w := a.wait_seconds) is not None]
    newcomers = [a for a in rows.asked if a.newcomer_first]
    answered_inferred = sum(1 for a in questions if a.answered_inferred)
    return DailySummary(
        guild_id=rows.guild_id,
        day=rows.day.isoformat(),
        timezone=rows.timezone,
        computed_at=rows.computed_at,
        messages=rows.messages,
        active_members=rows.active_members,
        new_members=rows.new_members,
        conversation_starters=rows.messages - rows.replies,
        replies=rows.replies,
        reactions=rows.reactions,
        listening_ratio=ratio(rows.replies + rows.reactions, rows.messages + rows.reactions),
        questions=len(questions),
        questions_answered=len(waits),
        unanswered_questions=len(questions) - len(waits),
        response_rate=ratio(len(waits), len(questions)),
        median_first_response_seconds=statistics.median(waits) if waits else None,
        active_connections=rows.active_connections,
        new_connections=rows.new_connections,
        reciprocal_connections=rows.reciprocal_connections,
        network_size=rows.network_size,
        network_growth_7d=rows.network_growth_7d,
        newcomer_first_messages=len(newcomers),
        newcomers_answered=sum(1 for a in newcomers if a.answered_within_a_day),
        reminders_sent=rows.reminders_sent,
        reminders_followed=rows.reminders_followed,
        inferred_replies=rows.inferred_replies,
        listening_ratio_inferred=ratio(
            rows.replies + rows.inferred_replies + rows.reactions, rows.messages + rows.reactions
        ),
        questions_answered_inferred=answered_inferred,
        response_rate_inferred=ratio(answered_inferred, len(questions)),
        new_connections_inferred=rows.new_connections_inferred,
        top_connectors=rows.top_connectors,
        broadcasters=tuple(_broadcaster(week) for week in rows.broadcasters),
        top_conversations=rows.top_conversations,
    )


def _broadcaster(week: MemberWeek) -> Broadcaster:
    """A listed member, with their listening ratio rounded for display."""
    listening_ratio = ratio(week.listening, week.activity)
    assert listening_ratio is not None  # the store lists members with activity only
    return Broadcaster(week.user_id, week.name, week.messages, listening_ratio)
