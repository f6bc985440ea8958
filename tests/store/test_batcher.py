"""Write-behind batching: queue without disk, flush in one transaction, never drop a row."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.store import Store
from bot.store.batcher import Row, TransactionFactory, Write, WriteBatcher, plan

AT = "2026-01-31T18:04:05.123Z"

# Appends (rank set) and ordered writes (rank None) on the real ``guilds`` table.
GUILD_ADDED = Write(
    "guild_added",
    ("INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (:guild_id, :name, :at)",),
    rank=0,
)
GUILD_ADDED_IN_ORDER = Write(
    "guild_added_in_order",
    ("INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (:guild_id, :name, :at)",),
)
GUILD_RENAMED = Write(
    "guild_renamed", ("UPDATE guilds SET name = :name WHERE guild_id = :guild_id",)
)


def guild(guild_id: int, name: str = "g", at: str | None = AT) -> dict[str, Any]:
    return {"guild_id": guild_id, "name": name, "at": at}


def guilds_on_disk(path: Path) -> list[tuple[int, str]]:
    """What another process would read from the file right now."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT guild_id, name FROM guilds ORDER BY guild_id").fetchall()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "batcher.db", flush_max_events=100)
    await opened.open()
    yield opened
    await opened.close()


def batcher_on(factory: TransactionFactory, max_pending: int = 100) -> WriteBatcher:
    return WriteBatcher(factory, max_pending=max_pending, on_full=lambda: None)


# plan(): appends by rank, then ordered writes in queue order


def rows_of(runs: list[tuple[Write, list[Row]]]) -> list[tuple[str, list[Any]]]:
    return [(write.name, [row["n"] for row in rows]) for write, rows in runs]


APPEND_1 = Write("append_1", ("-- a1",), rank=1)
APPEND_2 = Write("append_2", ("-- a2",), rank=2)
APPEND_0 = Write("append_0", ("-- a0",), rank=0)
ORDERED_A = Write("ordered_a", ("-- oa",))
ORDERED_B = Write("ordered_b", ("-- ob",))


def test_plan_of_empty_batch_is_empty() -> None:
    assert plan([]) == []


def test_plan_runs_appends_by_rank_before_ordered_writes() -> None:
    batch: list[tuple[Write, Row]] = [
        (ORDERED_A, {"n": 1}),
        (APPEND_2, {"n": 2}),
        (APPEND_1, {"n": 3}),
        (APPEND_0, {"n": 4}),
    ]

    assert rows_of(plan(batch)) == [
        ("append_0", [4]),
        ("append_1", [3]),
        ("append_2", [2]),
        ("ordered_a", [1]),
    ]


def test_plan_groups_every_row_of_one_append_write() -> None:
    batch: list[tuple[Write, Row]] = [
        (APPEND_2, {"n": 1}),
        (APPEND_1, {"n": 2}),
        (APPEND_2, {"n": 3}),
        (APPEND_1, {"n": 4}),
    ]

    assert rows_of(plan(batch)) == [("append_1", [2, 4]), ("append_2", [1, 3])]


def test_plan_keeps_queue_order_between_appends_of_equal_rank() -> None:
    other_rank_1 = Write("other_rank_1", ("-- x",), rank=1)
    batch: list[tuple[Write, Row]] = [
        (other_rank_1, {"n": 1}),
        (APPEND_1, {"n": 2}),
        (other_rank_1, {"n": 3}),
    ]

    assert rows_of(plan(batch)) == [("other_rank_1", [1, 3]), ("append_1", [2])]


def test_plan_keeps_each_lane_in_order_without_splitting_the_others() -> None:
    member_write = Write("member_write", ("-- m",), lane="members")
    batch: list[tuple[Write, Row]] = [
        (ORDERED_A, {"n": 1}),
        (member_write, {"n": 2}),
        (ORDERED_A, {"n": 3}),
        (member_write, {"n": 4}),
        (ORDERED_B, {"n": 5}),
    ]

    assert rows_of(plan(batch)) == [
        ("ordered_a", [1, 3]),
        ("ordered_b", [5]),
        ("member_write", [2, 4]),
    ]


