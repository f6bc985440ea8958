"""A file is read whole before anything of it is written, then moved into the store in
short transactions: the bot's writes get in between them, a broken file still leaves
nothing, and consent changed between two of them holds for the rest of the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.dce import importer as importer_module
from bot.dce.importer import Importer
from bot.dce.reader import find_exports
from bot.dce.report import ImportReport
from bot.settings import PrivacySettings
from bot.store.connection import connect, migrate
from bot.store.imports import ImportWriter
from tests.dce.exports import GUILD, export, message, reply_to, user, write
from tests.helpers import query

ADA, BEN, CAT = user(1, "ada"), user(2, "ben"), user(3, "cat")
TABLES = (
    "SELECT * FROM messages ORDER BY message_id",
    "SELECT * FROM interactions ORDER BY message_id, kind, source_id, target_id",
    "SELECT * FROM reactions ORDER BY message_id, user_id",
    "SELECT * FROM message_mentions ORDER BY message_id, user_id",
    "SELECT * FROM connections ORDER BY a, b",
    "SELECT * FROM members ORDER BY user_id",
    "SELECT * FROM channel_sources",
    "SELECT guild_id, message_id, target_message_id, target_id, score FROM inferred_replies"
    " ORDER BY message_id",
)


def conversation(count: int, first_id: int = 100) -> list[dict[str, Any]]:
    """Ada, Ben and Cat talking: replies, mentions (Cat's by Ada) and reactions."""
    people = [ADA, BEN, CAT]
    messages = []
    for n in range(count):
        extra: dict[str, Any] = {}
        if n % 3 == 1:
            extra |= reply_to(first_id + n - 1)
        if n % 4 == 0:
            extra["reactions"] = [{"emoji": {"id": "", "name": "👍"}, "users": [BEN, CAT]}]
        text = f"m{n}?"
        if n % 3 == 0:
            extra["mentions"] = [CAT]
            text = f"<@3> m{n}?"
        messages.append(
            message(first_id + n, people[n % 3], f"2024-05-01T12:{n:02d}:00Z", text, **extra)
        )
    return messages


async def fresh(path: Path) -> Path:
    db = await connect(path)
    await migrate(db, path)
    await db.close()
    return path


@pytest.fixture(autouse=True)
def one_batch_a_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Transactions of one batch each, however fast the machine."""
    monkeypatch.setattr(importer_module, "CHUNK_SECONDS", 0.0)


def run(database: Path, *files: Path, privacy: PrivacySettings | None = None) -> ImportReport:
    exports, _ = find_exports(list(files))
    importer = Importer(database, privacy or PrivacySettings())
    try:
        return importer.run(exports)
    finally:
        importer.close()


@contextmanager
def before_transaction(number: int, action: Any) -> Iterator[None]:
    """Run ``action`` just before the import's transaction ``number`` (from 1) takes
    the write lock: where the bot's writes get their turn."""
    original = ImportWriter.file
    started = 0

    @contextmanager
    def file(self: ImportWriter, *args: Any, **kwargs: Any) -> Iterator[None]:
        nonlocal started
        started += 1
        if started == number:
            action()
        with original(self, *args, **kwargs):
            yield

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ImportWriter, "file", file)
        yield


async def test_a_file_moved_in_chunks_stores_what_one_transaction_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "talk.json", export(conversation(40)))
    whole = await fresh(tmp_path / "whole.db")
    chunked = await fresh(tmp_path / "chunked.db")

    one = run(whole, path)
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 3)
    many = run(chunked, path)

    assert one.transactions == 1
    assert many.transactions == 14  # 40 messages, 3 a transaction
    assert many.longest_write > 0
    assert (many.new, many.read, len(many.members)) == (one.new, one.read, len(one.members))
    for sql in TABLES:
        assert query(chunked, sql) == query(whole, sql), sql


async def test_the_bot_writes_between_two_chunks_of_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 5)
    path = write(tmp_path, "talk.json", export(conversation(20)))
    database = await fresh(tmp_path / "ascolto.db")
    written: list[int] = []

    def bot_writes() -> None:
        # No waiting at all: the import holds no lock between its transactions.
        with sqlite3.connect(database, timeout=0, isolation_level=None) as bot:
            bot.execute("BEGIN IMMEDIATE")
            written.append(bot.execute("SELECT count(*) FROM messages").fetchone()[0])
            bot.execute(
                "INSERT INTO quiet_hours (guild_id, starts, ends) VALUES (?, '01:00', '02:00')",
                (7,),
            )
            bot.execute("COMMIT")

    with before_transaction(3, bot_writes):
        report = run(database, path)

    assert written == [10]  # two chunks of five were in, and the rest was not
    assert report.new == 20 and report.transactions == 4
    assert query(database, "SELECT count(*) FROM quiet_hours") == [(1,)]


async def test_a_file_broken_after_several_chunks_leaves_nothing_and_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 3)
    messages = conversation(20)
    messages[16]["timestamp"] = "yesterday"  # after five chunks' worth of good messages
    broken = write(tmp_path, "broken.json", export(messages, channel="900000000000000011"))
    good = write(tmp_path, "good.json", export(conversation(7, first_id=500)))
    database = await fresh(tmp_path / "ascolto.db")

    report = run(database, broken, good)

    assert report.files == 1 and len(report.failed) == 1
    assert "broken.json" in report.failed[0] and "message #17" in report.failed[0]
    assert report.transactions == 3  # the good file's; none for the broken one
    assert query(database, "SELECT count(*) FROM messages WHERE message_id < 500") == [(0,)]
    assert query(database, "SELECT count(*) FROM messages") == [(7,)]
    assert query(database, "SELECT count(*) FROM channels") == [(1,)]
    assert report.read == 7 and report.new == 7


