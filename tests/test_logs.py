"""The process log keeps discord.py's payload dumps out, even at DEBUG."""

from __future__ import annotations

import logging

from bot.logs import setup_logging


def test_debug_level_never_dumps_gateway_payloads() -> None:
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        setup_logging("DEBUG")

        assert logging.getLogger("bot").getEffectiveLevel() == logging.DEBUG
        assert logging.getLogger("discord.gateway").getEffectiveLevel() == logging.INFO
        assert logging.getLogger("discord.http").getEffectiveLevel() == logging.INFO
    finally:
        root.handlers[:], root.level = before
        for name in ("discord.gateway", "discord.http", "discord.state", "discord.webhook"):
            logging.getLogger(name).setLevel(logging.NOTSET)