def test_plan_keeps_ordered_writes_in_queue_order_coalescing_runs() -> None:
    batch: list[tuple[Write, Row]] = [
        (ORDERED_A, {"n": 1}),
        (ORDERED_A, {"n": 2}),
        (ORDERED_B, {"n": 3}),
        (ORDERED_A, {"n": 4}),
        (ORDERED_B, {"n": 5}),
        (ORDERED_B, {"n": 6}),
    ]

    assert rows_of(plan(batch)) == [
        ("ordered_a", [1, 2]),
        ("ordered_b", [3]),
        ("ordered_a", [4]),
        ("ordered_b", [5, 6]),
    ]


def test_plan_coalesces_ordered_rows_separated_only_by_appends() -> None:
    batch: list[tuple[Write, Row]] = [
        (ORDERED_A, {"n": 1}),
        (APPEND_1, {"n": 2}),
        (ORDERED_A, {"n": 3}),
    ]

    assert rows_of(plan(batch)) == [("append_1", [2]), ("ordered_a", [1, 3])]


# add() and flush()


async def test_add_queues_without_touching_the_file(store: Store) -> None:
    store.batcher.add(GUILD_ADDED, guild(1))
    store.batcher.add(GUILD_ADDED, guild(2))

    assert store.batcher.pending == 2
    assert guilds_on_disk(store.path) == []


async def test_add_never_opens_a_transaction() -> None:
    opened: list[str] = []

    @asynccontextmanager
    async def recording() -> AsyncIterator[aiosqlite.Connection]:
        opened.append("transaction")
        raise AssertionError("add() must not open a transaction")
        yield  # pragma: no cover

    batcher = batcher_on(recording, max_pending=10)
    for n in range(9):
        batcher.add(GUILD_ADDED, guild(n))

    assert opened == []
    assert batcher.pending == 9


async def test_flush_writes_the_whole_batch_in_one_transaction(store: Store) -> None:
    transactions = 0

    @asynccontextmanager
    async def counting() -> AsyncIterator[aiosqlite.Connection]:
        nonlocal transactions
        transactions += 1
        async with store.transaction() as db:
            yield db

    batcher = batcher_on(counting)
    batcher.add(GUILD_ADDED, guild(1, "one"))
    batcher.add(GUILD_RENAMED, guild(1, "renamed"))
    batcher.add(GUILD_ADDED, guild(2, "two"))

    written = await batcher.flush()

    assert written == 3
    assert transactions == 1
    assert batcher.pending == 0
    assert guilds_on_disk(store.path) == [(1, "renamed"), (2, "two")]


async def test_flush_with_nothing_queued_writes_nothing(store: Store) -> None:
    assert await store.flush() == 0


async def test_flush_runs_appends_before_ordered_writes(store: Store) -> None:
    store.batcher.add(GUILD_RENAMED, guild(1, "renamed"))
    store.batcher.add(GUILD_ADDED, guild(1, "added"))

    await store.flush()

    assert guilds_on_disk(store.path) == [(1, "renamed")]


async def test_flush_is_all_or_nothing(store: Store) -> None:
    store.batcher.add(GUILD_ADDED, guild(1, "good"))
    store.batcher.add(GUILD_ADDED, guild(2, "bad", at=None))

    with pytest.raises(sqlite3.IntegrityError):
        await store.flush()

    assert guilds_on_disk(store.path) == []


# A full queue flushes by itself


async def test_full_queue_asks_for_a_flush_exactly_when_it_fills() -> None:
    calls: list[int] = []

    @asynccontextmanager
    async def unused() -> AsyncIterator[aiosqlite.Connection]:
        raise AssertionError("no flush expected")
        yield  # pragma: no cover

    batcher = WriteBatcher(unused, max_pending=3, on_full=lambda: calls.append(1))
    batcher.add(GUILD_ADDED, guild(1))
    batcher.add(GUILD_ADDED, guild(2))
    assert calls == []

    batcher.add(GUILD_ADDED, guild(3))

    assert calls == [1]


