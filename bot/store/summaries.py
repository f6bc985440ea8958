"""Daily summaries: what each number of docs/metrics.md is computed from, read in SQL
over indexed tables; the arithmetic on it is bot/analysis/daily.py's.

A day is ``[start, end)`` in UTC store time, from the guild's local calendar day.
Each query reads one day (or the trailing week) through an index on time, so the
cost follows the day's activity, not the guild's history.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bot.analysis.broadcasters import BroadcasterRule
from bot.analysis.daily import Asked, DayRows, MemberWeek, daily_summary
from bot.analysis.days import day_bounds
from bot.analysis.summary import DailySummary, TopConnector, TopConversation
from bot.clock import from_db_time, to_db_time
from bot.store import day_figures
from bot.store.connection import fetch_all, fetch_one
from bot.store.newcomers import DAY_FIRSTS, DAY_WINDOW, NEWCOMER_DAYS, newcomer_firsts
from bot.store.responses import (
    COUNTED_INFERRED,
    FIRST_INFERRED_RESPONSE,
    KEPT_FIRST_REPLY_TO_AUTHOR,
    KEPT_FIRST_RESPONSE,
    KEPT_JOIN,
)

if TYPE_CHECKING:
    import aiosqlite

    from bot.store.activity import ActivityDays
    from bot.store.connection import Access

# The day's totals from its activity rollup (bot/store/activity.py): messages that
# count (by a member, with text or an attachment, not deleted), listening messages,
# reaction interactions, and the members with a message or a reaction.
_DAY_ACTIVITY = """
SELECT coalesce(sum(messages), 0), coalesce(sum(replies), 0), coalesce(sum(reactions), 0),
       count(*)
FROM member_days WHERE guild_id = :guild_id AND day = :day
"""

_NEW_MEMBERS = """
SELECT count(DISTINCT user_id) FROM member_events
WHERE guild_id = :guild_id AND kind = 'join' AND at >= :start AND at < :end
"""

# The messages of the day that ask for a response: questions, and the first-ever
# message of each newcomer (bot/store/newcomers.py; the join is the join event or
# Discord's join time, unknown for imported history). Newcomers are looked for among
# the members who joined in the week before the day or whose join is unknown (every
# stored message's author has a ``members`` row), each by the first message of
# theirs, kept in member_firsts. For each message asked, the first response by the time
# of computing (:deadline), and for newcomers whether a reply or thread reply reached
# them within 24 h (bot/store/responses.py), read from message_responses where kept.
_ASKED = f"""
WITH newcomer_firsts AS ({newcomer_firsts(DAY_WINDOW, DAY_FIRSTS)}),
asked AS (
    SELECT q.*, q.message_id IN (SELECT message_id FROM newcomer_firsts) AS newcomer_first
    FROM messages q
    WHERE q.guild_id = :guild_id AND q.created_at >= :start AND q.created_at < :end
      AND q.is_question = 1 AND q.kind = 'message' AND q.deleted = 0
    UNION ALL
    SELECT q.*, 1 FROM messages q
    WHERE q.message_id IN (SELECT message_id FROM newcomer_firsts) AND q.is_question = 0
)
SELECT
    q.created_at,
    q.is_question,
    q.newcomer_first,
    {KEPT_FIRST_RESPONSE} AS first_response,
    CASE WHEN q.newcomer_first THEN {KEPT_FIRST_REPLY_TO_AUTHOR} IS NOT NULL ELSE 0 END
        AS newcomer_replied,
    CASE WHEN q.is_question THEN {FIRST_INFERRED_RESPONSE} END AS first_inferred_response
FROM asked q {KEPT_JOIN}
"""  # noqa: S608 (composed from bot/store/responses.py and newcomers.py only)

# New connections and the 7-day growth are ranges of the connections index; the
# network's size at the day's end comes with the day's rollup.
_NETWORK = """
SELECT
    (SELECT count(*) FROM connections
     WHERE guild_id = :guild_id AND first_at >= :start AND first_at < :end),
    (SELECT network_size FROM activity_days WHERE guild_id = :guild_id AND day = :day),
    (SELECT count(*) FROM connections
     WHERE guild_id = :guild_id AND first_at >= :week_ago_end AND first_at < :end)
