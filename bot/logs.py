"""The process log: one line per event worth knowing, never message content or the token."""

from __future__ import annotations

import logging
import sys

import discord

# Third-party loggers whose DEBUG lines can carry message text: discord.py's print whole
# gateway payloads and HTTP bodies, and aiosqlite's print every statement with its
# parameters. They never go below INFO, whatever the configured level. (discord.py's
# other DEBUG lines name events, ids and custom ids, never text.)
CONTENT_LOGGERS = (
    "discord.gateway",
    "discord.http",
    "discord.state",
    "discord.webhook",
    "aiosqlite",
)

# discord.py's own plain format, used when colour would only leave escape codes behind.
_PLAIN = logging.Formatter(
    "[{asctime}] [{levelname:<8}] {name}: {message}", "%Y-%m-%d %H:%M:%S", style="{"
)


def setup_logging(level: str) -> None:
    """Log to stdout (a container's log) at ``level``, keeping the third-party lines that
    carry message text out; colour only on a terminal."""
    numeric = logging.getLevelName(level)
    stream = sys.stdout
    handler = logging.StreamHandler(stream)
    if stream.isatty():
        # discord.py picks colour when the terminal can show it.
        discord.utils.setup_logging(handler=handler, level=numeric, root=True)
    else:
        # discord.py colours any stream inside Docker, TTY or not: docker logs, files and
        # log collectors would get raw ANSI codes.
        discord.utils.setup_logging(handler=handler, formatter=_PLAIN, level=numeric, root=True)
    for name in CONTENT_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric, logging.INFO))
    quiet_voice_warnings()


def quiet_voice_warnings() -> None:
    """Drop discord.py's "PyNaCl / davey is not installed" warnings: Ascolto never joins
    voice, so they would only alarm whoever reads the log at every start."""
    # discord.py logs each once, when the first client is built, if its flag is still set.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
