"""What the dashboard reads beyond the other query modules: each member's figures over a
range, its pairs, what waits now, the connections export's rows, names of members and
channels, and the latest stored summary (the longer statements: bot/store/dashboard_sql.py).

Read only (the dashboard's connection cannot write, bot/store/readonly.py). Members who
opted out are left out here, whatever else the store still holds about them; the
figures follow docs/metrics.md and the daily rollup's statements (bot/store/activity.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.clock import to_db_time
from bot.store import dashboard_sql as sql
from bot.store.connection import fetch_all, fetch_one
from bot.store.digest_context import Opener, read_openers
from bot.store.dirty_days import RANGE_VERSION
from bot.store.newcomers import NEWCOMER_DAYS

if TYPE_CHECKING:
    from bot.store.connection import Access

# The guilds with their messages stored (each end one step of the index by time) and
# members: no walk of the messages, whatever their number.
_GUILDS = """
SELECT g.guild_id, g.name,
       (SELECT created_at FROM messages WHERE guild_id = g.guild_id
        ORDER BY created_at LIMIT 1),
       (SELECT created_at FROM messages WHERE guild_id = g.guild_id
        ORDER BY created_at DESC LIMIT 1),
       (SELECT count(*) FROM messages WHERE guild_id = g.guild_id),
       (SELECT count(*) FROM members WHERE guild_id = g.guild_id AND opted_out = 0)
FROM guilds g ORDER BY g.guild_id
"""

# The ids come as one JSON array, so the statement stays the same whatever their number.
_NAMES = """
SELECT user_id, display_name FROM members
WHERE guild_id = ? AND opted_out = 0 AND user_id IN (SELECT value FROM json_each(?))
"""

_OPTED_OUT = "SELECT user_id FROM members WHERE guild_id = ? AND opted_out = 1"

_CHANNELS = """
SELECT channel_id, name FROM channels
WHERE guild_id = ? AND channel_id IN (SELECT value FROM json_each(?))
"""

# The first messages of conversations, by primary key, with their authors who did not
# opt out (CROSS JOIN keeps the ids first: never a walk of the guild's messages).


_LATEST_SUMMARY = "SELECT max(day) FROM daily_summaries WHERE guild_id = ?"

_LAST_MESSAGE = """
SELECT max(created_at) FROM messages WHERE guild_id = ? AND kind = 'message' AND deleted = 0
"""


# A row of the connections export: the fields of bot/store/exports.py's Connection.
ConnectionRow = tuple[int, int, int, int, int, int, int, str, str, str | None, str | None]


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member's figures over a range, with when they joined and first posted (store
    times; None when unknown or never)."""

    user_id: int
    name: str | None
    messages: int
    replies: int
    reactions_given: int
    connections: int
    inferred_replies: int
    joined_at: str | None
    first_message_at: str | None


# A member's figures over a range (DashboardQueries.activity): messages, replies,
# reactions given, connections, inferred replies.
Activity = tuple[int, int, int, int, int]

# A member who did not opt out (DashboardQueries.people): id, display name, joined at,
# first posted at.
Person = tuple[int, str | None, str | None, str | None]


def member_rows(activity: dict[int, Activity], people: Iterable[Person]) -> list[MemberRow]:
    """The rows of the members of ``people`` with figures in ``activity``, in id order:
    who opted out since ``activity`` was read is not among ``people``."""
    found = []
    for user_id, name, joined_at, first_at in people:
        figures = activity.get(user_id)
        if figures is None:
            continue
        messages, replies, reactions, partners, inferred = figures
        found.append(
            MemberRow(
                user_id=user_id,
                name=name,
                messages=messages,
                replies=replies,
                reactions_given=reactions,
                connections=partners,
                inferred_replies=inferred,
                joined_at=joined_at,
                first_message_at=first_at,
            )
        )
    return sorted(found, key=lambda m: m.user_id)


@dataclass(frozen=True, slots=True)
class WaitingItem:
    """A question or a newcomer's first message with no response yet, with its
    author's name (None: none known)."""

    kind: str  # "question" or "newcomer"
    message_id: int
    author_id: int
    name: str | None
    channel_id: int
    thread_id: int | None
    asked_at: str
    excerpt: str | None  # the start of the text, when text is stored

    @property
    def where_id(self) -> int:
        """The channel or thread it was posted in."""
        return self.thread_id if self.thread_id is not None else self.channel_id


