"""Each member's inbox of replies owed, and the daily DMs (nudges) they may turn on.

An inbox item is a message of the last 7 days that replies to the member or mentions
them. It is answered when the member later replied to it, reacted to it, replied to
or mentioned its author in the same channel or thread, answered it with an inferred
reply (when the guild's inference is on), or marked it done. A DM lists
an item at most once: each one listed is a ``reminders`` row of kind 'inbox'.

A question to answer (the listening nudge) is an open question that is nobody else's
to answer: a question that replies to or mentions particular members is theirs, and
sits in their inboxes.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import from_db_time, to_db_time
from bot.store.connection import fetch_all, fetch_one
from bot.store.newcomers import NEWCOMER_DAYS, first_message, joined_recently
from bot.store.responses import COUNTED_INFERRED, FIRST_RESPONSE_SEEN, inference_on

if TYPE_CHECKING:
    from bot.store.connection import Access

INBOX_DAYS = 7
# Questions offered to answer: asked in the last ``[defaults] alert_expire_days`` (as
# long as the team's board lists them), in a channel where the member posted in the
# last 30 days.
ACTIVE_DAYS = 30
DM_CLOSED = "dm_closed"  # nudges_off reason: Discord refused the DM


def _answer_time(item: str, member: str, author: str) -> str:
    """When the member answered an item: a subquery over the columns named, for the
    item's message, the member and the item's author. Built from constants only."""
    return f"""(SELECT min(answered) FROM (
        SELECT a.created_at AS answered FROM interactions a
        JOIN messages m ON m.message_id = {item}
        WHERE a.guild_id = m.guild_id AND a.source_id = {member} AND a.target_id = {author}
          AND a.kind IN ('reply', 'thread_reply', 'mention')
          AND a.channel_id = coalesce(m.thread_id, m.channel_id)
          AND a.created_at >= m.created_at AND a.message_id != {item}
        UNION ALL
        SELECT x.created_at FROM reactions x
        WHERE x.message_id = {item} AND x.user_id = {member}
        UNION ALL
        SELECT ir.created_at FROM inferred_replies ir
        CROSS JOIN messages r ON r.message_id = ir.message_id
        WHERE ir.target_message_id = {item} AND ir.source_id = {member}
          AND {COUNTED_INFERRED} AND {inference_on("ir.guild_id")}
        UNION ALL
        SELECT d.done_at FROM inbox_done d
        WHERE d.user_id = {member} AND d.message_id = {item}))"""  # noqa: S608


_ITEM_COLUMNS = """i.message_id, i.source_id, m.channel_id, m.thread_id, i.created_at, i.kind,
       substr(m.content, 1, 200)"""


def _inbox_items(members: str) -> str:
    """The open items (of ``_ITEM_COLUMNS``) of the members that the condition
    ``members`` on ``i.target_id`` keeps. Built from constants only."""
    return f"""
FROM interactions i JOIN messages m ON m.message_id = i.message_id
WHERE i.guild_id = :guild_id AND {members} AND i.kind IN ('reply', 'mention')
  AND i.created_at >= :since AND i.created_at <= :until
  AND m.kind = 'message' AND m.deleted = 0
  AND {_answer_time("i.message_id", "i.target_id", "i.source_id")} IS NULL"""


_INBOX = f"""SELECT {_ITEM_COLUMNS} {_inbox_items("i.target_id = :user_id")}
ORDER BY i.created_at DESC, i.message_id DESC
"""

# The items no DM listed yet of several members at once (:members, a JSON array of
# ids), each with its member, through the per-member index of the reminders: the
# reminder pass reads every due DM's items in one statement.
_INBOX_UNLISTED = f"""SELECT i.target_id, {_ITEM_COLUMNS}
{_inbox_items("i.target_id IN (SELECT value FROM json_each(:members))")}
  AND NOT EXISTS (SELECT 1 FROM reminders r
                  WHERE r.guild_id = :guild_id AND r.user_id = i.target_id
                    AND r.kind = 'inbox' AND r.message_id = i.message_id)
