"""The process log keeps discord.py's payload dumps out, even at DEBUG; it is plain text
where no terminal reads it, and says nothing about voice, which Ascolto never uses."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest

from bot.app import create_bot
from bot.logs import setup_logging
from bot.settings import DatabaseSettings, Settings

ESC = "\x1b["


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """setup_logging changes the process's root logger: put it back after each test."""
    root = logging.getLogger()
    before = list(root.handlers), root.level
    yield
    root.handlers[:], root.level = before
    for name in ("discord.gateway", "discord.http", "discord.state", "discord.webhook"):
        logging.getLogger(name).setLevel(logging.NOTSET)


class _Terminal(io.StringIO):
    """Standard output as a terminal shows it."""

    def isatty(self) -> bool:
        return True


def test_debug_level_never_dumps_gateway_payloads() -> None:
    setup_logging("DEBUG")

    assert logging.getLogger("bot").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("discord.gateway").getEffectiveLevel() == logging.INFO
    assert logging.getLogger("discord.http").getEffectiveLevel() == logging.INFO


def test_a_log_that_is_not_a_terminal_has_no_colour_codes_even_in_docker(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # discord.py colours every stream inside a container; standard output here is a pipe.
    monkeypatch.setattr(discord.utils, "is_docker", lambda: True)
    setup_logging("INFO")

    logging.getLogger("bot.app").warning("connected as %s", "Ascolto")

    out = capsys.readouterr().out
    assert ESC not in out
    assert out.endswith("] [WARNING ] bot.app: connected as Ascolto\n")


def test_a_terminal_still_gets_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    setup_logging("INFO")

    logging.getLogger("bot.app").warning("connected")

    assert ESC in terminal.getvalue()


def test_starting_the_bot_logs_nothing_about_voice(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # As in a fresh process without PyNaCl or davey, where discord.py warns once.
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    setup_logging("INFO")

    create_bot(Settings(database=DatabaseSettings(path=tmp_path / "a.db")))

    out = capsys.readouterr().out
    assert "voice" not in out.lower()
