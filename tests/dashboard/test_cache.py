"""A range's members, network and pictures are kept while the store is unchanged, and
never shown once the bot has written to it (bot/dashboard/cache.py)."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.dashboard.cache import DataCache
from bot.dashboard.warm import WARMED
from bot.policy import LoggingPolicy
from bot.settings import DefaultsSettings
from bot.store import Store
from bot.store.connection import fetch_one
from bot.store.readonly import ReadOnlyStore
from bot.summaries import SummaryService
from tests.dashboard.test_pages import member_rows
from tests.dashboard.world import (
    ALICE,
    BOB,
    FRED,
    GUILD,
    NAMES,
    NOW,
    STORED,
    NamedHistory,
    client,
)
from tests.store.history import at

SPAN = "from=2026-03-02&to=2026-03-09"


@pytest.fixture
def path(store_path: Path, tmp_path: Path) -> Path:
    """A copy of the world that the bot writes to while the dashboard reads it."""
    copy = tmp_path / "ascolto.db"
    shutil.copyfile(store_path, copy)
    return copy


async def test_a_write_by_the_bot_is_seen_at_the_next_request(
    path: Path,
) -> None:
    async with client(path) as c:
        before = await (await c.get(f"/g/{GUILD}/members?{SPAN}")).text()
        again = await (await c.get(f"/g/{GUILD}/members?{SPAN}")).text()
        picture = await (await c.get(f"/g/{GUILD}/network.svg?{SPAN}")).text()
        # The bot, on its own connection, forgets Bob while the dashboard runs.
        bot_store = Store(path)
        await bot_store.open()
        try:
            policy = LoggingPolicy(bot_store)
            await policy.load()
            await policy.opt_out(GUILD, BOB)
        finally:
            await bot_store.close()
        members = await (await c.get(f"/g/{GUILD}/members?{SPAN}")).text()
        network = await (await c.get(f"/g/{GUILD}/network?{SPAN}")).text()
        picture_after = await (await c.get(f"/g/{GUILD}/network.svg?{SPAN}")).text()

    assert again == before and NAMES[BOB] in before and NAMES[BOB] in picture
    assert NAMES[BOB] not in members
    assert NAMES[BOB] not in network and NAMES[BOB] not in picture_after


async def test_a_result_is_computed_again_only_when_the_data_version_changes(
    path: Path,
) -> None:
    reader = ReadOnlyStore(path)
    await reader.open()
    writer = Store(path)
    await writer.open()
    computed: list[int] = []

    async def guilds() -> int:
        async with reader.reading() as db:
            row = await fetch_one(db, "SELECT count(*) FROM guilds")
        assert row is not None
        computed.append(int(row[0]))
        return int(row[0])

    try:
        cache = DataCache(reader.dashboard.data_version)
        first = await cache.get("guilds", guilds)
        kept = await cache.get("guilds", guilds)
        async with writer.transaction() as db:
            await db.execute(
                "INSERT INTO guilds (guild_id, name, first_seen_at)"
                " VALUES (1, 'Other', '2026-03-10T00:00:00.000Z')"
            )
        fresh = await cache.get("guilds", guilds)
    finally:
        await writer.close()
        await reader.close()

    assert (first, kept, fresh) == (1, 1, 2)
    assert computed == [1, 2]


async def test_the_least_recently_used_result_goes_first() -> None:
    calls: list[str] = []

    async def version() -> int:
        return 0

    def make(name: str):  # type: ignore[no-untyped-def]
        async def compute() -> str:
            calls.append(name)
            return name

        return compute

    cache = DataCache(version, kept=2)
    for name in ("a", "b", "a", "c", "a", "b"):
        await cache.get(name, make(name))

    # "b" was the least recently used when "c" came, so it was computed again.
    assert calls == ["a", "b", "c", "b"]


WEEK = "from=2026-03-02&to=2026-03-08"  # ended on 03-09 at 00:00 UTC


async def _alice_and_bob(c: TestClient) -> tuple[list[str], str]:  # type: ignore[type-arg]
    """Alice's cells on the Members page of :data:`WEEK`, and what Bob is called."""
    rows = member_rows(await (await c.get(f"/g/{GUILD}/members?{WEEK}")).text())
    bob = next(name for name in rows if name in (NAMES[BOB], "Robert"))
    return rows["Alice"], bob


