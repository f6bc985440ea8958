"""Timers are rows, not sleeps: each pending reminder or digest is one row with its due time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.clock import from_db_time, to_db_time, utcnow
from bot.store.connection import fetch_one

if TYPE_CHECKING:
    from collections.abc import Iterable

    from bot.store.connection import Access


@dataclass(frozen=True, slots=True)
class Timer:
    """One stored timer: what it is for, where, when it falls due, and its event data."""

    timer_id: int
    kind: str
    guild_id: int | None
    due_at: datetime
    payload: dict[str, Any]


def _timer(row: Iterable[Any]) -> Timer:
    timer_id, kind, guild_id, due_at, payload = row
    return Timer(
        timer_id=int(timer_id),
        kind=str(kind),
        guild_id=None if guild_id is None else int(guild_id),
        due_at=from_db_time(due_at),
        payload=json.loads(payload),
    )


class TimerQueries:
    """Schedules, reads and removes timers; at most one per kind and guild."""

    def __init__(self, reading: Access, writing: Access) -> None:
        self._reading = reading
        self._writing = writing

    async def schedule(
        self, kind: str, guild_id: int | None, due_at: datetime, payload: dict[str, Any]
    ) -> Timer:
        """Store a timer, replacing any timer of the same kind for the same guild."""
        due_text = to_db_time(due_at)
        payload_text = json.dumps(payload)
        params = {
            "kind": kind,
            "guild_id": guild_id,
            "due_at": due_text,
            "payload": payload_text,
            "created_at": to_db_time(utcnow()),
        }
        async with self._writing() as db:
            # ``IS`` rather than ``=``: a guild-less timer has a NULL guild_id, and
            # the unique index treats NULLs as distinct, so ON CONFLICT never fires.
            await db.execute(
                "DELETE FROM timers WHERE kind = :kind AND guild_id IS :guild_id", params
            )
            cursor = await db.execute(
                """INSERT INTO timers (kind, guild_id, due_at, payload, created_at)
                   VALUES (:kind, :guild_id, :due_at, :payload, :created_at)""",
                params,
            )
            timer_id = cursor.lastrowid
        assert timer_id is not None  # an INSERT always sets it
        return Timer(
            timer_id=timer_id,
            kind=kind,
            guild_id=guild_id,
            due_at=from_db_time(due_text),
            payload=json.loads(payload_text),
        )

    async def cancel(self, kind: str, guild_id: int | None) -> bool:
        """Remove the timer of this kind for this guild; whether there was one."""
        async with self._writing() as db:
            cursor = await db.execute(
                "DELETE FROM timers WHERE kind = ? AND guild_id IS ?", (kind, guild_id)
            )
            return cursor.rowcount > 0

    async def get(self, kind: str, guild_id: int | None) -> Timer | None:
        """The timer of this kind for this guild, if one is scheduled."""
        async with self._reading() as db:
            row = await fetch_one(
                db,
                """SELECT timer_id, kind, guild_id, due_at, payload FROM timers
                   WHERE kind = ? AND guild_id IS ?""",
                (kind, guild_id),
            )
        return None if row is None else _timer(row)

    async def earliest(self) -> Timer | None:
        """The timer that falls due first, if any."""
        async with self._reading() as db:
            row = await fetch_one(
                db,
                """SELECT timer_id, kind, guild_id, due_at, payload FROM timers
                   ORDER BY due_at, timer_id LIMIT 1""",
            )
        return None if row is None else _timer(row)

    async def pop_due(self, now: datetime) -> Timer | None:
        """Remove and return the oldest timer due at or before ``now``, if any.

        For the dispatcher: reading and deleting in one statement means the timer
        it fires is exactly the row it removed, even if a command replaced or
        cancelled the timer a moment before (ids may be reused, so a separate
        read then delete-by-id could remove a newer timer and fire a stale one).
        """
        async with self._writing() as db:
            cursor = await db.execute(
                """DELETE FROM timers WHERE timer_id =
                       (SELECT timer_id FROM timers WHERE due_at <= ?
                        ORDER BY due_at, timer_id LIMIT 1)
                   RETURNING timer_id, kind, guild_id, due_at, payload""",
                (to_db_time(now),),
            )
            row = await cursor.fetchone()
            await cursor.close()
        return None if row is None else _timer(row)
