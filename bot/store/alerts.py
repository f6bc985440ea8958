"""Alerts to the community team: what waits for a response, and the board that lists it.

An item (one definition, used by the board, ``/unanswered`` and the digest) is:

- a question (docs/metrics.md) with no response yet, or
- a newcomer's first message (bot/store/newcomers.py) that *starts something* (not a
  reply, not a message in a thread it did not start, not a message that mentions a
  member) with no response and no reply to its author yet. A newcomer's first
  message that responds is taking part: never a newcomer item (it may still be a
  question). A message that is both is one item, the newcomer's.

A question that replies to or mentions members is *addressed* to them (its reply and
mention interactions, which never hold bots, roles or @everyone): theirs to answer, so
it falls due only after ``max(after_minutes, 24 h)``. A response is an explicit one, or
an inferred reply when the guild's inference is on (bot/store/responses.py). Items older than
``alert_expire_days`` with no response have *expired*.

Each reminder pass decides the items that fell due since the last one
(``alert_settings.checked_until``): those with a response by then are never announced,
the others are claimed as ``reminders`` rows (user_id NULL) before the board shows
them. The board lists the announced items still open; ``alert_posts`` keeps its
messages (migration 0008).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import from_db_time, to_db_time
from bot.store import answers_checked
from bot.store.alert_sql import (
    ANSWERED_ALERTS,
    ANSWERED_SINCE,
    BOARD_ITEMS,
    DUE_NEWCOMERS,
    DUE_QUESTIONS,
    EXPIRED,
    LIVE_POSTS,
    SETTINGS,
    WAITING,
    WAITING_COUNTS,
)
from bot.store.connection import fetch_all, fetch_one
from bot.store.inbox import record_inbox_answers
from bot.store.newcomers import NEWCOMER_DAYS

if TYPE_CHECKING:
    from bot.store.connection import Access

ADDRESSED_AFTER = timedelta(hours=24)  # an addressed question is theirs this long
FRESH_LIMIT = answers_checked.FRESH_LIMIT
EXPIRED_LISTED_DAYS = 90  # /unanswered expired:true looks back this far


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
    """A question or a newcomer's first message that waits (or waited) for a response."""

    kind: str  # 'question' or 'newcomer'
    message_id: int
    author_id: int
    channel_id: int
    thread_id: int | None
    asked_at: datetime
    excerpt: str | None  # the start of the text, when text is stored
    addressed_to: tuple[int, ...] = ()  # the members it replies to or mentions
    reactions: int = 0  # distinct members other than the author who reacted

    @property
    def where_id(self) -> int:
        """The channel or thread it was posted in."""
        return self.thread_id if self.thread_id is not None else self.channel_id


@dataclass(frozen=True, slots=True)
class AlertClaim:
    """Items that fell due in one pass and were claimed, in the order they were asked."""

    guild_id: int
    channel_id: int
    items: tuple[AlertItem, ...]


@dataclass(frozen=True, slots=True)
class Board:
    """What a guild's board shows: the announced items still open, the oldest listed."""

    questions: int
    newcomers: int
    items: tuple[AlertItem, ...]  # the oldest ones, up to the number asked for

    @property
    def total(self) -> int:
        """Every open item, listed or not."""
        return self.questions + self.newcomers


@dataclass(frozen=True, slots=True)
class BoardPost:
    """A message in an alerts channel that may claim something waits: the board, or an
    alert of a version before the board."""

    post_id: int
    guild_id: int
    channel_id: int
    message_id: int
    board: bool
    shown: str | None  # signature of what the board shows


@dataclass(frozen=True, slots=True)
class WaitingNow:
    """How many items wait in a guild, and since when the oldest."""

    questions: int
    newcomers: int
    oldest_at: datetime | None

    @property
    def total(self) -> int:
        """Questions and newcomers together."""
        return self.questions + self.newcomers


