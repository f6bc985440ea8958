"""The process log keeps message text out, even at DEBUG; it is plain text
where no terminal reads it, and says nothing about voice, which Ascolto never uses."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest

from bot.app import create_bot
from bot.logs import CONTENT_LOGGERS, setup_logging
from bot.settings import DatabaseSettings, Settings
from tests.helpers import query

ESC = "\x1b["


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """setup_logging changes the process's root logger: put it back after each test."""
    root = logging.getLogger()
    before = list(root.handlers), root.level
    yield
    root.handlers[:], root.level = before
    for name in CONTENT_LOGGERS:
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
    assert logging.getLogger("aiosqlite").getEffectiveLevel() == logging.INFO


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


async def test_at_debug_no_log_record_holds_message_text(
    simcord_env, simcord_bot, caplog: pytest.LogCaptureFixture
) -> None:
    setup_logging("DEBUG")
    caplog.set_level(logging.DEBUG)  # capture every logger's records, whatever it lets through
    guild = simcord_env.create_guild("Ascolto Lab")
    general = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    secret = "tangerine-" + uuid.uuid4().hex
    question = await alice.send(general, f"Is {secret} the wifi password?")
    await bob.send(general, f"{alice.mention} yes, {secret}", reply_to=question)
    await alice.slash(general, "inbox")  # reads the stored text back
    await simcord_bot.store.flush()

    stored = query(
        simcord_bot.store.path, "SELECT content FROM messages WHERE content LIKE ?", f"%{secret}%"
    )
    assert len(stored) == 2  # the text went through the store, at DEBUG
    assert any(r.name.startswith("discord") for r in caplog.records)  # records were captured
    leaks = [r.name for r in caplog.records if secret in _rendered(r)]
    assert leaks == []


def _rendered(record: logging.LogRecord) -> str:
    """All a record would print: its message, its traceback and stack if any."""
    text = record.getMessage()
    if record.exc_info:
        text += logging.Formatter().formatException(record.exc_info)
    return text + (record.stack_info or "")
