"""The running bot's heartbeat, and the checks ``ascolto health`` makes on the file.

The bot writes the one ``heartbeat`` row through the store; the health check reads
it, and tries to take the write lock, with a plain ``sqlite3`` connection of its own,
so that it works from another process (a container's HEALTHCHECK) in a second.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import from_db_time, to_db_time

if TYPE_CHECKING:
    from bot.store.connection import Access

HEALTH_BUSY_MS = 2000


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """What the bot last said about itself."""

    at: datetime
    state: str  # 'connected', 'reconnecting' or 'stopped'
    last_flush_at: datetime | None
    pid: int | None


class HeartbeatQueries:
    """The bot's side: write the heartbeat."""

    def __init__(self, transaction: Access) -> None:
        # The bare transaction, never one that flushes first: the heartbeat reports
        # when the flush loop last ran, and must not run a flush itself.
        self._transaction = transaction

    async def beat(
        self, now: datetime, state: str, last_flush_at: datetime | None, pid: int
    ) -> None:
        """Say that the bot is alive (or stopped), and when it last flushed."""
        async with self._transaction() as db:
            await db.execute(
                """INSERT INTO heartbeat (id, at, state, last_flush_at, pid)
                   VALUES (1, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET at = excluded.at, state = excluded.state,
                       last_flush_at = excluded.last_flush_at, pid = excluded.pid""",
                (to_db_time(now), state, _text(last_flush_at), pid),
            )


def read_heartbeat(path: Path) -> Heartbeat | None:
    """The heartbeat in a database file, if the bot ever wrote one (read-only)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        db.execute(f"PRAGMA busy_timeout = {HEALTH_BUSY_MS}")
        row = db.execute(
            "SELECT at, state, last_flush_at, pid FROM heartbeat WHERE id = 1"
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    finally:
        db.close()
    if row is None:
        return None
    at, state, flushed, pid = row
    return Heartbeat(from_db_time(at), str(state), _time(flushed), pid)


def check_writable(path: Path) -> None:
    """Take the write lock and give it back; raises sqlite3.Error when that fails."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout = {HEALTH_BUSY_MS}")
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    finally:
        db.close()


def _text(moment: datetime | None) -> str | None:
    return None if moment is None else to_db_time(moment)


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_db_time(text)
