"""A range's members, network and pictures are kept while the store is unchanged, and
never shown once the bot has written to it (bot/dashboard/cache.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.dashboard.cache import DataCache
from bot.policy import LoggingPolicy
from bot.store import Store
from bot.store.connection import fetch_one
from bot.store.readonly import ReadOnlyStore
from tests.dashboard.world import BOB, GUILD, NAMES, client

SPAN = "from=2026-03-02&to=2026-03-09"


async def test_a_write_by_the_bot_is_seen_at_the_next_request(
    store_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "ascolto.db"
    shutil.copyfile(store_path, path)
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
    store_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "ascolto.db"
    shutil.copyfile(store_path, path)
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