class AlertQueries:
    """Alert settings, the due items of each pass, the board, and what waits."""

    def __init__(self, reading: Access, writing: Access) -> None:
        self._reading = reading
        self._writing = writing

    async def settings(self, guild_id: int) -> AlertSettings | None:
        """The guild's alert set-up, if a manager made one (enabled or not)."""
        async with self._reading() as db:
            row = await fetch_one(db, f"{SETTINGS} WHERE guild_id = ?", (guild_id,))
        return None if row is None else _settings(row)

    async def enabled(self) -> list[AlertSettings]:
        """Every guild whose alerts are on."""
        async with self._reading() as db:
            rows = await fetch_all(db, f"{SETTINGS} WHERE enabled = 1 ORDER BY guild_id")
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

    async def claim_due(
        self, settings: AlertSettings, now: datetime, expire_days: int
    ) -> AlertClaim | None:
        """Decide the items that fell due since the last pass, claim the unanswered ones
        for the board, and move the guild's mark to ``now``: all in one transaction, so
        an item is announced at most once and none is skipped. Items that would have
        expired by now are never announced."""
        expired_before = now - timedelta(days=expire_days)
        after = timedelta(minutes=settings.after_minutes)
        addressed_after = max(after, ADDRESSED_AFTER)
        newcomer_after = timedelta(minutes=settings.newcomer_after_minutes)
        checked = settings.checked_until

        def since(wait: timedelta) -> str:
            return to_db_time(max(checked - wait, expired_before))

        params = {
            "guild_id": settings.guild_id,
            "deadline": to_db_time(now),
            "questions_since": since(after),
            "questions_due": to_db_time(now - after),
            "addressed_since": since(addressed_after),
            "addressed_due": to_db_time(now - addressed_after),
            "newcomers_since": since(newcomer_after),
            "newcomers_due": to_db_time(now - newcomer_after),
        }
        async with self._writing() as db:
            found: dict[int, AlertItem] = {}
            # A newcomer's first message that is also a question is announced once,
            # as the newcomer's.
            for sql in (DUE_NEWCOMERS, DUE_QUESTIONS):
                for item in map(_item, await fetch_all(db, sql, params)):
                    found.setdefault(item.message_id, item)
            await db.execute(
                "UPDATE alert_settings SET checked_until = ? WHERE guild_id = ?",
                (params["deadline"], settings.guild_id),
            )
            if not found:
                return None
            items = tuple(sorted(found.values(), key=lambda i: (i.asked_at, i.message_id)))
            await db.executemany(
                # `asked_at`: the message's time as stored (the board reads it).
                """INSERT INTO reminders
                       (guild_id, kind, message_id, author_id, sent_at, asked_at)
                   SELECT ?, ?, message_id, ?, ?, created_at FROM messages
                   WHERE message_id = ?""",
                [
                    (
                        settings.guild_id,
                        item.kind,
                        item.author_id,
                        params["deadline"],
                        item.message_id,
                    )
                    for item in items
                ],
            )
        return AlertClaim(settings.guild_id, settings.channel_id, items)

    async def record_answers(self, now: datetime, expire_days: int) -> list[int]:
        """Note when announced items got answered, and the items of DMs too
        (bot/store/inbox.py); returns the guilds whose boards lose an item. Only what
        was written since the previous check is searched for answers
        (bot/store/answers_checked.py), unless that check is older than ``FRESH_LIMIT``
        or unknown: then every open item is asked again. Both kinds in one
        transaction, which moves the mark to ``now``."""
        params = {
            "deadline": to_db_time(now),
            "since": to_db_time(now - timedelta(days=expire_days)),
        }
        async with self._writing() as db:
            checked = await answers_checked.resume_from(db, now)
            if checked is None:
                rows = await fetch_all(db, ANSWERED_ALERTS, params)
            else:
                rows = await fetch_all(db, ANSWERED_SINCE, {**params, "from": to_db_time(checked)})
            await db.executemany(
                "UPDATE reminders SET answered_at = ? WHERE reminder_id = ?",
                [(answered_at, reminder_id) for reminder_id, _, answered_at in rows],
            )
            await record_inbox_answers(db, now, checked)
            # Inside the transaction: whatever is written from now on either is newer or
            # moves the mark back.
            await db.execute(answers_checked.CHECKED, {"at": params["deadline"]})
        return sorted({int(guild_id) for _, guild_id, _ in rows})

    async def board(self, guild_id: int, now: datetime, expire_days: int, listed: int) -> Board:
        """The guild's announced items still open (not answered, not expired, message
        not deleted), the oldest ``listed`` of them in full."""
        params = {
            "guild_id": guild_id,
            "since": to_db_time(now - timedelta(days=expire_days)),
            "listed": listed,
        }
        async with self._reading() as db:
            rows = await fetch_all(db, BOARD_ITEMS, params)
        if not rows:
            return Board(0, 0, ())
        return Board(
            questions=int(rows[0][-2]),
            newcomers=int(rows[0][-1]),
            items=tuple(_item(row[:-2]) for row in rows),
        )

    async def live_posts(self, guild_id: int | None = None) -> list[BoardPost]:
        """The messages that may still claim something waits (of one guild, or of all),
        oldest first."""
        async with self._reading() as db:
            if guild_id is None:
                rows = await fetch_all(db, f"{LIVE_POSTS} ORDER BY post_id")
            else:
                rows = await fetch_all(
                    db, f"{LIVE_POSTS} AND guild_id = ? ORDER BY post_id", (guild_id,)
                )
        return [
            BoardPost(
                post_id=int(post_id),
                guild_id=int(guild),
                channel_id=int(channel_id),
                message_id=int(message_id),
                board=bool(board),
                shown=shown,
            )
            for post_id, guild, channel_id, message_id, board, shown in rows
        ]

    async def board_posted(
        self, guild_id: int, channel_id: int, message_id: int, shown: str, now: datetime
    ) -> int:
        """Remember a new board message; returns its post id."""
        async with self._writing() as db:
            cursor = await db.execute(
                """INSERT INTO alert_posts
                       (guild_id, channel_id, message_id, claimed_at, board, shown)
                   VALUES (?, ?, ?, ?, 1, ?)""",
                (guild_id, channel_id, message_id, to_db_time(now), shown),
            )
            post_id = cursor.lastrowid
        assert post_id is not None  # an INSERT always sets it
        return post_id

    async def board_shown(self, post_id: int, shown: str) -> None:
        """The board message was edited to show ``shown``."""
        async with self._writing() as db:
            await db.execute("UPDATE alert_posts SET shown = ? WHERE post_id = ?", (shown, post_id))

    async def retire(self, post_ids: list[int], now: datetime) -> None:
        """These messages no longer claim anything waits (edited, or gone)."""
        async with self._writing() as db:
            await db.executemany(
                "UPDATE alert_posts SET retired_at = ? WHERE post_id = ? AND retired_at IS NULL",
                [(to_db_time(now), post_id) for post_id in post_ids],
            )

    async def watching(self, now: datetime, expire_days: int) -> bool:
        """Whether the reminder pass has anything to do: alerts or nudges on, reminders
        whose answer is still awaited, or a board message still live."""
        async with self._reading() as db:
            row = await fetch_one(
                db,
                """SELECT EXISTS (SELECT 1 FROM alert_settings WHERE enabled = 1)
                       OR EXISTS (SELECT 1 FROM nudges WHERE enabled = 1)
                       OR EXISTS (SELECT 1 FROM reminders
                                  WHERE answered_at IS NULL AND sent_at >= ?)
                       OR EXISTS (SELECT 1 FROM alert_posts
                                  WHERE retired_at IS NULL AND message_id IS NOT NULL)""",
                (to_db_time(now - timedelta(days=expire_days)),),
            )
        return bool(row and row[0])

    async def unanswered(
        self,
        guild_id: int,
        now: datetime,
        expire_days: int,
        *,
        channel_id: int | None = None,
        older_than: timedelta = timedelta(0),
        expired: bool = False,
    ) -> list[AlertItem]:
        """The items that wait now (asked within ``expire_days``), oldest first; with
        ``expired``, those that expired in the last 90 days and still have no response."""
        expire = timedelta(days=expire_days)
        if expired:
            since = now - timedelta(days=EXPIRED_LISTED_DAYS)
            until = min(now - expire, now - older_than)
        else:
            since, until = now - expire, now - older_than
        return await self._items(
            WAITING, guild_id, since, until, now, expire_days, channel_id=channel_id
        )

    async def waiting_now(self, guild_id: int, now: datetime, expire_days: int) -> WaitingNow:
        """How many items wait now, by kind, and when the oldest was asked."""
        params = self._window(guild_id, now - timedelta(days=expire_days), now, now, expire_days)
        async with self._reading() as db:
            rows = await fetch_all(db, WAITING_COUNTS, params)
        counts = {str(item): int(count) for item, count, _ in rows}
        oldest = min((str(first) for _, _, first in rows), default=None)
        return WaitingNow(
            questions=counts.get("question", 0),
            newcomers=counts.get("newcomer", 0),
            oldest_at=None if oldest is None else from_db_time(oldest),
        )

    async def went_unanswered(
        self, guild_id: int, start: datetime, end: datetime, expire_days: int
    ) -> list[AlertItem]:
        """The items whose expiry (``asked_at + expire_days``) fell in ``[start, end)``
        with no response by then, oldest first: each is in exactly one window."""
        expire = timedelta(days=expire_days)
        # Stored times have milliseconds: the last one asked before ``end - expire``.
        until = end - expire - timedelta(milliseconds=1)
        return await self._items(EXPIRED, guild_id, start - expire, until, end, expire_days)

    async def _items(
        self,
        sql: str,
        guild_id: int,
        since: datetime,
        until: datetime,
        deadline: datetime,
        expire_days: int,
        *,
        channel_id: int | None = None,
    ) -> list[AlertItem]:
        params = self._window(guild_id, since, until, deadline, expire_days, channel_id)
        async with self._reading() as db:
            return [_item(row) for row in await fetch_all(db, sql, params)]

    @staticmethod
    def _window(
        guild_id: int,
        since: datetime,
        until: datetime,
        deadline: datetime,
        expire_days: int,
        channel_id: int | None = None,
    ) -> dict[str, object]:
        """The parameters of ``waiting``: items asked in ``[since, until]``, with no
        response by ``deadline``."""
        return {
            "guild_id": guild_id,
            "since": to_db_time(since),
            "until": to_db_time(until),
            "deadline": to_db_time(deadline),
            "expire_days": f"+{expire_days} days",
            "newcomers_joined_since": to_db_time(since - timedelta(days=NEWCOMER_DAYS)),
            "channel_id": channel_id,
        }


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
    kind, message_id, author_id, channel_id, thread_id, created_at, excerpt, to, reactions = row
    return AlertItem(
        kind=str(kind),
        message_id=int(message_id),
        author_id=int(author_id),
        channel_id=int(channel_id),
        thread_id=None if thread_id is None else int(thread_id),
        asked_at=from_db_time(created_at),
        excerpt=excerpt,
        addressed_to=tuple(sorted({int(t) for t in str(to).split(",")})) if to else (),
        reactions=int(reactions or 0),
    )
