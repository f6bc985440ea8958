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
from bot.store import answers_checked
from bot.store.connection import fetch_all, fetch_one
from bot.store.inbox_sql import (
    ACTIVE_CHANNELS,
    ANSWERED_ITEMS,
    ANSWERED_ITEMS_SINCE,
    DUE_NUDGES,
    INBOX,
    INBOX_UNLISTED,
    LISTENED,
    NEWCOMERS_OPEN_QUESTIONS,
    NEWCOMERS_QUESTIONS,
    NUDGE,
    QUESTIONS_TO_ANSWER,
    WEEKS,
)
from bot.store.newcomers import NEWCOMER_DAYS

if TYPE_CHECKING:
    import aiosqlite

    from bot.store.connection import Access

INBOX_DAYS = 7
# Questions offered to answer: asked in the last ``[defaults] alert_expire_days`` (as
# long as the team's board lists them), in a channel where the member posted in the
# last 30 days.
ACTIVE_DAYS = 30
DM_CLOSED = "dm_closed"  # nudges_off reason: Discord refused the DM


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
    """An item from a row of ``ITEM_COLUMNS``."""
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
            rows = await fetch_all(db, INBOX, params)
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
            rows = await fetch_all(db, INBOX_UNLISTED, params)
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
            row = await fetch_one(db, NUDGE, (guild_id, user_id))
        return None if row is None else _nudge(row)

    async def due_nudges(self, now: datetime) -> list[NudgeSettings]:
        """Every member's DM due at or before ``now``, oldest first."""
        async with self._reading() as db:
            rows = await fetch_all(db, DUE_NUDGES, {"now": to_db_time(now)})
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
            # The items were unanswered at ``now``, when the pass planned the DM; an
            # answer stored while it was on its way may be older than the mark.
            if items:
                await db.execute(answers_checked.WRITTEN_AT, {"at": at})
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
        self,
        guild_id: int,
        user_ids: Collection[int],
        since: datetime,
        until: datetime,
        *,
        at_least: int = 0,
    ) -> dict[int, tuple[int, int, int]]:
        """Each member's messages, listening messages and reactions given in a window,
        through the per-author and per-source indexes, for several members at once.
        Members who cannot have ``at_least`` messages in the window are left out."""
        params: dict[str, object] = {
            "guild_id": guild_id,
            "members": json.dumps(sorted(user_ids)),
            "since": to_db_time(since),
            "until": to_db_time(until),
            "at_least": at_least,
        }
        async with self._reading() as db:
            rows = await fetch_all(db, WEEKS, params)
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
            "newcomers_joined_since": to_db_time(since - timedelta(days=NEWCOMER_DAYS)),
            "deadline": to_db_time(now),
        }
        async with self._reading() as db:
            rows = await fetch_all(db, NEWCOMERS_OPEN_QUESTIONS, params)
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
        """Up to ``limit`` open questions the member could answer (see ``TO_ME``):
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
            channels = [row[0] for row in await fetch_all(db, ACTIVE_CHANNELS, params)]
            if not channels:
                return []
            params["channels"] = json.dumps(channels)
            newcomers = (
                await fetch_all(db, NEWCOMERS_QUESTIONS, params) if newcomers_questions else []
            )
            others = await fetch_all(db, QUESTIONS_TO_ANSWER, params)
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
        """Note when the items of DMs were answered, and listening nudges followed:
        from the mark of the previous check, as that check does
        (``AlertQueries.record_answers``, which also records these), without moving it."""
        async with self._writing() as db:
            return await record_inbox_answers(db, now, await answers_checked.resume_from(db, now))


async def record_inbox_answers(
    db: aiosqlite.Connection, now: datetime, checked: datetime | None
) -> int:
    """In the caller's transaction: note when the items of DMs were answered (only those
    that what was written since ``checked`` may answer, or every one when None), and
    when listening nudges were followed; returns how many."""
    params = {"since": to_db_time(now - timedelta(days=INBOX_DAYS))}
    if checked is None:
        answered = [*await fetch_all(db, ANSWERED_ITEMS, params)]
    else:
        answered = [
            *await fetch_all(db, ANSWERED_ITEMS_SINCE, {**params, "from": to_db_time(checked)})
        ]
    answered += await fetch_all(db, LISTENED, params)
    await db.executemany(
        "UPDATE reminders SET answered_at = ? WHERE reminder_id = ?",
        [(answered_at, reminder_id) for reminder_id, answered_at in answered],
    )
    return len(answered)


# The last DM to the member from any guild comes along: one DM a day, across guilds.
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