async def _mention_in_the_week(path: Path) -> None:
    """Alice mentions Fred on 03-04, written the one way the bot never writes: an
    interaction dated in a week that ended, without marking it (bot/store/dirty_days.py)."""
    writer = Store(path)
    await writer.open()
    try:
        async with writer.transaction() as db:
            await db.execute(
                "INSERT INTO interactions (guild_id, source_id, target_id, kind, message_id,"
                " channel_id, created_at) SELECT guild_id, author_id, ?, 'mention', message_id,"
                " channel_id, created_at FROM messages WHERE author_id = ?"
                " AND created_at LIKE '2026-03-04%'",
                (FRED, ALICE),
            )
    finally:
        await writer.close()


async def test_a_week_that_has_ended_is_kept_while_the_bot_writes_until_a_write_marks_it(
    path: Path,
) -> None:
    async with client(path) as c:  # at 03-10 12:00: the week ended 36 hours ago
        before = await _alice_and_bob(c)
        async with NamedHistory.opened(path) as h:  # the bot, live, on its own connection
            h.named(ALICE, "2026-03-10 11:59", "Good morning")
            h.recorder.member_renamed(GUILD, BOB, "Robert")
        await _mention_in_the_week(path)
        kept = await _alice_and_bob(c)
        async with NamedHistory.opened(path) as h:  # the bot deletes a message of 03-03
            deleted = await _message_of(h, ALICE, "2026-03-03")
            h.recorder.messages_deleted([deleted], at("2026-03-10 12:00"))
        marked = await _alice_and_bob(c)

    assert before == (["8", "0", "7", "47%", "1", ""], NAMES[BOB])
    # The unmarked mention is not seen: the week's figures were kept. The new name is.
    assert kept == (before[0], "Robert")
    # The deletion marked 03-03: the week is read again, the mention with it.
    assert marked == (["7", "0", "7", "50%", "2", ""], "Robert")


async def test_a_range_that_ended_within_the_hour_is_read_again_after_any_write(
    path: Path,
) -> None:
    async with client(path, clock=lambda: at("2026-03-09 00:30")) as c:
        before = await _alice_and_bob(c)
        await _mention_in_the_week(path)  # as a batch flushed late would be
        after = await _alice_and_bob(c)

    assert before[0][4] == "1" and after[0][4] == "2"


async def _message_of(h: NamedHistory, author: int, day: str) -> int:
    async with h.store.reading() as db:
        row = await fetch_one(
            db,
            "SELECT min(message_id) FROM messages WHERE author_id = ? AND created_at LIKE ?",
            (author, f"{day}%"),
        )
    assert row is not None
    return int(row[0])


async def test_a_mark_gone_before_the_next_request_still_has_the_week_read_again(
    path: Path,
) -> None:
    async with client(path) as c:
        before = await _alice_and_bob(c)
        await _mention_in_the_week(path)
        async with NamedHistory.opened(path) as h:
            deleted = await _message_of(h, ALICE, "2026-03-03")
            h.recorder.messages_deleted([deleted], at("2026-03-10 12:00"))
            await h.store.flush()
            # The bot computes the marked days again, and prunes the mark it has seen.
            await SummaryService(h.store, DefaultsSettings()).ensure(GUILD, *STORED, "UTC", NOW)
            async with h.store.reading() as db:
                marks = await fetch_one(db, "SELECT count(*) FROM summary_marks")
        after = await _alice_and_bob(c)

    assert marks is not None and marks[0] == 0
    assert before[0][4] == "1" and after[0][:5] == ["7", "0", "7", "50%", "2"]


async def test_the_trends_picture_is_drawn_again_when_a_day_is_stored(path: Path) -> None:
    url = f"/g/{GUILD}/trends.svg?day=2026-03-09"
    async with client(path) as c:
        before = await (await c.get(url)).read()
        async with NamedHistory.opened(path) as h:  # the bot's live writes: not in the picture
            h.named(ALICE, "2026-03-10 11:59", "Good morning")
        kept = await (await c.get(url)).read()
        async with NamedHistory.opened(path) as h:  # the bot stores 03-09's summary
            await SummaryService(h.store, DefaultsSettings()).ensure(
                GUILD, date(2026, 3, 9), date(2026, 3, 9), "UTC", NOW
            )
        after = await (await c.get(url)).read()

    assert kept == before
    assert after != before and after.startswith(b"<?xml")


async def test_the_default_week_is_computed_when_the_dashboard_starts(path: Path) -> None:
    async with client(path, warm_every=3600.0) as c:
        await asyncio.wait_for(c.app[WARMED].wait(), timeout=60)
        await _mention_in_the_week(path)  # unmarked: only a week computed before hides it
        alice, _ = await _alice_and_bob(c)
        network = await (await c.get(f"/g/{GUILD}/network")).text()

    assert alice[4] == "1"  # Alice's connections as computed at the start: Bob only
    assert "2026-03-02" in network and NAMES[FRED] not in network  # no mention of Fred yet
