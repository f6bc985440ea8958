"""Whether a day's messages all come from exports that lacked replies, mentions or who
reacted: on the real 2020 export, and on small hand-built ones beside live history."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.analysis.days import day_start
from bot.analysis.missing_data import MissingData
from bot.events import MessageKind
from tests.dce.exports import export, message, user, write
from tests.store.history import GENERAL, GUILD, RANDOM, History, import_files

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "dce"
LEGACY = SHARED / "legacy-2020-python-course-general.json"
ADA, BEN = user(1, "ada"), user(2, "ben")
EVERYTHING_MISSING = MissingData(replies=True, mentions=True, reactions=True)


async def missing(history: History, day: str, guild: int = GUILD) -> MissingData:
    first = date.fromisoformat(day)
    start, end = day_start(first, "UTC"), day_start(first + timedelta(days=1), "UTC")
    return await history.store.sources.missing_data(guild, start, end)


def here(items: list[dict[str, Any]], channel: int = GENERAL, *, old: bool) -> dict[str, Any]:
    """A file of History's guild and channel, as an old exporter (before 2.25: a wave
    counted, nobody listed) or a new one writes it."""
    data = export(items)
    data["guild"]["id"], data["channel"]["id"] = str(GUILD), str(channel)
    if old:
        del data["channel"]["categoryId"]
        for item in items:
            del item["mentions"]
            item["reactions"] = [{"emoji": {"id": None, "name": "👋"}, "count": 1}]
    return data


@pytest.mark.skipif(not LEGACY.is_file(), reason="the shared example exports are not here")
async def test_the_real_2020_exports_days_lack_replies_mentions_and_reactors(
    history: History,
) -> None:
    import_files(history, LEGACY)
    guild = 742745493570060302  # the file's guild

    assert await missing(history, "2020-08-11", guild) == EVERYTHING_MISSING
    assert await missing(history, "2020-09-17", guild) == EVERYTHING_MISSING
    assert await missing(history, "2020-09-29", guild) == EVERYTHING_MISSING
    assert await missing(history, "2020-09-30", guild) == MissingData()  # no messages


async def test_a_new_export_where_nobody_replied_is_not_missing_replies(
    history: History, tmp_path: Path
) -> None:
    quiet = [message(10, ADA, "2024-05-01T12:00:00Z"), message(11, BEN, "2024-05-01T13:00:00Z")]
    import_files(history, write(tmp_path, "quiet.json", here(quiet, old=False)))

    assert await missing(history, "2024-05-01") == MissingData()


async def test_a_day_is_missing_only_what_every_one_of_its_messages_lacked(
    history: History, tmp_path: Path
) -> None:
    old = [
        message(10, ADA, "2020-08-11T09:00:00Z"),
        message(11, BEN, "2020-08-12T09:00:00Z"),
        message(12, ADA, "2020-08-13T09:00:00Z"),
    ]
    new = [message(20, BEN, "2020-08-12T18:00:00Z")]
    write(tmp_path, "old.json", here(old, old=True))
    write(tmp_path, "new.json", here(new, RANDOM, old=False))
    import_files(history, tmp_path)
    # The live bot records the same channel later that week: it records everything.
    history.post(1, "2020-08-13 20:00", channel=GENERAL)
    history.post(2, "2020-08-14 10:00", channel=GENERAL)

    assert await missing(history, "2020-08-11") == EVERYTHING_MISSING
    assert await missing(history, "2020-08-12") == MissingData()  # one message from new.json
    assert await missing(history, "2020-08-13") == MissingData()  # one from the live bot
    assert await missing(history, "2020-08-14") == MissingData()
    assert await missing(history, "2020-08-11", guild=GUILD + 1) == MissingData()


async def test_deleted_messages_and_notices_are_not_the_days_messages(
    history: History, tmp_path: Path
) -> None:
    old = [message(10, ADA, "2020-08-11T09:00:00Z")]
    import_files(history, write(tmp_path, "old.json", here(old, old=True)))
    deleted = history.post(2, "2020-08-11 10:00")
    history.delete(deleted, "2020-08-11 10:01")
    history.post(2, "2020-08-11 11:00", "", kind=MessageKind.SYSTEM)  # a live join notice

    assert await missing(history, "2020-08-11") == EVERYTHING_MISSING