async def test_store_flushes_by_itself_when_flush_max_events_is_reached(tmp_path: Path) -> None:
    store = Store(tmp_path / "full.db", flush_max_events=3)
    await store.open()
    try:
        before = asyncio.all_tasks()
        store.batcher.add(GUILD_ADDED, guild(1))
        store.batcher.add(GUILD_ADDED, guild(2))
        assert asyncio.all_tasks() == before

        store.batcher.add(GUILD_ADDED, guild(3))
        scheduled = asyncio.all_tasks() - before
        assert len(scheduled) == 1
        await asyncio.gather(*scheduled)

        assert store.batcher.pending == 0
        assert guilds_on_disk(store.path) == [(1, "g"), (2, "g"), (3, "g")]
    finally:
        await store.close()


# close()


async def test_close_writes_what_is_still_queued(tmp_path: Path) -> None:
    store = Store(tmp_path / "close.db")
    await store.open()
    store.batcher.add(GUILD_ADDED, guild(1, "queued"))

    await store.close()

    assert not store.is_open
    assert guilds_on_disk(tmp_path / "close.db") == [(1, "queued")]


async def test_close_waits_for_a_background_flush(tmp_path: Path) -> None:
    store = Store(tmp_path / "close.db", flush_max_events=2)
    await store.open()
    store.batcher.add(GUILD_ADDED, guild(1))
    store.batcher.add(GUILD_ADDED, guild(2))
    store.batcher.add(GUILD_ADDED, guild(3))

    await store.close()

    assert guilds_on_disk(tmp_path / "close.db") == [(1, "g"), (2, "g"), (3, "g")]


# Failures: logged, kept, retried; a bad row is set aside after three attempts


def fail_first(store: Store, failures: int = 1) -> TransactionFactory:
    """The store's transaction, except that the first ``failures`` attempts raise."""
    attempts = 0

    @asynccontextmanager
    async def flaky() -> AsyncIterator[aiosqlite.Connection]:
        nonlocal attempts
        attempts += 1
        if attempts <= failures:
            raise OSError("disk I/O error (injected)")
        async with store.transaction() as db:
            yield db

    return flaky


