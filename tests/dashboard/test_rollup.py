"""The Members page reads a range's figures from the daily rollup when it holds every
day of the range (bot/store/activity.py), and shows the same as from the messages."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.dashboard.world import GUILD, client


async def test_members_read_from_the_daily_rollup_are_those_of_the_messages(
    store_path: Path, tmp_path: Path
) -> None:
    # The world's stored days, 2026-03-02 to 03-08, are rolled up; a copy without the
    # rollup makes the page count the messages and interactions themselves.
    bare = tmp_path / "ascolto.db"
    shutil.copyfile(store_path, bare)
    with sqlite3.connect(bare) as db:
        rolled = db.execute("SELECT count(*) FROM activity_days").fetchone()[0]
        db.execute("DELETE FROM activity_days")
    pages = []
    for path in (store_path, bare):
        async with client(path) as c:
            for sort in ("messages", "replies", "reactions", "listening", "connections"):
                url = f"/g/{GUILD}/members?from=2026-03-02&to=2026-03-08&sort={sort}"
                pages.append(await (await c.get(url)).text())

    assert rolled >= 7
    assert pages[:5] == pages[5:]
    assert "Alice" in pages[0] and "Bob" in pages[0]
