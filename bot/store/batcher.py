"""Write-behind batching: gateway handlers queue writes, a flush commits them together.

A :class:`Write` is a named group of SQL statements run for each queued row (a dict
of named parameters). At flush time the queued rows are written in one
transaction, each statement with ``executemany`` over as many rows as possible:

* *append* writes (``rank`` set) only add rows and never undo each other, so all
  queued rows of one append write run together, appends in rank order (a message
  before the interactions that look it up);
* *ordered* writes (``rank`` None: edits, deletions, reactions added and removed)
  run after the appends, in the order they were queued within their ``lane``;
  consecutive rows of the same write share one ``executemany``. Lanes touch
  disjoint tables (members, conversations), so keeping them apart only saves
  ``executemany`` calls: a rename no longer splits a run of reactions.

Writes marked ``reported`` (messages posted, edited, deleted) are also kept, once
committed, for :meth:`WriteBatcher.take_written`: work that follows from them (reply
inference) runs after the flush instead of on the gateway's path.

What follows from the flush as a whole (the ``connections`` of the new interactions,
the cached days they make stale) is written by a few statements at its end, in its
transaction (bot/store/derived.py), not by triggers row by row.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import utcnow
from bot.store import activity, answers_checked, derived, response_rollup
from bot.store.connection import is_busy

log = logging.getLogger(__name__)

Row = Mapping[str, Any]
TransactionFactory = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]

# A queue this many times flush_max_events long means the disk is not keeping up
# (or the event loop never lets the database thread run): worth a warning.
_BACKLOG_WARNING_FACTOR = 50

# After this many failed attempts in a row, the batch is written one row at a time
# so that a single bad row cannot hold every other write back for ever.
_ISOLATE_AFTER_FAILURES = 3

# Reported rows kept for take_written at most: nobody taking them (a command-line tool
# with a store of its own) must not grow memory without end.
_MAX_REPORTED = 100_000


@dataclass(frozen=True, slots=True)
class Write:
    """SQL statements applied to each queued row; see the module docstring for ``rank``."""

    name: str
    statements: tuple[str, ...]
    rank: int | None = None
    lane: str = "conversations"
    reported: bool = False
    # The row's key holding the time of something that may answer an open item (a
    # message, with its replies and mentions): the flush moves the reminder pass's mark
    # back to the earliest such time if it is older (bot/store/answers_checked.py).
    answers_at: str | None = None
    # Rows are messages inserted (keys message_id, guild_id, created_at): a late-dated
    # one makes cached days stale (bot/store/derived.py).
    new_messages: bool = False
    # The statements may delete interactions (bot/store/derived.py: the mark is taken
    # again after them).
    removes_interactions: bool = False


class WriteBatcher:
    """Queues writes without touching the disk; :meth:`flush` commits them."""

    def __init__(
        self,
        transaction: TransactionFactory,
        *,
        max_pending: int,
        on_full: Callable[[], None],
    ) -> None:
        self._transaction = transaction
        self._max_pending = max_pending
        self._on_full = on_full
        self._pending: list[tuple[Write, Row]] = []
        self._flush_lock = asyncio.Lock()
        self._failures = 0
        self.last_flush_at: datetime | None = None
        self._flush_requested = False
        self._written: list[tuple[Write, Row]] = []

    @property
    def pending(self) -> int:
        """How many rows wait for the next flush."""
        return len(self._pending)

    def add(self, write: Write, row: Row) -> None:
        """Queue one row; never waits. Asks for a flush when the queue is full."""
        self._pending.append((write, row))
        if len(self._pending) >= self._max_pending and not self._flush_requested:
            self._flush_requested = True
            self._on_full()
        elif len(self._pending) == self._max_pending * _BACKLOG_WARNING_FACTOR:
            log.warning("%d writes are waiting for the database; flushes fall behind", self.pending)

    async def flush(self) -> int:
        """Write every queued row in one transaction; returns how many were written.

        On failure the rows go back to the front of the queue for the next flush,
        and the error is logged: nothing is dropped silently.
        """
        async with self._flush_lock:
            batch, self._pending = self._pending, []
            self._flush_requested = False
            if not batch:
                self.last_flush_at = utcnow()
                return 0
            try:
                if self._failures >= _ISOLATE_AFTER_FAILURES:
                    written = await self._write_isolated(batch)
                else:
                    async with self._transaction() as db:
                        await _write_batch(db, batch)
                    written = len(batch)
            except BaseException as exc:
                # Cancelled or failed: the rows go back to the front of the queue.
                self._pending[:0] = batch
                if is_busy(exc):
                    # Another process (an import) holds the file: nothing is wrong
                    # with these rows, so they wait whole for the next flush.
                    self._flush_requested = True
                    log.warning(
                        "the database is busy (another process is writing to it, such as "
                        "an import): %d writes wait for the next flush",
                        len(batch),
                    )
                elif isinstance(exc, Exception):
                    # Retry on the next periodic flush, not on every new row.
                    self._flush_requested = True
                    self._failures += 1
                    log.exception(
                        "flush of %d writes failed (attempt %d); they stay queued for a retry",
                        len(batch),
                        self._failures,
                    )
                raise
            self._failures = 0
            self.last_flush_at = utcnow()
            self._report(batch)
            return written

    def take_written(self) -> list[tuple[Write, Row]]:
        """The reported rows committed since the last call, in the order queued."""
        taken, self._written = self._written, []
        return taken

    def _report(self, batch: list[tuple[Write, Row]]) -> None:
        self._written.extend(item for item in batch if item[0].reported)
        if len(self._written) > _MAX_REPORTED:
            log.warning(
                "%d committed writes were never taken for follow-up work; the oldest are dropped",
                len(self._written) - _MAX_REPORTED,
            )
            del self._written[:-_MAX_REPORTED]

    async def _write_isolated(self, batch: list[tuple[Write, Row]]) -> int:
        """Write row by row; a row that still fails is logged by name and set aside."""
        written = 0
        async with self._transaction() as db:
            kept = await _derived_start(db, batch)
            for write, row in batch:
                try:
                    await db.execute("SAVEPOINT one_row")
                    for statement in write.statements:
                        await db.execute(statement, row)
                    await db.execute("RELEASE one_row")
                    written += 1
                except Exception:
                    await db.execute("ROLLBACK TO one_row")
                    await db.execute("RELEASE one_row")
                    log.exception("a %s write failed every attempt; set aside", write.name)
                if write.removes_interactions:
                    kept.interactions_removed(await _fetch_int(db, derived.INTERACTIONS_MARK))
            await _derived_end(db, kept)
            await _answers_written(db, batch)
        return written


async def _write_batch(db: aiosqlite.Connection, batch: list[tuple[Write, Row]]) -> None:
    written = await _derived_start(db, batch)
    for write, rows in plan(batch):
        for statement in write.statements:
            await db.executemany(statement, rows)
        if write.removes_interactions:
            written.interactions_removed(await _fetch_int(db, derived.INTERACTIONS_MARK))
    await _derived_end(db, written)
    await _answers_written(db, batch)


async def _fetch_int(db: aiosqlite.Connection, sql: str) -> int:
    async with db.execute(sql) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def _derived_start(
    db: aiosqlite.Connection, batch: list[tuple[Write, Row]]
) -> derived.Written:
    """Before the batch's first write: the marks its end needs (bot/store/derived.py)."""
    written = derived.Written(await _fetch_int(db, derived.INTERACTIONS_MARK))
    # Edits and deletions (reported writes that insert nothing) may change responses.
    written.edited(
        int(row["message_id"])
        for write, row in batch
        if write.reported and not write.new_messages and "message_id" in row
    )
    messages = [row for write, row in batch if write.new_messages]
    if messages:
        guilds = {"guilds": derived.Written.guilds_of(messages)}
        async with db.execute(derived.LATEST_DAY_ENDS, guilds) as cursor:
            ends = await cursor.fetchall()
        if (ids := written.messages_to_check(messages, ends)) is not None:
            async with db.execute(derived.STORED_MESSAGES, {"ids": ids}) as cursor:
                written.stored_before(await cursor.fetchall())
    return written


