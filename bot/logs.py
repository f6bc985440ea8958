"""The process log: one line per event worth knowing, never message content or the token."""

from __future__ import annotations

import logging
import sys

import discord

# At DEBUG these discord.py loggers print whole gateway payloads and HTTP bodies,
# message text included; they never go below INFO, whatever the configured level.
_CHATTY_LOGGERS = ("discord.gateway", "discord.http", "discord.state", "discord.webhook")


def setup_logging(level: str) -> None:
    """Log to stdout (a container's log) at ``level``, keeping discord.py's payload dumps
    out."""
    numeric = logging.getLevelName(level)
    discord.utils.setup_logging(handler=logging.StreamHandler(sys.stdout), level=numeric, root=True)
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric, logging.INFO))
