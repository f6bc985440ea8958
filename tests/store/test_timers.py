"""Timer rows: one per kind and guild, read back oldest first, payloads kept as JSON."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.timers import Timer, TimerQueries

NOON = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "timers.db")
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def timers(store: Store) -> TimerQueries:
    return store.timers


def rows_on_disk(path: Path) -> list[tuple[str, int | None, str, str]]:
    """What another process would read from the file right now."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(
            "SELECT kind, guild_id, due_at, payload FROM timers ORDER BY timer_id"
        ).fetchall()


async def test_a_scheduled_timer_is_stored_and_returned(store: Store, timers: TimerQueries) -> None:
    timer = await timers.schedule("digest", 7, NOON, {"day": "2026-01-31"})

    assert timer == Timer(timer.timer_id, "digest", 7, NOON, {"day": "2026-01-31"})
    assert await timers.get("digest", 7) == timer
    assert rows_on_disk(store.path) == [
        ("digest", 7, "2026-01-31T12:00:00.000Z", '{"day": "2026-01-31"}')
    ]


async def test_payloads_round_trip_through_json(timers: TimerQueries) -> None:
    payload = {
        "channel_id": 1234567890123456789,
        "names": ["Ànna", "李"],
        "nested": {"ok": True, "ratio": 0.5, "none": None},
    }
    await timers.schedule("reminder", 1, NOON, payload)

    stored = await timers.get("reminder", 1)

    assert stored is not None
    assert stored.payload == payload


async def test_due_times_are_kept_in_utc_to_the_millisecond(timers: TimerQueries) -> None:
    rome = timezone(timedelta(hours=1))
    timer = await timers.schedule("digest", 1, datetime(2026, 1, 31, 14, 0, 0, 123456, rome), {})

    assert timer.due_at == datetime(2026, 1, 31, 13, 0, 0, 123000, UTC)
    assert timer.due_at.utcoffset() == timedelta(0)
    assert await timers.get("digest", 1) == timer


async def test_scheduling_again_replaces_the_timer_of_that_kind_and_guild(
    store: Store, timers: TimerQueries
) -> None:
    first = await timers.schedule("digest", 1, NOON, {"v": 1})
    await timers.schedule("digest", 2, NOON, {"v": 1})
    await timers.schedule("reminder", 1, NOON, {"v": 1})

    second = await timers.schedule("digest", 1, NOON + timedelta(days=1), {"v": 2})

    assert second.timer_id != first.timer_id
    assert await timers.get("digest", 1) == second
    assert sorted(row[:2] for row in rows_on_disk(store.path)) == [
        ("digest", 1),
        ("digest", 2),
        ("reminder", 1),
    ]


async def test_guild_less_timers_are_also_one_per_kind(store: Store, timers: TimerQueries) -> None:
    await timers.schedule("backup", None, NOON, {"v": 1})
    replacement = await timers.schedule("backup", None, NOON + timedelta(hours=1), {"v": 2})

    assert await timers.get("backup", None) == replacement
    assert len(rows_on_disk(store.path)) == 1
    assert await timers.cancel("backup", None)
    assert rows_on_disk(store.path) == []


async def test_cancel_removes_only_that_timer_and_says_whether_there_was_one(
    timers: TimerQueries,
) -> None:
    await timers.schedule("digest", 1, NOON, {})
    kept = await timers.schedule("digest", 2, NOON, {})

    assert await timers.cancel("digest", 1) is True
    assert await timers.cancel("digest", 1) is False
    assert await timers.cancel("reminder", 2) is False
    assert await timers.get("digest", 1) is None
    assert await timers.get("digest", 2) == kept


async def test_earliest_is_the_first_to_fall_due(timers: TimerQueries) -> None:
    assert await timers.earliest() is None

    await timers.schedule("digest", 1, NOON + timedelta(hours=2), {})
    soonest = await timers.schedule("digest", 2, NOON + timedelta(minutes=1), {})
    await timers.schedule("digest", 3, NOON + timedelta(hours=1), {})

    assert await timers.earliest() == soonest


async def test_pop_due_removes_and_returns_the_oldest_due_timer(
    store: Store, timers: TimerQueries
) -> None:
    late = await timers.schedule("digest", 1, NOON, {"v": 1})
    old = await timers.schedule("reminder", 1, NOON - timedelta(days=1), {"v": 2})
    future = await timers.schedule("digest", 2, NOON + timedelta(seconds=1), {})

    assert await timers.pop_due(NOON) == old
    assert await timers.pop_due(NOON) == late
    assert await timers.pop_due(NOON) is None
    assert await timers.earliest() == future
    assert [row[:2] for row in rows_on_disk(store.path)] == [("digest", 2)]


async def test_pop_due_skips_a_timer_moved_to_later(
    timers: TimerQueries,
) -> None:
    # A due timer is moved to later just before the dispatcher pops it.
    await timers.schedule("digest", 1, NOON, {"v": 1})
    moved = await timers.schedule("digest", 1, NOON + timedelta(hours=1), {"v": 2})

    assert await timers.pop_due(NOON) is None
    assert await timers.pop_due(NOON + timedelta(hours=1)) == moved
