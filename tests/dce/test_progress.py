"""The import's progress: bytes read of the files' total, a bar on a terminal only."""

from __future__ import annotations

import importlib
import io
import re
from pathlib import Path

import pytest

import bot.dce.importer as importer_module
from bot.dce.importer import Importer
from bot.dce.reader import find_exports
from bot.settings import PrivacySettings
from bot.store.connection import connect, migrate
from tests.dce.exports import export, message, user, write
from tests.helpers import run_cli

import_cli = importlib.import_module("bot.cli.import")
ADA = user(1, "ada")


def files(folder: Path) -> list[Path]:
    """Two exports, the first larger than what the JSON reader takes in one read."""
    first = [
        message(1000 + n, ADA, f"2024-05-01T12:{n // 60:02d}:{n % 60:02d}Z", "x" * 400)
        for n in range(300)
    ]
    second = [message(2000 + n, ADA, f"2024-05-01T13:{n:02d}:00Z") for n in range(30)]
    return [
        write(folder, "first.json", export(first)),
        write(folder, "second.json", export(second)),
    ]


async def test_the_progress_callback_goes_up_to_every_message_and_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "BATCH_MESSAGES", 7)
    database = tmp_path / "progress.db"
    db = await connect(database)
    await migrate(db, database)
    await db.close()
    exports, _ = find_exports(files(tmp_path))
    calls: list[tuple[int, int]] = []
    importer = Importer(database, PrivacySettings())
    try:
        importer.run(exports, lambda read, bytes_read: calls.append((read, bytes_read)))
    finally:
        importer.close()

    total = sum(e.size for e in exports)
    assert calls[-1] == (330, total)
    for counts in zip(*calls, strict=True):  # messages, then bytes: never backwards
        assert list(counts) == sorted(counts)
    assert any(0 < bytes_read < exports[0].size for _, bytes_read in calls)
    assert len(calls) == 300 // 7 + 30 // 7 + 2  # every 7 messages of a file, each file


def test_off_a_terminal_the_progress_is_plain_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_cli, "PLAIN_PROGRESS_SECONDS", 0.0)  # a line at every step
    (tmp_path / "exports").mkdir()
    files(tmp_path / "exports")

    code, _, err = run_cli(capsys, "import", str(tmp_path / "exports"), "--db", str(tmp_path / "d"))

    assert code == 0
    lines = err.splitlines()
    assert re.fullmatch(r"importing 0\.\d MB of exports", lines[0])
    assert all(re.fullmatch(r"importing: \d+%, [\d,]+ messages \([\d,]+/s\)", x) for x in lines[1:])
    assert lines[-1].startswith("importing: 100%, 330 messages")
    assert not {"\x1b", "\r"} & set(err)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_progress_is_a_bar_with_a_percentage() -> None:
    screen = Terminal()

    with import_cli._progress(1000, screen) as show:
        show(40, 500)
        show(80, 1000)

    shown = screen.getvalue()
    assert "100%" in shown
    assert "80 messages" in shown
    assert "━" in shown  # the bar
