"""``ascolto health``: the heartbeat's freshness and a writable database."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot import clock
from bot.store import Store
from tests.helpers import run_cli


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "live.db"

    async def build() -> None:
        store = Store(path)
        await store.open()
        await store.close()

    asyncio.run(build())
    return path


def beat(db: Path, *, age: float, state: str = "connected", flushed: float | None = 1) -> None:
    now = clock.utcnow()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO heartbeat (id, at, state, last_flush_at, pid) "
            "VALUES (1, ?, ?, ?, 1)",
            (
                clock.to_db_time(now - timedelta(seconds=age)),
                state,
                None if flushed is None else clock.to_db_time(now - timedelta(seconds=flushed)),
            ),
        )


def health(capsys: pytest.CaptureFixture[str], db: Path) -> tuple[int, str]:
    code, out, err = run_cli(capsys, "health", "--db", str(db))
    assert err == ""
    assert len(out.strip().splitlines()) == 1
    return code, out.strip()


def test_a_fresh_heartbeat_and_a_writable_database_are_healthy(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    beat(db, age=20, state="reconnecting")

    code, out = health(capsys, db)

    assert code == 0
    assert out.startswith("healthy: reconnecting, heartbeat 20 s ago, last flush 1 s ago")


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"age": 600}, "the last heartbeat is 10 min old (limit 2 min)"),
        ({"age": 5, "state": "stopped"}, "the bot stopped 5 s ago"),
        ({"age": 5, "flushed": 900}, "writes are not reaching the database (last flush: 15 min"),
        ({"age": 5, "flushed": None}, "last flush: never"),
    ],
)
def test_stale_stopped_or_stuck_is_unhealthy_with_the_reason(
    capsys: pytest.CaptureFixture[str], db: Path, setup: dict[str, object], reason: str
) -> None:
    beat(db, **setup)  # type: ignore[arg-type]

    code, out = health(capsys, db)

    assert code == 1
    assert out.startswith("unhealthy: ") and reason in out


def test_no_heartbeat_or_no_database_is_unhealthy(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    assert health(capsys, db) == (
        1,
        "unhealthy: the bot has never written a heartbeat in this database: is it running?",
    )
    code, out = health(capsys, tmp_path / "elsewhere.db")
    assert code == 1 and "no database at" in out


def test_a_database_that_cannot_be_written_is_unhealthy(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    beat(db, age=1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, out = health(capsys, db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert code == 1
    assert "cannot be used: database is locked" in out
