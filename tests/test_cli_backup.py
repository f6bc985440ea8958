"""``ascolto backup``: a consistent copy while another process writes."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.connection import latest_version
from tests.helpers import run_cli


def make_database(path: Path) -> None:
    async def build() -> None:
        store = Store(path)
        await store.open()
        await store.close()

    asyncio.run(build())


def test_a_backup_while_another_connection_writes_is_complete_and_consistent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source, dest = tmp_path / "live.db", tmp_path / "copy.db"
    make_database(source)
    stop, busy = threading.Event(), threading.Event()
    written: list[int] = []

    def writer() -> None:
        db = sqlite3.connect(source, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 5000")
        n = 0
        while not stop.is_set():
            n += 1
            db.execute(
                "INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (?, 'g', 'now')", (n,)
            )
            written.append(n)
            if n == 200:
                busy.set()
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert busy.wait(timeout=30)
        code, out, err = run_cli(capsys, "backup", str(dest), "--db", str(source))
    finally:
        stop.set()
        thread.join()

    assert (code, err) == (0, "")
    assert out.startswith(f"backed up {source} to {dest}")
    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA user_version").fetchone() == (latest_version(),)
    (count,) = copy.execute("SELECT count(*) FROM guilds").fetchone()
    # A snapshot: rows 1..count, taken while the writer went on.
    assert copy.execute("SELECT max(guild_id) FROM guilds").fetchone() == (count,)
    assert 200 <= count <= len(written)
    copy.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name) == ["copy.db"]


@pytest.mark.parametrize(
    ("setup", "dest_name", "expected"),
    [
        ("none", "copy.db", "no database at"),
        ("both", "copy.db", "already exists"),
        ("source", "missing/copy.db", "is not a folder"),
    ],
)
def test_backup_mistakes_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, setup: str, dest_name: str, expected: str
) -> None:
    source, dest = tmp_path / "live.db", tmp_path / dest_name
    if setup in ("source", "both"):
        make_database(source)
    if setup == "both":
        dest.write_bytes(b"keep me")

    code, out, err = run_cli(capsys, "backup", str(dest), "--db", str(source))

    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and expected in err
    if setup == "both":
        assert dest.read_bytes() == b"keep me"
