"""Derived data kept once per write transaction, set-based, instead of by per-row triggers.

Two things follow from what a flush (or an import batch) writes, and used to be kept
row by row by triggers (migration 0012 dropped them):

* ``connections`` (migration 0002): one row per pair with its first interaction. The
  interactions written by the transaction are those with a rowid above the mark taken
  before it (a new row gets a rowid above the largest one of the moment); they are
  upserted once, grouped by pair, with their earliest time.
* ``activity_days`` (migration 0003): a cached day is dropped when something is written
  before its end. Once per guild, the rollups ending after the earliest new interaction
  or the earliest new message (one inserted by the transaction, not one already stored)
  are dropped.

The result is the triggers' one, whatever else the transaction does: the triggers on
deletions and edits (``connections_after_delete``, ``activity_days_stale_on_message_*``
and ``..._interaction_delete``) stay, and they compute from the interactions as they are
at that moment, the new ones included; only a deletion can let a later insertion reuse a
rowid below the mark, so the writer takes the mark again after every write that may
delete interactions (:meth:`Written.interactions_removed`).

The statements run on either connection kind (the bot's ``aiosqlite``, the import's
``sqlite3``): :class:`Written` holds the state and says what to run, the callers run it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.store import firsts, response_rollup

# The largest rowid of interactions now (0 when empty).
INTERACTIONS_MARK = "SELECT coalesce(max(rowid), 0) FROM interactions"

# The end of each guild's latest cached day: a message before it makes days stale.
# :guilds is a JSON list of guild ids.
LATEST_DAY_ENDS = """
SELECT g.value, (SELECT max(end_at) FROM activity_days WHERE guild_id = g.value)
FROM json_each(:guilds) AS g
"""

# Which of the messages :ids (a JSON list) are stored.
STORED_MESSAGES = """
SELECT m.message_id FROM json_each(:ids) AS wanted
JOIN messages AS m ON m.message_id = wanted.value
"""

# The earliest of the messages :ids that are stored and not among :before, per guild.
NEW_MESSAGES_EARLIEST = """
SELECT m.guild_id, min(m.created_at) FROM json_each(:ids) AS wanted
JOIN messages AS m ON m.message_id = wanted.value
WHERE m.message_id NOT IN (SELECT value FROM json_each(:before))
GROUP BY m.guild_id
"""

# The earliest interaction written since the mark, per guild, where it is before the end
# of the guild's latest cached day (no row for live interactions). NOT INDEXED: the rows
# past the mark, found by rowid, not a scan of a whole index that happens to be in GROUP
# BY order (the planner's choice otherwise: a read of every interaction at every flush).
NEW_INTERACTIONS_EARLIEST = """
SELECT new.guild_id, new.at FROM (
    SELECT guild_id, min(created_at) AS at FROM interactions NOT INDEXED WHERE rowid > :mark
    GROUP BY guild_id) AS new
WHERE new.at < (SELECT max(end_at) FROM activity_days WHERE guild_id = new.guild_id)
"""

# The pairs of the interactions written since the mark, as migration 0002 builds them
# (NOT INDEXED: as above). A pair already known from earlier keeps its row unwritten.
CONNECTIONS_FROM_NEW = """
INSERT INTO connections (guild_id, a, b, first_at)
SELECT guild_id, min(source_id, target_id), max(source_id, target_id), min(created_at)
FROM interactions NOT INDEXED WHERE rowid > :mark
GROUP BY guild_id, min(source_id, target_id), max(source_id, target_id)
ON CONFLICT (guild_id, a, b) DO UPDATE SET first_at = excluded.first_at
    WHERE excluded.first_at < connections.first_at