async def _derived_end(db: aiosqlite.Connection, written: derived.Written) -> None:
    """After the batch's last write: connections and stale cached days, set-based."""
    mark = {"mark": written.mark}
    await db.execute(derived.CONNECTIONS_FROM_NEW, mark)
    async with db.execute(derived.NEW_INTERACTIONS_EARLIEST, mark) as cursor:
        interactions = await cursor.fetchall()
    messages: list[Any] = []
    if (query := written.new_messages_query()) is not None:
        async with db.execute(derived.NEW_MESSAGES_EARLIEST, query) as cursor:
            messages = list(await cursor.fetchall())
    if stale := derived.Written.stale_days(interactions, messages):
        await db.executemany(derived.DAYS_STALE, stale)
    for sql, params in written.rollups():
        await db.execute(sql, params)
    await response_rollup.refresh_at_flush(db)
    for guild_id, newest in sorted(written.newest.items()):
        await activity.roll_up_ended_day(db, guild_id, newest)


async def _answers_written(db: aiosqlite.Connection, batch: list[tuple[Write, Row]]) -> None:
    """Move the reminder pass's mark back to the batch's earliest possible answer: one
    statement per flush, a no-op for live messages (newer than the last check)."""
    at = min(
        (row[write.answers_at] for write, row in batch if write.answers_at is not None),
        default=None,
    )
    if at is not None:
        await db.execute(answers_checked.WRITTEN_AT, {"at": at})


def plan(batch: list[tuple[Write, Row]]) -> list[tuple[Write, list[Row]]]:
    """Group a batch into (write, rows) runs in the order they must execute."""
    appends: dict[Write, list[Row]] = {}
    lanes: dict[str, list[tuple[Write, list[Row]]]] = {}
    for write, row in batch:
        if write.rank is not None:
            appends.setdefault(write, []).append(row)
            continue
        runs = lanes.setdefault(write.lane, [])
        if runs and runs[-1][0] is write:
            runs[-1][1].append(row)
        else:
            runs.append((write, [row]))
    ranked = sorted(appends.items(), key=lambda item: item[0].rank or 0)
    return ranked + [run for runs in lanes.values() for run in runs]