"""

# Whether the pair ``p`` (a < b) was linked by an inferred reply before the day: one
# lookup per direction on the index by pair. The unary + keeps SQLite from reading the
# index by time instead, every earlier inferred reply of the guild for every pair.
_INFERRED_BEFORE = " OR ".join(
    f"""EXISTS (SELECT 1 FROM inferred_replies ir
                CROSS JOIN messages r ON r.message_id = ir.message_id
                WHERE ir.guild_id = :guild_id AND ir.source_id = {source}
                  AND ir.target_id = {target} AND +ir.created_at < :start
                  AND {COUNTED_INFERRED})"""  # noqa: S608
    for source, target in (("p.a", "p.b"), ("p.b", "p.a"))
)
_INFERRED_BEFORE = f"({_INFERRED_BEFORE})"

# The day's inferred replies (one read of the day through the index by time), and the
# connections new on the day when they count as interactions: the pairs explicitly new
# on the day (the connections index) with no inferred reply between them before it,
# and the pairs linked by an inferred reply on the day with neither an explicit
# interaction before the day's end nor an inferred reply before the day. Earlier
# inferred replies are looked for pair by pair only when the guild has any.
_INFERRED = f"""
WITH inferred AS (
    SELECT min(ir.source_id, ir.target_id) AS a, max(ir.source_id, ir.target_id) AS b
    FROM inferred_replies ir JOIN messages r ON r.message_id = ir.message_id
    WHERE ir.guild_id = :guild_id AND ir.created_at >= :start AND ir.created_at < :end
      AND {COUNTED_INFERRED}
),
any_before AS (
    SELECT 1 FROM inferred_replies WHERE guild_id = :guild_id AND created_at < :start LIMIT 1
)
SELECT
    (SELECT count(*) FROM inferred),
    (SELECT count(*) FROM connections p
     WHERE p.guild_id = :guild_id AND p.first_at >= :start AND p.first_at < :end
       AND NOT (EXISTS (SELECT 1 FROM any_before) AND {_INFERRED_BEFORE}))
    + (SELECT count(*) FROM (SELECT DISTINCT a, b FROM inferred) p
       WHERE NOT EXISTS (SELECT 1 FROM connections c
                         WHERE c.guild_id = :guild_id AND c.a = p.a AND c.b = p.b
                           AND c.first_at < :end)
         AND NOT {_INFERRED_BEFORE})
"""  # noqa: S608 (composed from bot/store/responses.py only)

# The reminders Ascolto sent on the day (bot/store/migrations/0004_reminders.sql),
# through the (guild_id, sent_at) index, and those whose item was answered within
# 24 hours after the reminder, as known when computing (:deadline).
_REMINDERS = """
SELECT count(*),
       coalesce(sum(answered_at IS NOT NULL
                    AND answered_at <= strftime('%Y-%m-%dT%H:%M:%fZ', sent_at, '+24 hours')
                    AND answered_at <= :deadline), 0)
FROM reminders
WHERE guild_id = :guild_id AND sent_at >= :start AND sent_at < :end
"""

_SAVE = """
INSERT OR REPLACE INTO daily_summaries (
    guild_id, day, timezone, computed_at, messages, active_members, new_members,
    conversation_starters, replies, reactions, listening_ratio, questions,
    questions_answered, unanswered_questions, response_rate, median_first_response_seconds,
    active_connections, new_connections, reciprocal_connections, network_size,
    network_growth_7d, newcomer_first_messages, newcomers_answered, reminders_sent,
    reminders_followed, inferred_replies, listening_ratio_inferred,
    questions_answered_inferred, response_rate_inferred, new_connections_inferred,
    top_connectors, broadcasters, top_conversations)
VALUES (
    :guild_id, :day, :timezone, :computed_at, :messages, :active_members, :new_members,
    :conversation_starters, :replies, :reactions, :listening_ratio, :questions,
    :questions_answered, :unanswered_questions, :response_rate, :median_first_response_seconds,
    :active_connections, :new_connections, :reciprocal_connections, :network_size,
    :network_growth_7d, :newcomer_first_messages, :newcomers_answered, :reminders_sent,
    :reminders_followed, :inferred_replies, :listening_ratio_inferred,
    :questions_answered_inferred, :response_rate_inferred, :new_connections_inferred,
    :top_connectors, :broadcasters, :top_conversations)
