"""A file that goes in bulk is read in a second process while this one writes what it
sends, in the file's one transaction: the same database as reading it whole first, and
a file found broken after some of its batches were written still leaves nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.dce import importer as importer_module
from bot.dce.importer import Importer
from bot.dce.reader import find_exports
from bot.dce.report import ImportReport
from bot.settings import PrivacySettings
from bot.store.imports import Batch, ImportWriter
from tests.dce.exports import export, message, user, write
from tests.dce.test_import_chunks import TABLES, conversation, fresh
from tests.helpers import query

BOT = user(9, "helper", bot=True)
ALL = (*TABLES, "SELECT * FROM guilds", "SELECT * FROM channels", "SELECT * FROM member_events")


def run(database: Path, *files: Path, progress: Any = None) -> ImportReport:
    exports, _ = find_exports(list(files))
    importer = Importer(database, PrivacySettings(content_retention_days=36500))
    try:
        return importer.run(exports, progress)
    finally:
        importer.close()


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batches of 3 messages, the messages of each batch written (counted here)."""
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 3)
    counts: list[int] = []
    original = ImportWriter.write

    def write_batch(self: ImportWriter, batch: Batch) -> int:
        counts.append(len(batch))
        return original(self, batch)

    monkeypatch.setattr(ImportWriter, "write", write_batch)
    return counts


def overlapped(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    """Every file read while written (on), or none (read whole first)."""
    monkeypatch.setattr(importer_module, "BULK_BYTES", 0 if on else 1 << 40)
    monkeypatch.setattr(importer_module, "BULK_SHARE", 0)


def test_only_a_file_much_larger_than_the_store_is_read_while_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "BULK_BYTES", 0)
    monkeypatch.setattr(importer_module, "OVERLAP_MESSAGE_BYTES", 100)
    path = write(tmp_path, "talk.json", export(conversation(10)))
    importer = Importer(tmp_path / "unused.db", PrivacySettings())
    exports, _ = find_exports([path])
    try:
        stored = {"messages": 0}
        monkeypatch.setattr(importer._writer, "count", lambda table: stored[table])
        empty = importer._overlapped(exports[0])
        stored["messages"] = exports[0].size // (importer_module.BULK_SHARE * 100) + 1
        larger = importer._overlapped(exports[0])
    finally:
        importer.close()

    assert (empty, larger) == (True, False)


async def test_a_file_read_while_written_gives_what_reading_it_first_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: list[int]
) -> None:
    talk = conversation(40)
    talk[5]["author"] = BOT  # a bot: never stored, never a mention's target after
    talk[30]["mentions"] = [BOT]
    path = write(tmp_path, "talk.json", export(talk))
    found = {}
    for on in (False, True):
        overlapped(monkeypatch, on)
        database = await fresh(tmp_path / f"{on}.db")
        steps: list[tuple[int, int]] = []
        report = run(database, path, progress=lambda read, at, s=steps: s.append((read, at)))
        counts = (report.read, report.new, report.skipped, report.transactions, report.inferred)
        found[on] = (counts, steps, [query(database, sql) for sql in ALL])

    assert found[True] == found[False]
    assert found[True][0][:4] == (40, 39, 1, 1)
    assert written[: len(written) // 2] == written[len(written) // 2 :]  # batch by batch


@pytest.mark.parametrize(
    "breaking",
    [
        lambda text: text.replace('"id": "130"', '"id": "x130"'),  # a bad value
        lambda text: text[: text.index('"id": "135"')],  # cut short
    ],
    ids=["bad value", "truncated"],
)
async def test_a_file_broken_after_batches_were_written_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: list[int], breaking: Any
) -> None:
    path = write(tmp_path, "broken.json", export(conversation(40)))
    path.write_text(breaking(path.read_text(encoding="utf-8")), encoding="utf-8")
    good = write(tmp_path, "good.json", export(conversation(4, first_id=900)))
    found = {}
    for on in (False, True):
        overlapped(monkeypatch, on)
        database = await fresh(tmp_path / f"{on}.db")
        written.clear()
        report = run(database, path, good)
        found[on] = (report.failed, report.files, report.new, list(written))
        assert query(database, "SELECT count(*) FROM messages WHERE message_id < 900") == [(0,)]
        assert query(database, "SELECT count(*) FROM messages") == [(4,)]
        assert query(database, "SELECT count(*) FROM channel_sources") == [(1,)]

    assert found[True][:3] == found[False][:3]
    assert len(found[True][0]) == 1 and "message #3" in found[True][0][0]
    assert found[False][3] == [3, 1]  # read whole first: only the good file was written
    assert sum(found[True][3]) > 4  # read while written: 10 batches of it before the end


async def test_a_bot_seen_in_a_broken_file_is_no_target_in_the_files_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: list[int]
) -> None:
    overlapped(monkeypatch, True)
    talk = conversation(10)
    talk[2]["author"] = BOT
    broken = write(tmp_path, "a-broken.json", export(talk))
    broken.write_text(broken.read_text(encoding="utf-8").replace('"id": "108"', '"id": "?"'))
    # The mention list names the bot without saying it is one: only its messages do.
    unmarked = user(9, "helper")
    later = [message(900, user(1, "ada"), "2024-05-02T12:00:00Z", "<@9> hi", mentions=[unmarked])]
    good = write(tmp_path, "b-good.json", export(later))
    database = await fresh(tmp_path / "ascolto.db")

    report = run(database, broken, good)

    assert len(report.failed) == 1 and report.files == 1
    assert query(database, "SELECT count(*) FROM message_mentions") == [(0,)]