class DashboardQueries:
    """Reads for the dashboard's pages."""

    def __init__(self, reading: Access) -> None:
        self._reading = reading

    async def activity(self, guild_id: int, start: str, end: str, days: int) -> dict[int, Activity]:
        """The figures of every member who posted, reacted or was interacted with in
        ``[start, end)`` (``days`` local days), by member. Their connections are the
        members they interacted with in the range, either way; inferred replies are
        counted apart. Their messages, replies and reactions come from the daily rollup
        when it holds every day of the range (a week of messages is a million rows to
        count), else from the messages and interactions. The costly read of the Members
        page: what changes it marks its range, so it can be kept (bot/dashboard/cache.py)."""
        params = {"guild_id": guild_id, "start": start, "end": end}
        async with self._reading() as db:
            rolled = await fetch_one(db, sql.ROLLED_UP, params)
            if rolled is not None and tuple(rolled) == (days, start, end):
                sums = await fetch_all(db, sql.ROLLUP_BY_MEMBER, params)
                partners = dict(await fetch_all(db, sql.CONNECTIONS_BY_MEMBER, params))
                sent = {m: n for m, n, _, _ in sums if n}
                links = {m: (r, x, partners.get(m, 0)) for m, _, r, x in sums}
                links.update((m, (0, 0, n)) for m, n in partners.items() if m not in links)
            else:
                sent = dict(await fetch_all(db, sql.MESSAGES_BY_AUTHOR, params))
                links = {r[0]: r[1:] for r in await fetch_all(db, sql.LINKS_BY_MEMBER, params)}
            inferred = await fetch_all(db, sql.INFERRED_BY_SOURCE, params)
        guessed: dict[int, int] = {}
        for source, _, count in inferred:
            guessed[source] = guessed.get(source, 0) + int(count)
        found = {}
        for user_id in sent.keys() | links.keys():
            replies, reactions, partners = links.get(user_id, (0, 0, 0))
            found[int(user_id)] = (
                int(sent.get(user_id, 0)),
                int(replies),
                int(reactions),
                int(partners),
                guessed.get(user_id, 0),
            )
        return found

    async def people(self, guild_id: int) -> list[Person]:
        """The members who did not opt out: id, display name, when they joined and when
        they first posted (store times; None when unknown or never). Changed by writes
        that mark nothing (a new name, a join), so read at every request."""
        async with self._reading() as db:
            rows = await fetch_all(db, sql.MEMBERS, {"guild_id": guild_id})
        return [(int(u), name, joined, first) for u, name, joined, first in rows]

    async def network(
        self, guild_id: int, start: str, end: str, *, inferred: bool, limit: int
    ) -> tuple[dict[int, int], list[tuple[int, int, int, bool]], int]:
        """The members linked in ``[start, end)`` who did not opt out, each with their
        links (the members they interacted with, either way, and with ``inferred`` those
        linked only by inferred replies): the ``limit`` most connected (ties by id), the
        links between them as unordered pairs ``(a, b, count, only inferred)``, a < b,
        and how many members are linked in all."""
        params = {
            "guild_id": guild_id,
            "start": start,
            "end": end,
            "inferred": int(inferred),
            "limit": limit,
        }
        async with self._reading() as db:
            rows = await fetch_all(db, sql.NETWORK, params)
        degree: dict[int, int] = {}
        links = []
        everyone = 0
        for link, a, b, count, only_inferred in rows:
            if link:
                links.append((int(a), int(b), int(count), bool(only_inferred)))
            else:
                degree[int(a)] = int(b)
                everyone = int(count)
        return degree, links, everyone

    async def guilds(self) -> list[tuple[int, str | None, str | None, str | None, int, int]]:
        """Every guild: id, name, first and last message stored (store times, None when
        none), messages stored and members who did not opt out."""
        async with self._reading() as db:
            rows = await fetch_all(db, _GUILDS)
        return [(int(g), n, first, last, int(m), int(k)) for g, n, first, last, m, k in rows]

    async def names(self, guild_id: int, user_ids: Collection[int]) -> dict[int, str | None]:
        """The display names of ``user_ids`` who did not opt out (None: no name known)."""
        if not user_ids:
            return {}
        async with self._reading() as db:
            rows = await fetch_all(db, _NAMES, (guild_id, json.dumps(sorted(set(user_ids)))))
        return {int(user_id): name for user_id, name in rows}

    async def opted_out(self, guild_id: int) -> frozenset[int]:
        """The members of the guild who opted out of logging."""
        async with self._reading() as db:
            rows = await fetch_all(db, _OPTED_OUT, (guild_id,))
        return frozenset(int(row[0]) for row in rows)

    async def channel_names(self, guild_id: int, ids: Collection[int]) -> dict[int, str]:
        """The known names of the channels and threads among ``ids``."""
        if not ids:
            return {}
        async with self._reading() as db:
            rows = await fetch_all(db, _CHANNELS, (guild_id, json.dumps(sorted(set(ids)))))
        return {int(channel_id): str(name) for channel_id, name in rows if name}

    async def openers(self, guild_id: int, message_ids: Collection[int]) -> dict[int, Opener]:
        """The top conversations' first messages, as the digest reads them
        (bot/store/digest_context.py)."""
        return await read_openers(self._reading, guild_id, message_ids)

    async def waiting(
        self, guild_id: int, now: datetime, expire_days: int, listed: int
    ) -> tuple[list[WaitingItem], dict[str, int]]:
        """What waits at ``now`` (asked within ``expire_days``, no response by ``now``)
        from members who did not opt out: the oldest ``listed`` of each kind, oldest
        first, and how many wait of each kind."""
        since = now - timedelta(days=expire_days)
        params = {
            # The window of AlertQueries.unanswered (bot/store/alerts.py).
            "guild_id": guild_id,
            "since": to_db_time(since),
            "until": to_db_time(now),
            "deadline": to_db_time(now),
            "expire_days": f"+{expire_days} days",
            "newcomers_joined_since": to_db_time(since - timedelta(days=NEWCOMER_DAYS)),
            "channel_id": None,
            "listed": listed,
        }
        async with self._reading() as db:
            rows = await fetch_all(db, sql.WAITING, params)
        counts: dict[str, int] = {}
        items = []
        for kind, message_id, author_id, name, channel_id, thread_id, at, excerpt, total in rows:
            counts[str(kind)] = int(total)
            items.append(
                WaitingItem(
                    str(kind),
                    int(message_id),
                    int(author_id),
                    name,
                    int(channel_id),
                    None if thread_id is None else int(thread_id),
                    str(at),
                    excerpt,
                )
            )
        return items, counts

    async def connections(
        self,
        guild_id: int,
        start: str | None,
        end: str | None,
        skipped: Collection[int],
        batch_size: int,
    ) -> AsyncIterator[list[ConnectionRow]]:
        """The connections export's pairs of ``[start, end)`` (ExportQueries.connections;
        None: all time), ``batch_size`` at a time, without the pairs of a member in
        ``skipped``: an export of a busy week holds about 100,000 pairs. Each is a tuple
        of the values of :class:`Connection`'s fields, in their order (a Connection
        apiece cost a third of the export's time)."""
        params = {"guild_id": guild_id, "start": start or "0000", "end": end or "9999"}
        async with self._reading() as db:
            names = dict(await fetch_all(db, sql.ALL_NAMES, (guild_id,)))
            async with db.execute(sql.CONNECTION_ROWS, params) as cursor:
                # The next batch is read (in aiosqlite's thread, SQLite without the GIL)
                # while the caller writes this one out: about a third less time in all.
                ahead = asyncio.ensure_future(cursor.fetchmany(batch_size))
                try:
                    while batch := await ahead:
                        ahead = asyncio.ensure_future(cursor.fetchmany(batch_size))
                        yield [
                            (a, b, r, t, m, x, n, f, la, names.get(a), names.get(b))
                            for a, b, r, t, m, x, n, f, la in batch
                            if a not in skipped and b not in skipped
                        ]
                finally:  # the caller stopped early (a download cancelled): let it end
                    with contextlib.suppress(Exception):
                        await ahead

    async def range_version(self, guild_id: int, start: str, end: str) -> tuple[int, int]:
        """What changes when a write changes ``[start, end)`` of the guild, once the range
        has ended longer than bot/analysis/days.py's ``LATE_WRITES`` ago: the newest mark
        overlapping it and the largest pruned (bot/store/dirty_days.py, RANGE_VERSION)."""
        params = {"guild_id": guild_id, "start": start, "end": end}
        async with self._reading() as db:
            row = await fetch_one(db, RANGE_VERSION, params)
        assert row is not None
        return int(row[0]), int(row[1])

    async def data_version(self) -> int:
        """SQLite's data version of this connection: it changes whenever another
        connection commits a write to the file (the dashboard's caches are keyed on it)."""
        async with self._reading() as db:
            row = await fetch_one(db, "PRAGMA data_version")
        assert row is not None
        return int(row[0])

    async def latest_summary_day(self, guild_id: int) -> date | None:
        """The latest day with a stored summary, if any."""
        async with self._reading() as db:
            row = await fetch_one(db, _LATEST_SUMMARY, (guild_id,))
        return None if row is None or row[0] is None else date.fromisoformat(str(row[0]))

    async def last_message_at(self, guild_id: int) -> str | None:
        """When the guild's latest counted message was posted (store time), if any."""
        async with self._reading() as db:
            row = await fetch_one(db, _LAST_MESSAGE, (guild_id,))
        return None if row is None or row[0] is None else str(row[0])