async def test_failed_flush_is_logged_and_keeps_the_rows(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    batcher = batcher_on(fail_first(store))
    batcher.add(GUILD_ADDED, guild(1))
    batcher.add(GUILD_ADDED, guild(2))

    with (
        caplog.at_level(logging.ERROR, logger="bot.store.batcher"),
        pytest.raises(OSError, match="injected"),
    ):
        await batcher.flush()

    assert batcher.pending == 2
    assert guilds_on_disk(store.path) == []
    [record] = [r for r in caplog.records if r.name == "bot.store.batcher"]
    assert record.levelno == logging.ERROR
    assert "2 writes" in record.getMessage()
    assert "attempt 1" in record.getMessage()
    assert record.exc_info is not None


async def test_next_flush_writes_the_rows_of_a_failed_one(store: Store) -> None:
    batcher = batcher_on(fail_first(store))
    batcher.add(GUILD_ADDED, guild(1))
    batcher.add(GUILD_ADDED, guild(2))
    with pytest.raises(OSError):
        await batcher.flush()

    written = await batcher.flush()

    assert written == 2
    assert batcher.pending == 0
    assert guilds_on_disk(store.path) == [(1, "g"), (2, "g")]


async def test_failed_rows_stay_ahead_of_rows_queued_during_the_flush(store: Store) -> None:
    attempts = 0

    @asynccontextmanager
    async def event_arrives_then_fails() -> AsyncIterator[aiosqlite.Connection]:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            batcher.add(GUILD_RENAMED, guild(1, "second"))
            raise OSError("disk I/O error (injected)")
        async with store.transaction() as db:
            yield db

    batcher = batcher_on(event_arrives_then_fails)
    batcher.add(GUILD_ADDED_IN_ORDER, guild(1, "first"))
    with pytest.raises(OSError):
        await batcher.flush()

    await batcher.flush()

    assert guilds_on_disk(store.path) == [(1, "second")]


async def test_two_failures_then_success_writes_everything_together(store: Store) -> None:
    batcher = batcher_on(fail_first(store, failures=2))
    batcher.add(GUILD_ADDED, guild(1))
    for _ in range(2):
        with pytest.raises(OSError):
            await batcher.flush()
    batcher.add(GUILD_ADDED, guild(2))

    assert await batcher.flush() == 2
    assert guilds_on_disk(store.path) == [(1, "g"), (2, "g")]


async def test_bad_row_blocks_its_batch_for_three_attempts(store: Store) -> None:
    store.batcher.add(GUILD_ADDED, guild(1, "good"))
    store.batcher.add(GUILD_ADDED, guild(2, "bad", at=None))

    for _ in range(3):
        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
            await store.flush()
        assert store.batcher.pending == 2

    assert guilds_on_disk(store.path) == []


async def test_after_three_failures_only_the_bad_row_is_set_aside(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.batcher.add(GUILD_ADDED, guild(1, "good"))
    store.batcher.add(GUILD_ADDED, guild(2, "bad", at=None))
    store.batcher.add(GUILD_RENAMED, guild(1, "good, renamed"))
    for _ in range(3):
        with pytest.raises(sqlite3.IntegrityError):
            await store.flush()
    caplog.clear()

    with caplog.at_level(logging.ERROR, logger="bot.store.batcher"):
        await store.flush()

    assert store.batcher.pending == 0
    assert guilds_on_disk(store.path) == [(1, "good, renamed")]
    [record] = [r for r in caplog.records if r.name == "bot.store.batcher"]
    assert record.levelno == logging.ERROR
    assert "guild_added" in record.getMessage()
    assert "set aside" in record.getMessage()


async def test_after_a_set_aside_flush_batches_are_whole_again(store: Store) -> None:
    store.batcher.add(GUILD_ADDED, guild(2, "bad", at=None))
    for _ in range(3):
        with pytest.raises(sqlite3.IntegrityError):
            await store.flush()
    await store.flush()
    store.batcher.add(GUILD_ADDED, guild(1, "good"))
    store.batcher.add(GUILD_ADDED, guild(3, "bad", at=None))

    with pytest.raises(sqlite3.IntegrityError):
        await store.flush()

    assert store.batcher.pending == 2
    assert guilds_on_disk(store.path) == []


async def test_cancelled_flush_keeps_the_rows_for_the_next_flush(store: Store) -> None:
    inside = asyncio.Event()
    never = asyncio.Event()
    attempts = 0

    @asynccontextmanager
    async def stalls_once() -> AsyncIterator[aiosqlite.Connection]:
        nonlocal attempts
        attempts += 1
        async with store.transaction() as db:
            if attempts == 1:
                inside.set()
                await never.wait()
            yield db

    batcher = batcher_on(stalls_once)
    batcher.add(GUILD_ADDED, guild(1))
    batcher.add(GUILD_ADDED, guild(2))
    flushing = asyncio.get_running_loop().create_task(batcher.flush())
    await inside.wait()

    flushing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await flushing
    assert batcher.pending == 2
    assert guilds_on_disk(store.path) == []

    assert await batcher.flush() == 2
    assert guilds_on_disk(store.path) == [(1, "g"), (2, "g")]


# Reported writes: kept for the work that follows a flush (reply inference)

GUILD_REPORTED = Write(
    "guild_reported",
    ("INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (:guild_id, :name, :at)",),
    rank=0,
    reported=True,
)


async def test_reported_writes_are_handed_over_once_after_they_commit(store: Store) -> None:
    batcher = batcher_on(store.transaction)
    batcher.add(GUILD_REPORTED, guild(1))
    batcher.add(GUILD_ADDED, guild(2))
    assert batcher.take_written() == []  # not written yet

    await batcher.flush()

    assert batcher.take_written() == [(GUILD_REPORTED, guild(1))]
    assert batcher.take_written() == []


async def test_a_failed_flush_reports_nothing(store: Store) -> None:
    batcher = batcher_on(store.transaction)
    batcher.add(GUILD_REPORTED, guild(1, at=None))  # first_seen_at is NOT NULL

    with pytest.raises(sqlite3.IntegrityError):
        await batcher.flush()

    assert batcher.take_written() == []