ORDER BY i.target_id, i.created_at DESC, i.message_id DESC
"""  # noqa: S608 (composed from constants only)

_ANSWERED_ITEMS = f"""
SELECT reminder_id, answered_at FROM (
    SELECT r.reminder_id, {_answer_time("r.message_id", "r.user_id", "r.author_id")}
           AS answered_at
    FROM reminders r
    WHERE r.answered_at IS NULL AND r.sent_at >= :since AND r.kind = 'inbox'
)
WHERE answered_at IS NOT NULL
"""  # noqa: S608 (composed from constants only)

# A listening nudge is followed when the member next replies or reacts to someone.
_LISTENED = """
SELECT reminder_id, answered_at FROM (
    SELECT r.reminder_id,
           (SELECT min(i.created_at) FROM interactions i
            WHERE i.guild_id = r.guild_id AND i.source_id = r.user_id
              AND i.kind IN ('reply', 'thread_reply', 'reaction')
              AND i.created_at >= r.sent_at) AS answered_at
    FROM reminders r
    WHERE r.answered_at IS NULL AND r.sent_at >= :since AND r.kind = 'listening'
)
WHERE answered_at IS NOT NULL
"""

# The channels where the member posted since :active_since (a thread's message counts
# for its channel), read once for the two statements below.
_ACTIVE_CHANNELS = """
SELECT DISTINCT channel_id FROM messages
WHERE guild_id = :guild_id AND author_id = :user_id AND created_at >= :active_since
  AND kind = 'message' AND deleted = 0
"""

# Open questions the member could answer: asked in the last 7 days by someone else in a
# channel (or a thread of one) where the member posted in the last 30 (:channels, a JSON
# array of ids), with no response yet, not addressed to anyone but the member (no reply
# or mention from it towards someone else), and never offered to them before (a
# 'listening' reminder names the question it offered). Composed with the questions to
# look at, aliased q; the response is checked apart (_UNANSWERED), the costliest part.
_TO_ME = """q.guild_id = :guild_id AND q.author_id != :user_id
  AND q.is_question = 1 AND q.created_at >= :since
  AND q.kind = 'message' AND q.deleted = 0
  AND q.channel_id IN (SELECT value FROM json_each(:channels))
  AND NOT EXISTS (SELECT 1 FROM interactions a
                  WHERE a.message_id = q.message_id AND a.source_id = q.author_id
                    AND a.kind IN ('reply', 'mention') AND a.target_id != :user_id)
  AND NOT EXISTS (SELECT 1 FROM reminders r
                  WHERE r.guild_id = :guild_id AND r.user_id = :user_id
                    AND r.kind = 'listening' AND r.message_id = q.message_id)"""
_UNANSWERED = f"{FIRST_RESPONSE_SEEN} IS NULL"

_QUESTION_COLUMNS = """q.message_id, q.author_id, q.channel_id, q.thread_id, q.created_at,
       substr(q.content, 1, 200)"""

# The newest such questions. Newest first down the questions index, so the statement
# stops at :limit instead of deciding every question of a busy week.
_QUESTIONS_TO_ANSWER = f"""
SELECT {_QUESTION_COLUMNS} FROM messages q
WHERE {_TO_ME} AND {_UNANSWERED}
ORDER BY q.created_at DESC, q.message_id DESC
LIMIT :limit
"""  # noqa: S608 (composed from constants only)

# A guild's open questions of the last 7 days asked by newcomers (bot/store/newcomers.py),
# newest first: by members who joined at most 7 days before asking, or, when the join is
# unknown, in their first message. Found from the members who may be newcomers (CROSS
# JOIN: SQLite keeps that order), so only their messages are read; the same for every
# member, so read once per reminder pass.
_NEWCOMERS_OPEN_QUESTIONS = f"""
SELECT message_id FROM (
    SELECT q.message_id, q.created_at FROM members mb
    CROSS JOIN messages q ON q.guild_id = mb.guild_id AND q.author_id = mb.user_id
    WHERE mb.guild_id = :guild_id AND mb.joined_at >= :joined_since
      AND q.created_at >= :since AND q.is_question = 1 AND q.kind = 'message' AND q.deleted = 0
      AND {joined_recently("mb.joined_at", "q.created_at")}
      AND {FIRST_RESPONSE_SEEN} IS NULL
    UNION ALL
    SELECT q.message_id, q.created_at FROM members mb
    CROSS JOIN messages q ON q.message_id = {first_message("mb.guild_id", "mb.user_id")}
    WHERE mb.guild_id = :guild_id AND mb.joined_at IS NULL
      AND q.created_at >= :since AND q.is_question = 1
      AND {FIRST_RESPONSE_SEEN} IS NULL
)
ORDER BY created_at DESC, message_id DESC
"""  # noqa: S608 (composed from constants only)

# Among those (:newcomer_questions, a JSON array of ids, newest first, found unanswered
# by the same pass), the newest the member could answer: looked up by id (CROSS JOIN),
# not found again among the week's questions.
_NEWCOMERS_QUESTIONS = f"""
SELECT {_QUESTION_COLUMNS} FROM json_each(:newcomer_questions) n
CROSS JOIN messages q ON q.message_id = n.value
WHERE {_TO_ME}
ORDER BY n.key
LIMIT :limit
"""  # noqa: S608 (composed from constants only)


# Each member's messages, listening messages and reactions given in a window, for
# several members at once (:members, a JSON array of ids): one scan of each member's
# messages and one of the interactions they gave.
_WEEKS = """
SELECT u.value,
    (SELECT count(*) FROM messages
     WHERE guild_id = :guild_id AND author_id = u.value AND kind = 'message' AND deleted = 0
       AND created_at >= :since AND created_at < :until),
    total(i.kind IN ('reply', 'thread_reply')), total(i.kind = 'reaction')