"""

# The cached days of :guild_id that end after :at (their member_days go by cascade).
DAYS_STALE = "DELETE FROM activity_days WHERE guild_id = :guild_id AND end_at > :at"


@dataclass(slots=True)
class Written:
    """What one transaction wrote, for the statements run at its end.

    Use: :meth:`start` with the marks read before the first write (``mark`` from
    :data:`INTERACTIONS_MARK`); :meth:`messages_to_check` and :meth:`stored_before` for
    messages that may be dated before a cached day's end; :meth:`interactions_removed`
    after a write that may delete interactions; then :meth:`stale_days` at the end.
    """

    mark: int
    # Messages written by the transaction that may fall before a cached day's end, by id,
    # and those of them that were stored already (inserting them again changes nothing).
    candidates: list[int] = field(default_factory=list)
    stored: list[int] = field(default_factory=list)
    # Every message written by the transaction, by id (a JSON list), for the rollups.
    written_ids: str | None = None
    # Messages the transaction edited or deleted, by id (a JSON list), for the rollups.
    edited_ids: str | None = None
    # The newest message written by the transaction, per guild: the bot's flush rolls
    # up a day once it has ended (bot/store/activity.py, ``roll_up_ended_day``).
    newest: dict[int, str] = field(default_factory=dict)

    def interactions_removed(self, mark: int) -> None:
        """Interactions may have been deleted: ``mark`` is the largest rowid now."""
        self.mark = min(self.mark, mark)

    @staticmethod
    def guilds_of(messages: Iterable[Mapping[str, Any]]) -> str:
        """Parameter of :data:`LATEST_DAY_ENDS`: the guilds of the messages."""
        return json.dumps(sorted({int(row["guild_id"]) for row in messages}))

    def messages_to_check(
        self, messages: Iterable[Mapping[str, Any]], day_ends: Iterable[Any]
    ) -> str | None:
        """Of the messages about to be written, those dated before their guild's latest
        cached day's end (none, for live messages): the JSON parameter of
        :data:`STORED_MESSAGES`, or None when there is nothing to check."""
        messages = list(messages)
        self.written_ids = json.dumps([int(row["message_id"]) for row in messages])
        for row in messages:
            guild, time = int(row["guild_id"]), row["created_at"]
            if guild not in self.newest or time > self.newest[guild]:
                self.newest[guild] = time
        ends = {int(guild): end for guild, end in day_ends if end is not None}
        self.candidates = [
            int(row["message_id"])
            for row in messages
            if (end := ends.get(int(row["guild_id"]))) is not None and row["created_at"] < end
        ]
        return json.dumps(self.candidates) if self.candidates else None

    def stored_before(self, ids: Iterable[Any]) -> None:
        """The rows of :data:`STORED_MESSAGES`, read before the messages are written."""
        self.stored = [int(row[0]) for row in ids]

    def new_messages_query(self) -> dict[str, str] | None:
        """Parameters of :data:`NEW_MESSAGES_EARLIEST`, or None when none can be stale."""
        if not self.candidates:
            return None
        return {"ids": json.dumps(self.candidates), "before": json.dumps(self.stored)}

    def edited(self, ids: Iterable[int]) -> None:
        """The messages the transaction edits or deletes (their interactions and mentions
        may change), for :meth:`rollups`."""
        found = sorted(set(ids))
        self.edited_ids = json.dumps(found) if found else None

    def rollups(self) -> list[tuple[str, dict[str, Any]]]:
        """The statements (with their parameters) that keep the write-time rollups, to
        run in order at the transaction's end, after the others: they mark the members
        whose first message may have changed (bot/store/firsts.py) and the first
        responses that may have (bot/store/response_rollup.py). None needs a per-author
        index (an import may have dropped it): the marks are computed again by the bot's
        flush (:func:`bot.store.response_rollup.refresh_at_flush`) or before the next
        summary."""
        ids = self.written_ids if self.written_ids is not None else "[]"
        statements: list[tuple[str, dict[str, Any]]] = []
        if self.written_ids is not None:
            statements.append((firsts.MARK_AUTHORS, {"ids": ids}))
        statements.append((response_rollup.MARK_FROM_WRITTEN, {"ids": ids, "mark": self.mark}))
        if self.edited_ids is not None:
            statements.append((response_rollup.MARK_FROM_EDITS, {"ids": self.edited_ids}))
        return statements

    @staticmethod
    def stale_days(*earliest: Iterable[Any]) -> list[dict[str, Any]]:
        """Parameters of :data:`DAYS_STALE`, one per guild, from the rows of
        :data:`NEW_INTERACTIONS_EARLIEST` and :data:`NEW_MESSAGES_EARLIEST`."""
        at: dict[int, str] = {}
        for rows in earliest:
            for guild, time in rows:
                if time is not None and (int(guild) not in at or time < at[int(guild)]):
                    at[int(guild)] = time
        return [{"guild_id": guild, "at": time} for guild, time in sorted(at.items())]
