"""``ascolto guilds``: the guilds a database knows, for ``--guild`` of the other commands."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.events import GuildInfo
from tests.helpers import run_cli
from tests.store.history import GUILD, History, at

A, B = 11, 12
OTHER = GUILD + 1


async def _build(path: Path) -> None:
    """GUILD (Auckland time): three messages of two members from 03-02 to 03-04 UTC, and
    a reaction; OTHER: seen, never a message."""
    async with History.opened(path) as history:
        history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 08:00"))
        history.recorder.guild_available(GuildInfo(OTHER, "Quiet guild"), at("2026-03-03 08:00"))
        first = history.post(A, "2026-03-02 09:00", "hello")  # 03-02 22:00 in Auckland
        history.post(A, "2026-03-03 09:00", "again")
        history.post(B, "2026-03-04 12:00", "late")  # 03-05 01:00 in Auckland
        history.react(13, first, "2026-03-02 09:30")
        await history.store.flush()
        async with history.store.transaction() as db:
            await db.execute(
                """INSERT INTO digest_settings (guild_id, channel_id, post_time, timezone)
                   VALUES (?, 1, '09:00', 'Pacific/Auckland')""",
                (GUILD,),
            )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    asyncio.run(_build(path))
    return path


def test_json_lists_every_guild_with_its_days_and_counts(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run_cli(capsys, "guilds", "--db", str(db), "--json")

    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {
            "guild_id": GUILD,
            "name": "Test guild",
            "timezone": "Pacific/Auckland",
            "first_day": "2026-03-02",
            "last_day": "2026-03-05",  # local days of the guild
            "messages": 3,
            "members": 2,
        },
        {
            "guild_id": OTHER,
            "name": "Quiet guild",
            "timezone": "UTC",
            "first_day": None,
            "last_day": None,
            "messages": 0,
            "members": 0,
        },
    ]


def test_the_table_has_a_row_per_guild_and_a_dash_for_unknown_days(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run_cli(capsys, "guilds", "--db", str(db))

    assert (code, err) == (0, "")
    header, first, second = out.splitlines()
    assert header.split() == [
        "guild",
        "name",
        "time",
        "zone",
        "first",
        "day",
        "last",
        "day",
        "messages",
        "members",
    ]
    assert first.split() == [
        *(str(GUILD), "Test", "guild", "Pacific/Auckland"),
        *("2026-03-02", "2026-03-05", "3", "2"),
    ]
    assert second.split() == [str(OTHER), "Quiet", "guild", "UTC", "—", "—", "0", "0"]


def test_an_empty_database_says_how_to_fill_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.db"
    assert run_cli(capsys, "migrate", "--db", str(empty))[0] == 0

    code, out, err = run_cli(capsys, "guilds", "--db", str(empty))
    json_code, json_out, _ = run_cli(capsys, "guilds", "--db", str(empty), "--json")

    assert (code, err) == (0, "")
    assert out.startswith(f"No guilds in {empty} yet: run the bot in a server, or import")
    assert (json_code, json.loads(json_out)) == (0, [])


def test_a_missing_database_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.db"

    code, out, err = run_cli(capsys, "guilds", "--db", str(missing))

    assert (code, out) == (2, "")
    assert err == f"ascolto guilds: error: no database at {missing}\n"
    assert not missing.exists()