FROM json_each(:members) AS u
LEFT JOIN interactions i
    ON i.guild_id = :guild_id AND i.source_id = u.value
   AND i.created_at >= :since AND i.created_at < :until
GROUP BY u.value
"""


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A message that replied to or mentioned the member, not answered yet."""

    message_id: int
    author_id: int
    channel_id: int
    thread_id: int | None
    at: datetime
    kind: str  # 'reply' or 'mention'
    excerpt: str | None

    @property
    def where_id(self) -> int:
        """The channel or thread it was posted in."""
        return self.thread_id if self.thread_id is not None else self.channel_id


@dataclass(frozen=True, slots=True)
class NudgeSettings:
    """A member's daily DM: at which local hour, whether on, and what was sent."""

    guild_id: int
    user_id: int
    hour: int
    enabled: bool
    next_due_at: datetime | None
    last_sent_at: datetime | None
    last_listening_at: datetime | None
    off_reason: str | None
    last_dm_at: datetime | None  # the last DM from any guild

    @property
    def dm_refused(self) -> bool:
        """Turned off because Discord refused the DM (the member's DMs are closed)."""
        return not self.enabled and self.off_reason == DM_CLOSED


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An open question the member could answer, in a channel where they are active."""

    message_id: int
    author_id: int
    channel_id: int
    thread_id: int | None
    asked_at: datetime
    excerpt: str | None  # the start of the text, when text is stored
    newcomer: bool  # asked by a newcomer

    @property
    def where_id(self) -> int:
        """The channel or thread it was asked in."""
        return self.thread_id if self.thread_id is not None else self.channel_id


def _inbox_item(row: Sequence[Any]) -> InboxItem:
    """An item from a row of ``_ITEM_COLUMNS``."""
    message_id, author_id, channel_id, thread_id, at, kind, excerpt = row
    return InboxItem(
        message_id=int(message_id),
        author_id=int(author_id),
        channel_id=int(channel_id),
        thread_id=None if thread_id is None else int(thread_id),
        at=from_db_time(at),
        kind=str(kind),
        excerpt=excerpt,
    )


class InboxQueries:
    """Inbox items, Done marks, nudge settings, and the reminders sent by DM."""

    def __init__(self, reading: Access, writing: Access) -> None:
        self._reading = reading
        self._writing = writing

    async def items(self, guild_id: int, user_id: int, now: datetime) -> list[InboxItem]:
        """The member's open items of the last 7 days, newest first (``/inbox``)."""
        params = {
            "guild_id": guild_id,
            "user_id": user_id,
            "since": to_db_time(now - timedelta(days=INBOX_DAYS)),
            "until": to_db_time(now),
        }
        async with self._reading() as db:
            rows = await fetch_all(db, _INBOX, params)
        return [_inbox_item(row) for row in rows]

    async def unlisted_items(
        self, guild_id: int, user_ids: Collection[int], now: datetime, older_than: timedelta
    ) -> dict[int, list[InboxItem]]:
        """Each member's open items of the last 7 days that waited at least
        ``older_than`` and no DM listed yet, newest first: the reminder pass reads them
        for every due DM of a guild at once. Members with none are left out."""
        params = {
            "guild_id": guild_id,
            "members": json.dumps(sorted(user_ids)),
            "since": to_db_time(now - timedelta(days=INBOX_DAYS)),
            "until": to_db_time(now - older_than),
        }
        async with self._reading() as db:
            rows = await fetch_all(db, _INBOX_UNLISTED, params)
        items: dict[int, list[InboxItem]] = {}
        for row in rows:
            items.setdefault(int(row[0]), []).append(_inbox_item(row[1:]))
        return items

    async def mark_done(self, guild_id: int, user_id: int, message_id: int, now: datetime) -> None:
        """The member pressed Done on an item."""
        async with self._writing() as db:
            await db.execute(
                """INSERT OR IGNORE INTO inbox_done (guild_id, user_id, message_id, done_at)
                   SELECT ?, ?, message_id, ? FROM messages WHERE message_id = ?""",
                (guild_id, user_id, to_db_time(now), message_id),
            )

    async def nudges(self, guild_id: int, user_id: int) -> NudgeSettings | None:
        """The member's nudge settings, if they ever turned nudges on."""
        async with self._reading() as db:
            row = await fetch_one(
                db, f"{_NUDGES} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
        return None if row is None else _nudge(row)

    async def due_nudges(self, now: datetime) -> list[NudgeSettings]:
        """Every member's DM due at or before ``now``, oldest first."""
        async with self._reading() as db:
            rows = await fetch_all(
                db,
                f"{_NUDGES} WHERE enabled = 1 AND next_due_at <= ? ORDER BY next_due_at",
                (to_db_time(now),),
            )
        return [_nudge(row) for row in rows]

    async def nudges_on(
        self, guild_id: int, user_id: int, hour: int, first_due: datetime, now: datetime
    ) -> None:
        """Turn the member's daily DM on, at ``hour``, the first one at ``first_due``."""
        async with self._writing() as db:
            await db.execute(
                """INSERT INTO nudges (guild_id, user_id, hour, enabled, next_due_at, changed_at)
                   VALUES (:guild_id, :user_id, :hour, 1, :due, :now)
                   ON CONFLICT (guild_id, user_id) DO UPDATE SET
                       hour = excluded.hour, enabled = 1, next_due_at = excluded.next_due_at,
                       off_reason = NULL, changed_at = excluded.changed_at""",
                {
                    "guild_id": guild_id,
                    "user_id": user_id,
                    "hour": hour,
                    "due": to_db_time(first_due),
                    "now": to_db_time(now),
                },
            )

    async def nudges_off(
        self, guild_id: int, user_id: int, now: datetime, *, reason: str | None = None
    ) -> bool:
        """Turn the member's daily DM off; whether it was on."""
        async with self._writing() as db:
            cursor = await db.execute(
                """UPDATE nudges SET enabled = 0, next_due_at = NULL, off_reason = ?,
                       changed_at = ?
                   WHERE guild_id = ? AND user_id = ? AND enabled = 1""",
                (reason, to_db_time(now), guild_id, user_id),
            )
            return cursor.rowcount > 0

    async def reschedule(self, guild_id: int, user_id: int, next_due: datetime) -> None:
        """Nothing was sent this time: the next DM is due at ``next_due``."""
        async with self._writing() as db:
            await db.execute(
                "UPDATE nudges SET next_due_at = ? WHERE guild_id = ? AND user_id = ?",
                (to_db_time(next_due), guild_id, user_id),
            )

    async def sent(
        self,
        guild_id: int,
        user_id: int,
        now: datetime,
        next_due: datetime,
        items: list[InboxItem],
        *,
        suggestion: Suggestion | None = None,
    ) -> None:
        """Record a DM sent: one reminder per item listed, and one for a listening nudge
        that names the question it offered (so it is never offered again)."""
        at = to_db_time(now)
        rows: list[tuple[int, str, int, int | None, int | None, str]] = [
            (guild_id, "inbox", user_id, i.message_id, i.author_id, at) for i in items
        ]
        listening = suggestion is not None
        if suggestion is not None:
            rows.append(
                (guild_id, "listening", user_id, suggestion.message_id, suggestion.author_id, at)
            )
        async with self._writing() as db:
            await db.executemany(
                """INSERT INTO reminders (guild_id, kind, user_id, message_id, author_id, sent_at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                rows,
            )
            await db.execute(
                """UPDATE nudges SET last_sent_at = :at, next_due_at = :next,
                       last_listening_at = CASE WHEN :listening THEN :at
                                                ELSE last_listening_at END
                   WHERE guild_id = :guild_id AND user_id = :user_id""",
                {
                    "at": at,
                    "next": to_db_time(next_due),
                    "listening": listening,
                    "guild_id": guild_id,
                    "user_id": user_id,
                },
            )

    async def weeks(
        self, guild_id: int, user_ids: Collection[int], since: datetime, until: datetime
    ) -> dict[int, tuple[int, int, int]]:
        """Each member's messages, listening messages and reactions given in a window,
        through the per-author and per-source indexes, for several members at once."""
        params: dict[str, object] = {
            "guild_id": guild_id,
            "members": json.dumps(sorted(user_ids)),
            "since": to_db_time(since),
            "until": to_db_time(until),
        }
        async with self._reading() as db:
            rows = await fetch_all(db, _WEEKS, params)
        return {
            int(user_id): (int(messages), int(replies), int(reactions))
            for user_id, messages, replies, reactions in rows
        }

    async def newcomers_open_questions(
        self, guild_id: int, now: datetime, expire_days: int
    ) -> list[int]:
        """The guild's open questions of the last ``expire_days`` asked by newcomers, newest
        first (message ids): the same for every member, so a pass reads them once."""
        since = now - timedelta(days=expire_days)
        params = {
            "guild_id": guild_id,
            "since": to_db_time(since),
            "joined_since": to_db_time(since - timedelta(days=NEWCOMER_DAYS)),
            "deadline": to_db_time(now),
        }
        async with self._reading() as db:
            rows = await fetch_all(db, _NEWCOMERS_OPEN_QUESTIONS, params)
        return [int(row[0]) for row in rows]

    async def questions_to_answer(
        self,
        guild_id: int,
        user_id: int,
        now: datetime,
        limit: int,
        newcomers_questions: Sequence[int],
        expire_days: int,
    ) -> list[Suggestion]:
        """Up to ``limit`` open questions the member could answer (see ``_TO_ME``):
        the newest of ``newcomers_questions`` (:meth:`newcomers_open_questions`) first,
        then the newest of all."""
        params: dict[str, object] = {
            "guild_id": guild_id,
            "user_id": user_id,
            "since": to_db_time(now - timedelta(days=expire_days)),
            "active_since": to_db_time(now - timedelta(days=ACTIVE_DAYS)),
            "deadline": to_db_time(now),
            "limit": limit,
            "newcomer_questions": json.dumps(list(newcomers_questions)),
        }
        async with self._reading() as db:
            channels = [row[0] for row in await fetch_all(db, _ACTIVE_CHANNELS, params)]
            if not channels:
                return []
            params["channels"] = json.dumps(channels)
            newcomers = (
                await fetch_all(db, _NEWCOMERS_QUESTIONS, params) if newcomers_questions else []
            )
            others = await fetch_all(db, _QUESTIONS_TO_ANSWER, params)
        first = {int(row[0]) for row in newcomers}
        rows = [(row, True) for row in newcomers]
        rows += [(row, False) for row in others if int(row[0]) not in first]
        return [
            Suggestion(
                message_id=int(message_id),
                author_id=int(author_id),
                channel_id=int(channel_id),
                thread_id=None if thread_id is None else int(thread_id),
                asked_at=from_db_time(asked_at),
                excerpt=excerpt,
                newcomer=newcomer,
            )
            for (message_id, author_id, channel_id, thread_id, asked_at, excerpt), newcomer in rows
        ][:limit]

    async def record_answers(self, now: datetime) -> int:
        """Note when the items of DMs were answered, and listening nudges followed."""
        params = {"since": to_db_time(now - timedelta(days=INBOX_DAYS))}
        async with self._writing() as db:
            answered = [*await fetch_all(db, _ANSWERED_ITEMS, params)]
            answered += await fetch_all(db, _LISTENED, params)
            await db.executemany(
                "UPDATE reminders SET answered_at = ? WHERE reminder_id = ?",
                [(answered_at, reminder_id) for reminder_id, answered_at in answered],
            )
        return len(answered)


# The last DM to the member from any guild comes along: one DM a day, across guilds.
_NUDGES = """SELECT guild_id, user_id, hour, enabled, next_due_at, last_sent_at,
    last_listening_at, off_reason,
    (SELECT max(n.last_sent_at) FROM nudges n WHERE n.user_id = nudges.user_id)
FROM nudges"""


def _nudge(row: Any) -> NudgeSettings:
    guild_id, user_id, hour, enabled, due, sent, listening, reason, last_dm = row
    return NudgeSettings(
        guild_id=int(guild_id),
        user_id=int(user_id),
        hour=int(hour),
        enabled=bool(enabled),
        next_due_at=None if due is None else from_db_time(due),
        last_sent_at=None if sent is None else from_db_time(sent),
        last_listening_at=None if listening is None else from_db_time(listening),
        off_reason=reason,
        last_dm_at=None if last_dm is None else from_db_time(last_dm),
    )
