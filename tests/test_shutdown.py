"""Stopping the bot loses nothing; killing it loses at most the last flush interval.

Both run a real process. The SIGTERM test goes through ``ascolto run`` itself, with
only Discord replaced: logging in starts the bot's services as it would, and the
"gateway" delivers messages, then waits to be closed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GATEWAY_STANDIN = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    import discord
    from bot.app import AscoltoBot
    from bot.cli import main
    from bot.events import MessageKind, Place, PostedMessage

    async def login(self, token):
        await self.setup_hook()  # what discord.py does once logged in

    async def connect(self, *, reconnect=True):
        for n in range(1, 101):  # the gateway delivers a hundred messages
            self.recorder.message_posted(PostedMessage(
                message_id=n, place=Place(1, 2), author_id=10 + n % 3, author_name="m",
                created_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), content=f"hello {n}",
                kind=MessageKind.MESSAGE,
            ))
        print("ready", flush=True)
        while not self.is_closed():
            await asyncio.sleep(0.01)

    async def no_sync(self):
        pass

    discord.Client.login = login
    discord.Client.connect = connect
    AscoltoBot._sync_commands = no_sync
    sys.exit(main(["run", "--db", sys.argv[1]]))
    """
)

WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    from pathlib import Path
    from bot.events import MessageKind, Place, PostedMessage
    from bot.policy import LoggingPolicy
    from bot.recorder import ConversationRecorder
    from bot.settings import PrivacySettings
    from bot.store import Store

    async def write_forever(path):
        store = Store(Path(path))
        await store.open()
        policy = LoggingPolicy(store)
        await policy.load()
        recorder = ConversationRecorder(store, policy, PrivacySettings())
        n = 0
        while True:
            for _ in range(100):
                n += 1
                recorder.message_posted(PostedMessage(
                    message_id=n, place=Place(1, 2), author_id=10 + n % 7, author_name="m",
                    created_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), content="x" * 200,
                    kind=MessageKind.MESSAGE,
                ))
            await store.flush()
            print(n, flush=True)

    asyncio.run(write_forever(sys.argv[1]))
    """
)


def start(script: str, db: Path, tmp_path: Path) -> subprocess.Popen[str]:
    path = tmp_path / "child.py"
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "DISCORD_TOKEN": "not-a-real-token", "PYTHONPATH": str(ROOT)}
    env.pop("ASCOLTO_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, str(path), str(db)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigterm_flushes_every_pending_write_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "ascolto.db"
    bot = start(GATEWAY_STANDIN, db, tmp_path)
    assert bot.stdout is not None
    for line in bot.stdout:  # the log goes to stdout too
        if line.strip() == "ready":
            break

    bot.send_signal(signal.SIGTERM)
    out, err = bot.communicate(timeout=60)

    assert bot.returncode == 0, err
    assert "Traceback" not in out + err
    with sqlite3.connect(db) as conn:
        # The flush interval is 1 s, but nothing had to wait for it: close flushed.
        assert conn.execute("SELECT count(*) FROM messages").fetchone() == (100,)
        assert conn.execute("SELECT state FROM heartbeat").fetchone() == ("stopped",)


def test_kill_9_while_writing_leaves_a_sound_file_with_every_committed_row(
    tmp_path: Path,
) -> None:
    db = tmp_path / "ascolto.db"
    writer = start(WRITER, db, tmp_path)
    assert writer.stdout is not None
    committed = 0
    while committed < 3000:
        committed = int(writer.stdout.readline())

    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    # The writer may have gone on while this test read: its last line is its last commit
    # (a commit it had no time to print is the one batch more allowed below).
    for line in writer.stdout.read().split():
        committed = int(line)

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (stored,) = conn.execute("SELECT count(*) FROM messages").fetchone()
    # Everything flushed before the kill is there; at most one batch more.
    assert committed <= stored <= committed + 100
