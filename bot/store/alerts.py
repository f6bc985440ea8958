"""Alerts to the community team: unanswered questions and newcomers met with silence.

An item is a question (docs/metrics.md) or a newcomer's first message. It falls due
``after_minutes`` (``newcomer_after_minutes``) after it was posted; each reminder pass
decides the items that fell due since the last one (``alert_settings.checked_until``):
those with a response by then are never announced, the others are claimed as
``reminders`` rows of one ``alert_posts`` message before it is sent. Items older than
seven days are never announced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import from_db_time, to_db_time
from bot.store.connection import fetch_all, fetch_one
from bot.store.newcomers import first_message, joined_recently
from bot.store.responses import FIRST_REPLY_TO_AUTHOR, FIRST_RESPONSE

if TYPE_CHECKING:
    from bot.store.connection import Access

FOLLOW_DAYS = 7  # items are announced, and their answers looked for, this long

_ITEM_COLUMNS = """q.message_id, q.author_id, q.channel_id, q.thread_id, q.created_at,
    substr(q.content, 1, 200) AS excerpt"""

_NOT_ALERTED = """NOT EXISTS (SELECT 1 FROM reminders a
                 WHERE a.message_id = q.message_id AND a.user_id IS NULL)"""

_DUE_QUESTIONS = f"""
SELECT 'question', {_ITEM_COLUMNS} FROM messages q
WHERE q.guild_id = :guild_id AND q.is_question = 1
  AND q.created_at > :questions_since AND q.created_at <= :questions_due
  AND q.kind = 'message' AND q.deleted = 0
  AND {_NOT_ALERTED}
  AND {FIRST_RESPONSE} IS NULL
"""  # noqa: S608 (composed from constants only)

# A newcomer's first message (bot/store/newcomers.py), among the messages that fell
# due. Answered also by any reply or thread reply that reached them.
_DUE_NEWCOMERS = f"""
SELECT 'newcomer', {_ITEM_COLUMNS} FROM messages q
LEFT JOIN members mb ON mb.guild_id = q.guild_id AND mb.user_id = q.author_id
WHERE q.guild_id = :guild_id
  AND q.created_at > :newcomers_since AND q.created_at <= :newcomers_due
  AND q.kind = 'message' AND q.deleted = 0
  AND {joined_recently("mb.joined_at", "q.created_at")}
  AND q.message_id = {first_message("q.guild_id", "q.author_id")}
  AND {_NOT_ALERTED}
  AND {FIRST_RESPONSE} IS NULL AND {FIRST_REPLY_TO_AUTHOR} IS NULL
"""  # noqa: S608 (composed from constants only)

# The open questions of the last 7 days, for /unanswered: no response yet.
_UNANSWERED = f"""
SELECT 'question', {_ITEM_COLUMNS} FROM messages q
WHERE q.guild_id = :guild_id AND q.is_question = 1
  AND q.created_at >= :since AND q.created_at <= :older_than
  AND q.kind = 'message' AND q.deleted = 0
  AND (:channel_id IS NULL OR q.channel_id = :channel_id OR q.thread_id = :channel_id)
  AND {FIRST_RESPONSE} IS NULL
ORDER BY q.created_at, q.message_id
"""  # noqa: S608 (composed from constants only)

# Announced items still open: when did they get a response, if they did now.
_ANSWERED_ALERTS = f"""
SELECT reminder_id, post_id, answered_at FROM (
    SELECT a.reminder_id, a.post_id,
           CASE a.kind WHEN 'newcomer'
               THEN coalesce(min({FIRST_RESPONSE}, {FIRST_REPLY_TO_AUTHOR}),
                             {FIRST_RESPONSE}, {FIRST_REPLY_TO_AUTHOR})
               ELSE {FIRST_RESPONSE} END AS answered_at
    FROM reminders a JOIN messages q ON q.message_id = a.message_id
    WHERE a.answered_at IS NULL AND a.sent_at >= :since AND a.user_id IS NULL
)
WHERE answered_at IS NOT NULL
"""  # noqa: S608 (composed from constants only)


_SETTINGS = """SELECT guild_id, channel_id, after_minutes, newcomer_after_minutes, enabled,
    checked_until FROM alert_settings"""

# The items of one alert message, as they were asked, with when each was answered.
_POST_ITEMS = f"""
SELECT a.kind, {_ITEM_COLUMNS}, a.answered_at
FROM reminders a JOIN messages q ON q.message_id = a.message_id
WHERE a.post_id = ? ORDER BY q.created_at, q.message_id
"""  # noqa: S608 (composed from constants only)


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """Where a guild's alerts go, after how many minutes, and what was decided."""

    guild_id: int
    channel_id: int
    after_minutes: int
    newcomer_after_minutes: int
    enabled: bool
    checked_until: datetime