async def test_an_opt_out_between_two_chunks_holds_for_the_rest_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 6)
    path = write(tmp_path, "talk.json", export(conversation(24)))
    database = await fresh(tmp_path / "ascolto.db")

    def cat_opts_out() -> None:
        with sqlite3.connect(database, isolation_level=None) as bot:
            bot.execute(
                "INSERT INTO members (guild_id, user_id, opted_out) VALUES (?, 3, 1)"
                " ON CONFLICT (guild_id, user_id) DO UPDATE SET opted_out = 1,"
                " display_name = NULL, joined_at = NULL",
                (int(GUILD),),
            )
            # What the bot does when a member opts out: their rows go.
            for sql in (
                "DELETE FROM messages WHERE author_id = 3",
                "DELETE FROM reactions WHERE user_id = 3",
                "DELETE FROM message_mentions WHERE user_id = 3",
                "DELETE FROM interactions WHERE 3 IN (source_id, target_id)",
            ):
                bot.execute(sql)

    with before_transaction(3, cat_opts_out):
        report = run(database, path, privacy=PrivacySettings(content_retention_days=36500))

    # Cat's 8 messages: 4 in the first two chunks (then deleted), 4 left out after.
    assert report.skipped == 4 and report.new == 20
    assert query(database, "SELECT count(*) FROM messages WHERE author_id = 3") == [(0,)]
    assert query(database, "SELECT count(*) FROM reactions WHERE user_id = 3") == [(0,)]
    assert query(database, "SELECT count(*) FROM message_mentions WHERE user_id = 3") == [(0,)]
    # Her mentions in the text of the rest of the file are redacted.
    later = query(database, "SELECT content FROM messages WHERE message_id IN (112, 115, 118)")
    assert len(later) == 3 and not any("<@3>" in content for (content,) in later)
    assert query(database, "SELECT display_name, opted_out FROM members WHERE user_id = 3") == [
        (None, 1)
    ]


async def test_batches_share_a_transaction_until_it_has_held_the_lock_long_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 3)
    path = write(tmp_path, "talk.json", export(conversation(10)))
    counts = []
    for seconds in (0.0, 1e9):
        monkeypatch.setattr(importer_module, "CHUNK_SECONDS", seconds)
        report = run(await fresh(tmp_path / f"{seconds}.db"), path)
        counts.append((report.transactions, report.new))

    assert counts == [(4, 10), (1, 10)]


async def test_a_transaction_ends_early_enough_for_its_commit_to_fit_in_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 3)
    monkeypatch.setattr(importer_module, "CHUNK_SECONDS", 1e9)
    first = write(tmp_path, "a.json", export(conversation(10)))
    second = write(tmp_path, "b.json", export(conversation(10, first_id=500)))
    original = ImportWriter.file

    @contextmanager
    def slow_commits(self: ImportWriter, *args: Any, **kwargs: Any) -> Iterator[None]:
        with original(self, *args, **kwargs):
            yield
        self.last_commit = 2e9  # as if each commit took longer than the bound

    monkeypatch.setattr(ImportWriter, "file", slow_commits)
    report = run(await fresh(tmp_path / "ascolto.db"), first, second)

    # The first file's transaction has no commit to go by; the second's, one batch each.
    assert (report.transactions, report.new) == (1 + 4, 20)


async def test_a_large_file_goes_in_bulk_into_a_small_store_and_in_chunks_into_a_larger_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 3)
    monkeypatch.setattr(importer_module, "BULK_BYTES", 0)  # every file counts as large
    monkeypatch.setattr(importer_module, "BULK_SHARE", 2)
    history = write(tmp_path, "history.json", export(conversation(30)))
    later = write(tmp_path, "later.json", export(conversation(9, first_id=500)))
    database = await fresh(tmp_path / "ascolto.db")
    dropped: list[int] = []
    bulk = ImportWriter.bulk

    @contextmanager
    def watched(self: ImportWriter, guild_id: int) -> Iterator[None]:
        dropped.append(guild_id)
        with bulk(self, guild_id):
            yield

    monkeypatch.setattr(ImportWriter, "bulk", watched)

    into_empty = run(database, history)
    into_larger = run(database, later)  # 9 messages into 30: kept indexes, short transactions

    assert (into_empty.transactions, into_empty.new) == (1, 30)
    assert dropped == [int(GUILD)]
    assert (into_larger.transactions, into_larger.new) == (3, 9)
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
    assert query(database, indexes) == query(await fresh(tmp_path / "new.db"), indexes)


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "dce"


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared example exports are not here")
async def test_replies_scored_in_a_second_process_are_the_ones_scored_in_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The 2020 export records no replies: all its listening is inferred.
    path = SHARED / "legacy-2020-python-course-general.json"
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 300)
    found = {}
    for mode, batches in (("in line", 1 << 30), ("second process", 1)):
        monkeypatch.setattr(importer_module, "PARALLEL_BATCHES", batches)
        database = await fresh(tmp_path / f"{batches}.db")
        report = run(database, path, privacy=PrivacySettings(content_retention_days=36500))
        found[mode] = (report.inferred, [query(database, sql) for sql in TABLES])

    assert found["in line"][0] > 100
    assert found["second process"] == found["in line"]