"""

_LIST_FIELDS = ("top_connectors", "broadcasters", "top_conversations")


class SummaryQueries:
    """Reads what daily summaries are computed from; stores and reads the summaries."""

    def __init__(self, reading: Access, writing: Access, activity: ActivityDays) -> None:
        self._reading = reading
        self._writing = writing
        self._activity = activity

    async def compute(
        self,
        guild_id: int,
        day: date,
        timezone: str,
        computed_at: str,
        rule: BroadcasterRule | None = None,
    ) -> DailySummary:
        """Compute one guild's summary of one local day, with responses up to ``computed_at``."""
        return daily_summary(await self.day_rows(guild_id, day, timezone, computed_at, rule))

    async def day_rows(
        self,
        guild_id: int,
        day: date,
        timezone: str,
        computed_at: str,
        rule: BroadcasterRule | None = None,
    ) -> DayRows:
        """Everything one local day's summary is computed from, each part read in SQL."""
        rule = rule or BroadcasterRule()
        start, end = day_bounds(day, timezone)
        week_first = day - timedelta(days=6)
        await self._activity.ensure(guild_id, week_first, day, timezone)
        params: dict[str, Any] = {
            "guild_id": guild_id,
            "day": day.isoformat(),
            "week_first": week_first.isoformat(),
            "start": start,
            "end": end,
            "deadline": computed_at,
            "week_ago_end": day_bounds(day - timedelta(days=7), timezone)[1],
            "newcomers_joined_since": to_db_time(
                from_db_time(start) - timedelta(days=NEWCOMER_DAYS)
            ),
            "min_messages": rule.min_messages,
            "max_ratio": rule.max_ratio,
        }
        # The day's connections, conversations and broadcasters: kept with its rollup
        # (bot/store/day_figures.py), or computed and kept now.
        async with self._writing() as db:
            figures = await day_figures.figures(db, params, rule)
        async with self._reading() as db:
            messages, replies, reactions, active_members = await _one(db, _DAY_ACTIVITY, params)
            (new_members,) = await _one(db, _NEW_MEMBERS, params)
            asked = await fetch_all(db, _ASKED, params)
            new_connections, network_size, growth = await _one(db, _NETWORK, params)
            inferred, new_inferred = await _one(db, _INFERRED, params)
            reminders_sent, reminders_followed = await _one(db, _REMINDERS, params)
        # One row even on a day without connections: the totals, then the top members.
        active_connections, reciprocal = figures.connections[0][:2]
        names = figures.names
        return DayRows(
            guild_id=guild_id,
            day=day,
            timezone=timezone,
            computed_at=computed_at,
            messages=messages,
            replies=replies,
            reactions=reactions,
            active_members=active_members,
            new_members=new_members,
            asked=tuple(_asked(*row) for row in asked),
            active_connections=active_connections,
            reciprocal_connections=reciprocal,
            new_connections=new_connections,
            inferred_replies=inferred,
            new_connections_inferred=new_inferred,
            network_size=network_size,
            network_growth_7d=growth,
            reminders_sent=reminders_sent,
            reminders_followed=reminders_followed,
            top_connectors=tuple(
                TopConnector(user_id=u, name=names.get(u), connections=c)
                for _, _, u, c in figures.connections
                if u is not None
            ),
            broadcasters=tuple(
                MemberWeek(
                    user_id=u, name=names.get(u), messages=n, listening=listening, activity=a
                )
                for u, n, listening, a in figures.broadcasters
            ),
            top_conversations=tuple(
                TopConversation(channel_id=c, message_id=m, messages=n, participants=p)
                for c, m, n, p in figures.conversations
            ),
        )

    async def save(self, summary: DailySummary) -> None:
        """Store a summary, replacing an earlier one of the same guild and day."""
        row = summary.to_json()
        for key in _LIST_FIELDS:
            row[key] = json.dumps(row[key], ensure_ascii=False)
        async with self._writing() as db:
            await db.execute(_SAVE, row)

    async def stored(self, guild_id: int, first: date, last: date) -> list[DailySummary]:
        """The stored summaries of ``first`` to ``last`` included, in day order."""
        async with (
            self._reading() as db,
            db.execute(
                """SELECT * FROM daily_summaries
                   WHERE guild_id = ? AND day >= ? AND day <= ? ORDER BY day""",
                (guild_id, first.isoformat(), last.isoformat()),
            ) as cursor,
        ):
            # Every column, by name: the columns are the summary's JSON fields.
            names = [column[0] for column in cursor.description]
            rows = await cursor.fetchall()
        found = []
        for values in rows:
            data = dict(zip(names, values, strict=True))
            for key in _LIST_FIELDS:
                data[key] = json.loads(data[key])
            found.append(DailySummary.from_json(data))
        return found


async def _one(db: aiosqlite.Connection, sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
    row = await fetch_one(db, sql, params)
    assert row is not None  # aggregates always return a row
    return row


def _asked(
    created_at: str,
    is_question: int,
    newcomer_first: int,
    first_response: str | None,
    newcomer_replied: int,
    first_inferred_response: str | None,
) -> Asked:
    return Asked(
        asked_at=from_db_time(created_at),
        is_question=bool(is_question),
        newcomer_first=bool(newcomer_first),
        first_response=None if first_response is None else from_db_time(first_response),
        newcomer_replied=bool(newcomer_replied),
        first_inferred_response=None
        if first_inferred_response is None
        else from_db_time(first_inferred_response),
    )
