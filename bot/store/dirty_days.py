"""Which stored summaries a write has changed since they were computed: "dirty days".

Writes dated in the past mark the UTC range they changed (``summary_marks``, schema 14:
the rare paths by triggers, the rest through :data:`MARK` and :data:`MENTION_ADDED`);
each stored summary records the marks it has seen and the range its figures read
(``summary_seen``). A stored summary is dirty when a newer mark overlaps that range;
bot/summaries.py computes such days again, and keeps every other stored day as it is.
Marks that no stored summary needs any more are pruned, so the table stays small.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.store.connection import fetch_all, fetch_one

if TYPE_CHECKING:
    from bot.store.connection import Access

# The end of a mark that reaches every later instant.
OPEN_END = "9999-12-31T00:00:00.000Z"

_HOUR = "'%Y-%m-%dT%H:00:00.000Z'"

# A mark of :from_at to :to_at in whole hours, from the start of the first to the end of
# the last (:to_at None: every later instant), for the guild :guild_id, newer than every
# mark before it (run BUMP first).
BUMP = "UPDATE summary_mark_counter SET n = n + 1"
MARK = f"""
INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
VALUES (:guild_id, strftime({_HOUR}, :from_at),
        CASE WHEN :to_at IS NULL THEN '{OPEN_END}' ELSE strftime({_HOUR}, :to_at, '+1 hour') END,
        (SELECT n FROM summary_mark_counter))
ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq
"""  # noqa: S608 (constants only)

# A mention added to a message by an edit (conversations.MENTION_AFTER_EDIT, before the
# flush's end adds its connection): an interaction at the message's time, maybe earlier
# than the pair's first one (the network's size, up to that first one or for ever).
MENTION_ADDED = f"""
INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
SELECT m.guild_id, strftime({_HOUR}, m.created_at),
       CASE WHEN c.first_at IS NULL THEN '{OPEN_END}'
            ELSE strftime({_HOUR}, max(c.first_at, m.created_at), '+1 hour') END,
       (SELECT n FROM summary_mark_counter)
FROM messages m
LEFT JOIN connections c ON c.guild_id = m.guild_id
    AND c.a = min(m.author_id, :user_id) AND c.b = max(m.author_id, :user_id)
WHERE m.message_id = :message_id AND m.deleted = 0 AND m.kind = 'message'
  AND m.author_id != :user_id
ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq
"""  # noqa: S608 (constants only)


def inferred_mark(guild_id: int, changed: Collection[str]) -> dict[str, Any] | None:
    """Parameters of :data:`MARK` after inferred replies were written (the times of the
    messages whose row appeared, went or points elsewhere; a row deleted marks by its
    trigger, one inserted does not): from the earliest on, every later time (a pair's
    first link). None when nothing changed."""
    if not changed:
        return None
    return {"guild_id": guild_id, "from_at": min(changed), "to_at": None}


_COUNTER = "SELECT n, pruned FROM summary_mark_counter"

# What a reader that keeps results computed from a range's data checks before using them
# (the dashboard, bot/dashboard/cache.py): the newest mark of :guild_id overlapping
# [:start, :end), and the largest mark pruned (a newer mark may have come and gone). Both
# stay the same while no write has changed the range, once it has ended more than
# bot/analysis/days.py's LATE_WRITES ago: a live write is dated after it, and every
# write dated in the past marks.
RANGE_VERSION = """
SELECT (SELECT coalesce(max(seq), 0) FROM summary_marks
        WHERE guild_id = :guild_id AND from_at < :end AND to_at > :start),
       pruned
FROM summary_mark_counter
"""

_SEEN = """
INSERT INTO summary_seen (guild_id, day, timezone, seen, reads_from, reads_to)
VALUES (:guild_id, :day, :timezone, :seen, :reads_from, :reads_to)
ON CONFLICT (guild_id, day) DO UPDATE SET
    timezone = excluded.timezone, seen = excluded.seen,
    reads_from = excluded.reads_from, reads_to = excluded.reads_to
"""

# For a stored summary ``d`` and its ``summary_seen`` row ``s`` (if any): the marks it
# has seen, and the range it reads; a summary stored before schema 14 (or under another
# time zone) has seen none and reads from 8 days before its day to 3 days after it,
# which holds the exact range in every time zone (bot/analysis/days.py, reads_window).
_SEEN_UP_TO = "coalesce(s.seen, 0)"
_READS_FROM = (
    "CASE WHEN s.timezone = d.timezone THEN s.reads_from "
    "ELSE strftime('%Y-%m-%dT%H:%M:%fZ', d.day, '-8 days') END"
)
_READS_TO = (
    "CASE WHEN s.timezone = d.timezone THEN s.reads_to "
    "ELSE strftime('%Y-%m-%dT%H:%M:%fZ', d.day, '+3 days') END"
)
_SEEN_JOIN = "LEFT JOIN summary_seen s ON s.guild_id = d.guild_id AND s.day = d.day"

# The stored days of :guild_id from :first to :last that a newer mark makes dirty.
_DIRTY = f"""
SELECT d.day FROM daily_summaries d {_SEEN_JOIN}
WHERE d.guild_id = :guild_id AND d.day >= :first AND d.day <= :last
  AND ({_SEEN_UP_TO} < 0 OR EXISTS (
      SELECT 1 FROM summary_marks m
      WHERE m.guild_id = d.guild_id AND m.seq > {_SEEN_UP_TO}
        AND m.from_at < {_READS_TO} AND m.to_at > {_READS_FROM}))