@dataclass(frozen=True, slots=True)
class AlertItem:
    """A question or a newcomer's first message, with no response."""

    kind: str  # 'question' or 'newcomer'
    message_id: int
    author_id: int
    channel_id: int
    thread_id: int | None
    asked_at: datetime
    excerpt: str | None  # the start of the text, when text is stored

    @property
    def where_id(self) -> int:
        """The channel or thread it was posted in."""
        return self.thread_id if self.thread_id is not None else self.channel_id


@dataclass(frozen=True, slots=True)
class AlertClaim:
    """Items claimed for one alert message, in the order they were asked."""

    post_id: int
    guild_id: int
    channel_id: int
    items: tuple[AlertItem, ...]


@dataclass(frozen=True, slots=True)
class PostedAlert:
    """An alert message and its items, each with when it was answered (if it was)."""

    post_id: int
    guild_id: int
    channel_id: int
    message_id: int
    items: tuple[tuple[AlertItem, datetime | None], ...]


class AlertQueries:
    """Alert settings, the due items of each pass, and what became of them."""

    def __init__(self, reading: Access, writing: Access) -> None:
        self._reading = reading
        self._writing = writing

    async def settings(self, guild_id: int) -> AlertSettings | None:
        """The guild's alert set-up, if a manager made one (enabled or not)."""
        async with self._reading() as db:
            row = await fetch_one(db, f"{_SETTINGS} WHERE guild_id = ?", (guild_id,))
        return None if row is None else _settings(row)

    async def enabled(self) -> list[AlertSettings]:
        """Every guild whose alerts are on."""
        async with self._reading() as db:
            rows = await fetch_all(db, f"{_SETTINGS} WHERE enabled = 1 ORDER BY guild_id")
        return [_settings(row) for row in rows]

    async def configure(
        self, guild_id: int, channel_id: int, after: int, newcomer_after: int, now: datetime
    ) -> AlertSettings:
        """Turn alerts on (or change them). Items that fall due from ``now`` on are
        announced; turning them on again does not announce what fell due while off."""
        async with self._writing() as db:
            await db.execute(
                """INSERT INTO alert_settings (guild_id, channel_id, after_minutes,
                       newcomer_after_minutes, enabled, checked_until)
                   VALUES (:guild_id, :channel_id, :after, :newcomer_after, 1, :now)
                   ON CONFLICT (guild_id) DO UPDATE SET
                       channel_id = excluded.channel_id,
                       after_minutes = excluded.after_minutes,
                       newcomer_after_minutes = excluded.newcomer_after_minutes,
                       checked_until = CASE WHEN alert_settings.enabled
                           THEN alert_settings.checked_until ELSE excluded.checked_until END,
                       enabled = 1""",
                {
                    "guild_id": guild_id,
                    "channel_id": channel_id,
                    "after": after,
                    "newcomer_after": newcomer_after,
                    "now": to_db_time(now),
                },
            )
        settings = await self.settings(guild_id)
        assert settings is not None  # just written
        return settings

    async def disable(self, guild_id: int) -> bool:
        """Turn alerts off; whether they were on."""
        async with self._writing() as db:
            cursor = await db.execute(
                "UPDATE alert_settings SET enabled = 0 WHERE guild_id = ? AND enabled = 1",
                (guild_id,),
            )
            return cursor.rowcount > 0

    async def claim_due(self, settings: AlertSettings, now: datetime) -> AlertClaim | None:
        """Decide the items that fell due since the last pass, claim the unanswered ones
        for one alert message, and move the guild's mark to ``now``: all in one
        transaction, so an item is announced at most once and none is skipped."""
        week_ago = now - timedelta(days=FOLLOW_DAYS)
        after = timedelta(minutes=settings.after_minutes)
        newcomer_after = timedelta(minutes=settings.newcomer_after_minutes)
        params = {
            "guild_id": settings.guild_id,
            "deadline": to_db_time(now),
            "questions_since": to_db_time(max(settings.checked_until - after, week_ago)),
            "questions_due": to_db_time(now - after),
            "newcomers_since": to_db_time(max(settings.checked_until - newcomer_after, week_ago)),
            "newcomers_due": to_db_time(now - newcomer_after),
        }
        async with self._writing() as db:
            found: dict[int, AlertItem] = {}
            # A newcomer's first message that is also a question is announced once,
            # as the newcomer's.
            for sql in (_DUE_NEWCOMERS, _DUE_QUESTIONS):
                for item in map(_item, await fetch_all(db, sql, params)):
                    found.setdefault(item.message_id, item)
            await db.execute(
                "UPDATE alert_settings SET checked_until = ? WHERE guild_id = ?",
                (params["deadline"], settings.guild_id),
            )
            if not found:
                return None
            items = tuple(sorted(found.values(), key=lambda i: (i.asked_at, i.message_id)))
            cursor = await db.execute(
                """INSERT INTO alert_posts (guild_id, channel_id, claimed_at)
                   VALUES (?, ?, ?)""",
                (settings.guild_id, settings.channel_id, params["deadline"]),
            )
            post_id = cursor.lastrowid
            assert post_id is not None  # an INSERT always sets it
            await db.executemany(
                """INSERT INTO reminders (guild_id, kind, message_id, author_id, post_id, sent_at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    (
                        settings.guild_id,
                        item.kind,
                        item.message_id,
                        item.author_id,
                        post_id,
                        params["deadline"],
                    )
                    for item in items
                ],
            )
        return AlertClaim(post_id, settings.guild_id, settings.channel_id, items)

    async def posted(self, post_id: int, message_id: int) -> None:
        """Remember the alert message, so that it can be marked when items are answered."""
        async with self._writing() as db:
            await db.execute(
                "UPDATE alert_posts SET message_id = ? WHERE post_id = ?", (message_id, post_id)
            )

    async def record_answers(self, now: datetime) -> list[int]:
        """Note when announced items got answered; returns the alert posts to mark."""
        params = {
            "deadline": to_db_time(now),
            "since": to_db_time(now - timedelta(days=FOLLOW_DAYS)),
        }
        async with self._writing() as db:
            rows = await fetch_all(db, _ANSWERED_ALERTS, params)
            await db.executemany(
                "UPDATE reminders SET answered_at = ? WHERE reminder_id = ?",
                [(answered_at, reminder_id) for reminder_id, _, answered_at in rows],
            )
        return sorted({post_id for _, post_id, _ in rows if post_id is not None})

    async def post(self, post_id: int) -> PostedAlert | None:
        """A posted alert message and the state of its items, for marking it."""
        async with self._reading() as db:
            head = await fetch_one(
                db,
                "SELECT guild_id, channel_id, message_id FROM alert_posts WHERE post_id = ?",
                (post_id,),
            )
            if head is None or head[2] is None:
                return None
            rows = await fetch_all(db, _POST_ITEMS, (post_id,))
        items = tuple(
            (_item(row[:-1]), None if row[-1] is None else from_db_time(row[-1])) for row in rows
        )
        return PostedAlert(post_id, int(head[0]), int(head[1]), int(head[2]), items)

    async def watching(self, now: datetime) -> bool:
        """Whether the reminder pass has anything to do: alerts or nudges on, or
        reminders of the last 7 days whose answer is still awaited."""
        async with self._reading() as db:
            row = await fetch_one(
                db,
                """SELECT EXISTS (SELECT 1 FROM alert_settings WHERE enabled = 1)
                       OR EXISTS (SELECT 1 FROM nudges WHERE enabled = 1)
                       OR EXISTS (SELECT 1 FROM reminders
                                  WHERE answered_at IS NULL AND sent_at >= ?)""",
                (to_db_time(now - timedelta(days=FOLLOW_DAYS)),),
            )
        return bool(row and row[0])

    async def unanswered(
        self,
        guild_id: int,
        now: datetime,
        *,
        channel_id: int | None = None,
        older_than: timedelta = timedelta(0),
    ) -> list[AlertItem]:
        """Questions of the last 7 days with no response yet, oldest first."""
        params = {
            "guild_id": guild_id,
            "deadline": to_db_time(now),
            "since": to_db_time(now - timedelta(days=FOLLOW_DAYS)),
            "older_than": to_db_time(now - older_than),
            "channel_id": channel_id,
        }
        async with self._reading() as db:
            return [_item(row) for row in await fetch_all(db, _UNANSWERED, params)]


def _settings(row: Any) -> AlertSettings:
    guild_id, channel_id, after, newcomer_after, enabled, checked_until = row
    return AlertSettings(
        guild_id=int(guild_id),
        channel_id=int(channel_id),
        after_minutes=int(after),
        newcomer_after_minutes=int(newcomer_after),
        enabled=bool(enabled),
        checked_until=from_db_time(checked_until),
    )


def _item(row: Any) -> AlertItem:
    kind, message_id, author_id, channel_id, thread_id, created_at, excerpt = row
    return AlertItem(
        kind=str(kind),
        message_id=int(message_id),
        author_id=int(author_id),
        channel_id=int(channel_id),
        thread_id=None if thread_id is None else int(thread_id),
        asked_at=from_db_time(created_at),
        excerpt=excerpt,
    )