"""  # noqa: S608 (constants only)

# The marks of :guild_id that no stored summary needs: every stored day whose range they
# overlap has seen them (a day's range lies within 8 days before and 3 after it).
_UNNEEDED = f"""
m.guild_id = :guild_id AND NOT EXISTS (
    SELECT 1 FROM daily_summaries d {_SEEN_JOIN}
    WHERE d.guild_id = m.guild_id AND d.day >= date(m.from_at, '-3 days')
      AND (m.to_at = '{OPEN_END}' OR d.day <= date(m.to_at, '+8 days'))
      AND {_SEEN_UP_TO} < m.seq
      AND m.from_at < {_READS_TO} AND m.to_at > {_READS_FROM})
"""  # noqa: S608 (constants only)

# Recorded before pruning: a summary being computed meanwhile, from before the marks
# pruned, cannot rely on them (see :meth:`DirtyDays.saved`).
_NOTE_PRUNED = f"""
UPDATE summary_mark_counter SET pruned = max(pruned, coalesce(
    (SELECT max(m.seq) FROM summary_marks m WHERE {_UNNEEDED}), 0))
"""  # noqa: S608 (constants only)
_PRUNE = f"DELETE FROM summary_marks AS m WHERE {_UNNEEDED}"  # noqa: S608 (constants only)


class DirtyDays:
    """Marks of what writes changed, and the stored summaries they make dirty."""

    def __init__(self, reading: Access, writing: Access) -> None:
        self._reading = reading
        self._writing = writing

    async def counter(self) -> int:
        """The newest mark's order: read before computing a summary, every mark up to it
        was committed before, so the summary includes what it changed."""
        async with self._reading() as db:
            row = await fetch_one(db, _COUNTER)
        assert row is not None  # one row, from schema 14
        return int(row[0])

    async def saved(
        self,
        guild_id: int,
        day: date,
        timezone: str,
        seen: int,
        reads: tuple[str, str],
    ) -> None:
        """Record that the summary of ``day`` just stored was computed after the marks
        up to ``seen`` (:meth:`counter`), from data in ``reads`` (``[start, end)``).

        A mark newer than ``seen`` pruned meanwhile may have been about this day: it is
        then recorded as dirty, to be computed again when next read."""
        async with self._writing() as db:
            row = await fetch_one(db, _COUNTER)
            assert row is not None
            if int(row[1]) > seen:
                seen = -1
            await db.execute(
                _SEEN,
                {
                    "guild_id": guild_id,
                    "day": day.isoformat(),
                    "timezone": timezone,
                    "seen": seen,
                    "reads_from": reads[0],
                    "reads_to": reads[1],
                },
            )

    async def mark(self, guild_id: int, from_at: str, to_at: str | None = None) -> None:
        """Mark the data of ``[from_at, to_at]`` changed (``to_at`` None: every later
        instant too), for a writer that has no trigger to do it (an import, ``infer``)."""
        async with self._writing() as db:
            await db.execute(BUMP)
            await db.execute(MARK, {"guild_id": guild_id, "from_at": from_at, "to_at": to_at})

    async def dirty(self, guild_id: int, first: date, last: date) -> set[date]:
        """The stored days from ``first`` to ``last`` that a write has changed since
        they were computed."""
        params = {"guild_id": guild_id, "first": first.isoformat(), "last": last.isoformat()}
        async with self._reading() as db:
            rows = await fetch_all(db, _DIRTY, params)
        return {date.fromisoformat(day) for (day,) in rows}

    async def prune(self, guild_id: int) -> None:
        """Drop the guild's marks that no stored summary needs any more (a read only,
        when it has none)."""
        async with self._reading() as db:
            found = await fetch_one(
                db, "SELECT 1 FROM summary_marks WHERE guild_id = ? LIMIT 1", (guild_id,)
            )
        if found is None:
            return
        async with self._writing() as db:
            await db.execute(_NOTE_PRUNED, {"guild_id": guild_id})
            await db.execute(_PRUNE, {"guild_id": guild_id})

    async def marks(self, guild_id: int) -> list[tuple[str, str, int]]:
        """The guild's marks, ``(from_at, to_at, seq)`` in order (for tests and checks)."""
        async with self._reading() as db:
            rows = await fetch_all(
                db,
                """SELECT from_at, to_at, seq FROM summary_marks
                   WHERE guild_id = ? ORDER BY from_at, to_at""",
                (guild_id,),
            )
        return [(str(f), str(t), int(n)) for f, t, n in rows]
